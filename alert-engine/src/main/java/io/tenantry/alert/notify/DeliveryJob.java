package io.tenantry.alert.notify;

import io.tenantry.alert.eval.DispatchPause;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * Quartz job: drains due notifications ({@link Deliveries#sendDue}) until a pass finds none; also the safety net of
 * a paused dispatch trigger ({@link DispatchPause#resumeIfRules()}).
 */
@DisallowConcurrentExecution
public class DeliveryJob extends QuartzJobBean {
    private final Deliveries deliveries;
    private final DispatchPause dispatchPause;

    public DeliveryJob(Deliveries deliveries, DispatchPause dispatchPause) {
        this.deliveries = deliveries;
        this.dispatchPause = dispatchPause;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        dispatchPause.resumeIfRules();
        for (int i = 0; i < 50 && deliveries.sendDue() > 0; i++) {
            // next batch
        }
    }
}
