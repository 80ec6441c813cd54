package io.tenantry.alert.eval;

import io.tenantry.alert.notify.DeliveryKick;
import io.tenantry.alert.rule.AlertRules;
import org.jooq.DSLContext;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import static io.tenantry.db.jooq.Tables.ALERT_RULES;
import static io.tenantry.db.jooq.Tables.ALERT_RULE_RUNS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * The Quartz job (clustered JDBC store, scheduler {@code tenantry-alerts}) that evaluates due rules: every
 * {@code tenantry.alerts.dispatch-interval} it picks the enabled rules of ACTIVE tenants whose current tick
 * ({@link Ticks}) is newer than their {@code last_tick} and runs each on the instance's worker
 * pool through {@link RuleRunner#runTick}, whose claim makes a (rule, tick) run exactly once over all instances even
 * if two dispatchers overlapped (Quartz already fires a trigger on one instance only). A tick missed entirely (all
 * instances down) is not caught up: the next one evaluates the present. Also prunes {@code alert_rule_runs} older
 * than a day. After a pass that evaluated rules it {@linkplain DeliveryKick#kick() kicks} delivery on this
 * instance (in the background: the pass never waits for a channel). While no rule is enabled at all, the trigger is
 * paused ({@link DispatchPause}).
 */
@DisallowConcurrentExecution
public class DispatchJob extends QuartzJobBean {
    private static final Logger log = LoggerFactory.getLogger(DispatchJob.class);
    private static volatile long lastPrune;
    private final DSLContext dsl;
    private final RuleRunner runner;
    private final AlertRules rules;
    private final ExecutorService workers;
    private final Clock clock;
    private final DeliveryKick deliveryKick;
    private final DispatchPause pause;

    public DispatchJob(DSLContext dsl, RuleRunner runner, AlertRules rules, ExecutorService alertWorkers, Clock clock,
                       DeliveryKick deliveryKick, DispatchPause pause) {
        this.deliveryKick = deliveryKick;
        this.pause = pause;
        this.dsl = dsl;
        this.runner = runner;
        this.rules = rules;
        this.workers = alertWorkers;
        this.clock = clock;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        dispatchOnce();
    }

    /** One pass: runs every due rule and waits for them. @return rules evaluated by this instance */
    public int dispatchOnce() {
        java.time.Instant nowT = clock.instant();
        long now = nowT.getEpochSecond();
        var due = dsl.select(ALERT_RULES.ID, ALERT_RULES.EVERY_SECONDS, ALERT_RULES.LAST_TICK).from(ALERT_RULES)
                .join(TENANTS).on(TENANTS.ID.eq(ALERT_RULES.TENANT_ID))
                .where(ALERT_RULES.ENABLED.isTrue()).and(TENANTS.STATUS.eq("ACTIVE")).fetch();
        if (due.isEmpty()) {
            pause.pauseIfNoRules(); // no rule enabled at all: no firing until one is (issue 15 idle cost)
        }
        List<Future<Boolean>> running = new ArrayList<>();
        for (var r : due) {
            long tick = Ticks.current(r.value1(), r.value2(), nowT);
            if (tick > r.value3()) {
                UUID id = r.value1();
                running.add(workers.submit(() -> runner.runTick(id, tick, ruleId -> {
                    var rec = dsl.selectFrom(ALERT_RULES).where(ALERT_RULES.ID.eq(ruleId)).fetchOne();
                    return rec == null ? null : rules.toRule(rec);
                })));
            }
        }
        int ran = 0;
        for (Future<Boolean> f : running) {
            try {
                ran += f.get() ? 1 : 0;
            } catch (Exception e) {
                log.warn("rule evaluation failed: {}", e.toString());
            }
        }
        if (ran > 0) {
            deliveryKick.kick();
        }
        if (now - lastPrune > 600) {
            lastPrune = now;
            dsl.deleteFrom(ALERT_RULE_RUNS).where(ALERT_RULE_RUNS.STARTED_AT.lt(
                    OffsetDateTime.now(ZoneOffset.UTC).minus(Duration.ofDays(1)))).execute();
        }
        return ran;
    }
}
