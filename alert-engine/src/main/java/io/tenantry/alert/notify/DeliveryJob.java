package io.tenantry.alert.notify;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.springframework.scheduling.quartz.QuartzJobBean;

/** Quartz job: drains due notifications ({@link Deliveries#sendDue}) until a pass finds none. */
@DisallowConcurrentExecution
public class DeliveryJob extends QuartzJobBean {
    private final Deliveries deliveries;

    public DeliveryJob(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        for (int i = 0; i < 50 && deliveries.sendDue() > 0; i++) {
            // next batch
        }
    }
}
