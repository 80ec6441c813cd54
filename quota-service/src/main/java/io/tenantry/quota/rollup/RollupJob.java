package io.tenantry.quota.rollup;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * The scheduled rollup pass ({@link RollupRunner#runOnce} with {@code wait = false}). {@code @DisallowConcurrentExecution}
 * in the clustered JDBC job store: one pass at a time across every quota-service instance; a misfire (the
 * previous pass still running) just runs the next pass later.
 */
@DisallowConcurrentExecution
public class RollupJob extends QuartzJobBean {
    private static final Logger log = LoggerFactory.getLogger(RollupJob.class);
    private RollupRunner runner;

    /** Injected by Spring's job factory. */
    @Autowired
    public void setRunner(RollupRunner runner) {
        this.runner = runner;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        RollupRunner.Summary s = runner.runOnce(false);
        log.debug("rollup pass: {}", s);
    }
}
