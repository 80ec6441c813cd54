package io.tenantry.alert.notify;

import io.tenantry.alert.eval.AlertProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends the notifications a dispatch pass just wrote, on this instance, without waiting for the next
 * {@code alerts.deliver} run (issue 15, idle cost): the dispatcher calls {@link #kick()} after a pass that evaluated
 * rules, and one background thread drains due rows like {@link DeliveryJob} does ({@link Deliveries#sendDue}, the
 * same {@code FOR UPDATE SKIP LOCKED} rows, so an instance's kick and any instance's delivery job never send one row
 * twice at once). Kicks while a drain is queued or running are merged into the next drain. The dispatcher never
 * waits for it: a slow or failing channel still cannot delay evaluation.
 * <p>
 * With it, a fresh event's notifications leave right after the pass that wrote them, and the {@code alerts.deliver}
 * trigger only carries retries (backoff ≥ 5 s) and rows an instance left behind when it died; its default interval
 * is therefore 10 s (was 2 s), which halves the alert-engine's Quartz trigger firings at idle. Switched off with
 * {@code tenantry.alerts.deliver-after-dispatch=false} (AlertClusterIT's "killed between evaluation and delivery"
 * instance).
 */
@Component
public class DeliveryKick implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DeliveryKick.class);
    private final Deliveries deliveries;
    private final boolean enabled;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("alert-deliver-kick").daemon().factory());

    public DeliveryKick(Deliveries deliveries, AlertProperties props) {
        this.deliveries = deliveries;
        this.enabled = props.deliverAfterDispatch();
    }

    /** Queues one drain of due notifications unless one is already queued; returns at once. No-op when disabled. */
    public void kick() {
        if (!enabled || !queued.compareAndSet(false, true)) {
            return;
        }
        thread.execute(() -> {
            queued.set(false);
            try {
                for (int i = 0; i < 50 && deliveries.sendDue() > 0; i++) {
                    // next batch
                }
            } catch (RuntimeException e) {
                log.warn("delivery after dispatch failed, left to the alerts.deliver job: {}", e.toString());
            }
        });
    }

    @Override
    public void destroy() {
        thread.shutdownNow();
    }
}
