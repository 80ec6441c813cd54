package io.tenantry.quota.retention;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.quartz.QuartzJobBean;

/** The scheduled per-plan retention pass ({@link RetentionRunner#runOnce}); one at a time across the cluster. */
@DisallowConcurrentExecution
public class RetentionJob extends QuartzJobBean {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    private RetentionRunner runner;

    /** Injected by Spring's job factory. */
    @Autowired
    public void setRunner(RetentionRunner runner) {
        this.runner = runner;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        RetentionRunner.Summary s = runner.runOnce();
        log.info("retention pass: {}", s);
    }
}
