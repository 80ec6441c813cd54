package io.tenantry.alert.eval;

import org.jooq.DSLContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import static io.tenantry.db.jooq.Tables.ALERT_RULES;

/**
 * Pauses the clustered {@code alerts.dispatch} trigger while no rule is enabled, so an engine without rules costs no
 * Quartz firing (and no PostgreSQL round trips) every {@code dispatch-interval} (issue 15, idle cost: the 2-second
 * dispatch was most of the idle stack's CPU). The pause and resume are stored in the clustered job store, so they
 * hold for every instance.
 * <ul>
 *   <li>{@link #pauseIfNoRules()}: called by a dispatch pass that found nothing to evaluate. It pauses only when no
 *       rule at all is enabled (whatever its tenant's status), then checks again and resumes if a rule was enabled
 *       meanwhile: a rule committed before that second check is seen by it; one committed after it finds the trigger
 *       already paused in its {@link #wake()}.</li>
 *   <li>{@link #wake()}: called after a rule is created, replaced or enabled (committed); resumes a paused trigger.
 *       The next pass runs at once (misfire instruction "next with remaining count": the first fire time after
 *       now).</li>
 *   <li>{@link #resumeIfRules()}: the safety net, called by the delivery job (every {@code delivery-interval}): a
 *       paused trigger with an enabled rule (a failed wake, a rule enabled by hand in SQL) is resumed, so an enabled
 *       rule is evaluated at the latest one delivery interval (10 s) after it was enabled.</li>
 * </ul>
 */
@Component
public class DispatchPause {
    private static final Logger log = LoggerFactory.getLogger(DispatchPause.class);
    /** The trigger of {@code io.tenantry.alert.config.AlertConfig#dispatchTrigger}. */
    public static final TriggerKey DISPATCH = TriggerKey.triggerKey("alerts.dispatch");
    private final Scheduler scheduler;
    private final DSLContext dsl;

    public DispatchPause(Scheduler scheduler, DSLContext dsl) {
        this.scheduler = scheduler;
        this.dsl = dsl;
    }

    private boolean anyEnabled() {
        return dsl.fetchExists(ALERT_RULES, ALERT_RULES.ENABLED.isTrue());
    }

    /** Pauses the dispatch trigger when no rule is enabled. @return true when it is paused now */
    boolean pauseIfNoRules() {
        try {
            if (anyEnabled()) {
                return false;
            }
            scheduler.pauseTrigger(DISPATCH);
            if (anyEnabled()) {
                scheduler.resumeTrigger(DISPATCH);
                return false;
            }
            log.debug("no enabled alert rule: dispatch paused until one is enabled");
            return true;
        } catch (SchedulerException | RuntimeException e) {
            log.warn("could not pause the dispatch trigger: {}", e.toString());
            return false;
        }
    }

    /** Resumes the dispatch trigger if it is paused; call after a rule was committed enabled. Never throws. */
    public void wake() {
        try {
            if (scheduler.getTriggerState(DISPATCH) == Trigger.TriggerState.PAUSED) {
                scheduler.resumeTrigger(DISPATCH);
            }
        } catch (SchedulerException | RuntimeException e) {
            log.warn("could not resume the dispatch trigger (the delivery job retries): {}", e.toString());
        }
    }

    /** Resumes a paused dispatch trigger when a rule is enabled (safety net of {@link #wake()}). Never throws. */
    public void resumeIfRules() {
        try {
            if (scheduler.getTriggerState(DISPATCH) == Trigger.TriggerState.PAUSED && anyEnabled()) {
                log.info("an enabled alert rule found while dispatch was paused: resuming");
                scheduler.resumeTrigger(DISPATCH);
            }
        } catch (SchedulerException | RuntimeException e) {
            log.warn("could not check the dispatch trigger: {}", e.toString());
        }
    }
}
