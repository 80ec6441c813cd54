package io.tenantry.alert.eval;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code tenantry.alerts.*}: the engine's schedules and notification settings.
 *
 * @param dispatchInterval  how often the clustered dispatcher job looks for rules whose tick is due (default 2 s;
 *                          a rule's evaluation lags its due time by at most about this much plus the run)
 * @param deliveryInterval  how often the delivery job sends pending notifications (default 10 s; was 2 s): with
 *                          {@code deliverAfterDispatch} a fresh event's notifications leave right after the pass
 *                          that wrote them, so this job carries retries (backoff ≥ 5 s) and rows left by a dead
 *                          instance (issue 15, idle cost)
 * @param workers           rules evaluated in parallel by one instance (default 4)
 * @param instanceName      this instance's name in {@code alert_rule_runs} (default host name + pid)
 * @param webhookTimeout    one webhook HTTP attempt's timeout (default 5 s)
 * @param webhookAttempts   attempts within one delivery pass (resilience4j retry, exponential backoff; default 3)
 * @param maxDeliveryPasses delivery passes before a notification is marked failed (default 8; passes back off
 *                          exponentially from 5 s to 10 min)
 * @param mailFrom          sender address of alert e-mails
 * @param deliverAfterDispatch after a dispatch pass that evaluated rules, drain due notifications on this instance
 *                          at once, in the background ({@code io.tenantry.alert.notify.DeliveryKick}; default true)
 */
@ConfigurationProperties("tenantry.alerts")
public record AlertProperties(@DefaultValue("2s") Duration dispatchInterval, @DefaultValue("10s") Duration deliveryInterval,
                              @DefaultValue("4") int workers, String instanceName,
                              @DefaultValue("5s") Duration webhookTimeout, @DefaultValue("3") int webhookAttempts,
                              @DefaultValue("8") int maxDeliveryPasses,
                              @DefaultValue("alerts@tenantry.local") String mailFrom,
                              @DefaultValue("true") boolean deliverAfterDispatch) {
    public AlertProperties {
        if (instanceName == null || instanceName.isBlank()) {
            instanceName = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
