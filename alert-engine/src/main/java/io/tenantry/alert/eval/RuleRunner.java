package io.tenantry.alert.eval;

import io.tenantry.alert.rule.AlertRule;
import io.tenantry.alert.rule.RuleSpec;
import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.AlertStatesRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.ALERT_CHANNELS;
import static io.tenantry.db.jooq.Tables.ALERT_DELIVERIES;
import static io.tenantry.db.jooq.Tables.ALERT_EVENTS;
import static io.tenantry.db.jooq.Tables.ALERT_RULES;
import static io.tenantry.db.jooq.Tables.ALERT_RULE_RUNS;
import static io.tenantry.db.jooq.Tables.ALERT_STATES;
import static io.tenantry.db.jooq.Tables.DEVICES;

/**
 * Evaluates one rule for one tick and persists the outcome (issue 12 "Evaluation"):
 * <ol>
 *   <li>claims the tick: {@code UPDATE alert_rules SET last_tick = :tick WHERE id = :id AND enabled AND last_tick < :tick}
 *       — of any number of engine instances exactly one wins a (rule, tick);</li>
 *   <li>observes every selected device at the tick's due time ({@link Evaluator});</li>
 *   <li>in one transaction: steps each device's state ({@link StateMachine}), writes {@code alert_states}, inserts an
 *       {@code alert_events} row per transition and one {@code alert_deliveries} row per enabled channel of the rule
 *       (the notification outbox), so a crash either loses the whole tick (the next tick re-observes) or keeps it
 *       whole — a transition is never lost nor repeated, and its notifications are never lost;</li>
 *   <li>records the run ({@code alert_rule_runs}: lag, statements, CPU time).</li>
 * </ol>
 * A failing InfluxDB read records the error on the run and changes no state. Notifications are sent later by the
 * delivery worker, so a failing channel never blocks evaluation.
 */
@Component
public class RuleRunner {
    private static final Logger log = LoggerFactory.getLogger(RuleRunner.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    /** Most device ticks one traced backtest answers. */
    public static final long MAX_TRACE = 200_000;

    private final DSLContext dsl;
    private final Evaluator evaluator;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final String instance;

    public RuleRunner(DSLContext dsl, Evaluator evaluator, Clock clock, AlertProperties props) {
        this.dsl = dsl;
        this.evaluator = evaluator;
        this.clock = clock;
        this.instance = props.instanceName();
    }

    /** A device a rule watches. */
    public record Target(UUID deviceId, String plcId) {
    }

    /** One device's outcome of a dry run or a tick. */
    public record DeviceOutcome(Instant at, UUID deviceId, String plcId, String stateBefore, String stateAfter, String transition,
                                Evaluator.Observation observation, String message) {
    }

    /** The active devices of the rule's tenant its selector picks. */
    public List<Target> targets(AlertRule rule) {
        JsonNode sel = rule.selector();
        List<String> only = new ArrayList<>();
        if (sel.has("devices")) {
            sel.get("devices").forEach(d -> only.add(d.asString()));
        }
        List<Target> out = new ArrayList<>();
        for (Record4<UUID, String, String, JSONB> d : dsl.select(DEVICES.ID, DEVICES.PLC_ID, DEVICES.TYPE, DEVICES.TAGS)
                .from(DEVICES).where(DEVICES.TENANT_ID.eq(rule.tenantId().value())).and(DEVICES.ACTIVE.isTrue())
                .orderBy(DEVICES.PLC_ID).fetch()) {
            if (!only.isEmpty() && !only.contains(d.value2())) {
                continue;
            }
            if (sel.has("type") && !sel.get("type").asString().equals(d.value3())) {
                continue;
            }
            if (sel.has("tags")) {
                JsonNode tags = json.readTree(d.value4().data());
                boolean all = true;
                for (var e : sel.get("tags").properties()) {
                    JsonNode v = tags.get(e.getKey());
                    all &= v != null && v.asString().equals(e.getValue().asString());
                }
                if (!all) {
                    continue;
                }
            }
            out.add(new Target(d.value1(), d.value2()));
        }
        return out;
    }

    /**
     * Runs a claimed-or-not tick: claims it, evaluates, persists.
     *
     * @return false when another instance (or an earlier run) already had this tick, or the rule is gone or disabled
     */
    public boolean runTick(UUID ruleId, long tick, AlertRuleLoader loader) {
        Instant started = clock.instant();
        long cpu0 = CPU.getCurrentThreadCpuTime();
        int claimed = dsl.update(ALERT_RULES).set(ALERT_RULES.LAST_TICK, tick)
                .where(ALERT_RULES.ID.eq(ruleId)).and(ALERT_RULES.ENABLED.isTrue()).and(ALERT_RULES.LAST_TICK.lt(tick)).execute();
        if (claimed == 0) {
            return false;
        }
        AlertRule rule = loader.load(ruleId);
        if (rule == null) {
            return false;
        }
        Instant due = Ticks.due(ruleId, rule.every().toSeconds(), tick);
        int devices = 0;
        int queries = 0;
        String error = null;
        try {
            List<Target> targets = targets(rule);
            devices = targets.size();
            if (!targets.isEmpty()) {
                Evaluator.Result r = evaluator.observe(rule, targets.stream().map(Target::plcId).toList(), due);
                queries = r.queries();
                dsl.transaction(c -> apply(c.dsl(), rule, targets, r, due, tick, true));
            }
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("rule {} tick {}: {}", ruleId, tick, error);
        }
        long cpu = CPU.getCurrentThreadCpuTime() - cpu0;
        if (!dsl.fetchExists(ALERT_RULES, ALERT_RULES.ID.eq(ruleId))) {
            return true; // deleted while it was evaluated: its runs went with it
        }
        try {
            recordRun(ruleId, tick, due, started, devices, queries, cpu, error);
        } catch (org.springframework.dao.DataIntegrityViolationException e) {
            log.debug("rule {} deleted before its run was recorded", ruleId);
        }
        return true;
    }

    private void recordRun(UUID ruleId, long tick, Instant due, Instant started, int devices, int queries, long cpu, String error) {
        dsl.insertInto(ALERT_RULE_RUNS).set(ALERT_RULE_RUNS.RULE_ID, ruleId).set(ALERT_RULE_RUNS.TICK, tick)
                .set(ALERT_RULE_RUNS.INSTANCE, instance).set(ALERT_RULE_RUNS.DUE_AT, odt(due))
                .set(ALERT_RULE_RUNS.STARTED_AT, odt(started)).set(ALERT_RULE_RUNS.FINISHED_AT, odt(clock.instant()))
                .set(ALERT_RULE_RUNS.DEVICES, devices).set(ALERT_RULE_RUNS.QUERIES, queries)
                .set(ALERT_RULE_RUNS.CPU_NANOS, Math.max(0, cpu))
                .set(ALERT_RULE_RUNS.ERROR, error == null ? null : error.substring(0, Math.min(1000, error.length())))
                .execute();
    }

    /** Loads a rule by id regardless of tenant (the scheduler's view). */
    @FunctionalInterface
    public interface AlertRuleLoader {
        AlertRule load(UUID id);
    }

    /**
     * Evaluates now (or at {@code at}) and answers what would happen, writing nothing.
     */
    public List<DeviceOutcome> dryRun(AlertRule rule, Instant at) {
        List<Target> targets = targets(rule);
        if (targets.isEmpty()) {
            return List.of();
        }
        Evaluator.Result r = evaluator.observe(rule, targets.stream().map(Target::plcId).toList(), at);
        return apply(dsl, rule, targets, r, at, Long.MAX_VALUE, false);
    }

    /**
     * Replays the rule over {@code [from, to]} at {@code step} from state OK for every device, as the scheduler would
     * have evaluated it tick by tick, and answers the transitions in time order. With {@code record}, the transitions
     * are inserted into {@code alert_events} (no notifications, no state change).
     */
    public List<DeviceOutcome> backtest(AlertRule rule, Instant from, Instant to, Duration step, boolean record) {
        return backtest(rule, from, to, step, record, false);
    }

    /**
     * Like {@link #backtest(AlertRule, Instant, Instant, Duration, boolean)}; with {@code trace} every tick's
     * outcome of every device is answered (transition null when none), not only the transitions.
     */
    public List<DeviceOutcome> backtest(AlertRule rule, Instant from, Instant to, Duration step, boolean record, boolean trace) {
        List<Target> targets = targets(rule);
        List<DeviceOutcome> out = new ArrayList<>();
        if (targets.isEmpty()) {
            return out;
        }
        long ticks = Duration.between(from, to).dividedBy(step) + 1;
        if (trace && ticks * targets.size() > MAX_TRACE) {
            throw new io.tenantry.core.error.InvalidInputException("alerts:evaluate.invalid", "a trace holds at most " + MAX_TRACE
                    + " device ticks; this one would hold " + ticks * targets.size(),
                    List.of(new io.tenantry.core.error.FieldError("trace", "shorten the range, widen the step or narrow the selector", true)));
        }
        Map<UUID, StateMachine.State> state = new HashMap<>();
        Map<UUID, Instant> since = new HashMap<>();
        for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
            Evaluator.Result r = evaluator.observe(rule, targets.stream().map(Target::plcId).toList(), t);
            for (Target d : targets) {
                Evaluator.Observation o = r.byPlc().get(d.plcId());
                StateMachine.State s = state.getOrDefault(d.deviceId(), StateMachine.State.OK);
                StateMachine.Step st = StateMachine.step(s, since.getOrDefault(d.deviceId(), t), o.breach(), o.cleared(), t,
                        rule.spec().forDuration());
                state.put(d.deviceId(), st.state());
                since.put(d.deviceId(), st.since());
                if (st.transition() != StateMachine.Transition.NONE) {
                    String kind = st.transition() == StateMachine.Transition.FIRED ? "fired" : "resolved";
                    String msg = message(rule, d, o, st.state());
                    out.add(new DeviceOutcome(t, d.deviceId(), d.plcId(), s.name(), st.state().name(), kind, o, msg));
                    if (record) {
                        insertEvent(dsl, rule, d, kind, t, o, msg);
                    }
                } else if (trace) {
                    out.add(new DeviceOutcome(t, d.deviceId(), d.plcId(), s.name(), st.state().name(), null, o, null));
                }
            }
        }
        return out;
    }

    private List<DeviceOutcome> apply(DSLContext tx, AlertRule rule, List<Target> targets, Evaluator.Result r, Instant at,
                                      long tick, boolean write) {
        Map<UUID, AlertStatesRecord> current = new HashMap<>();
        var q = tx.selectFrom(ALERT_STATES).where(ALERT_STATES.RULE_ID.eq(rule.id()));
        for (AlertStatesRecord s : write ? q.forUpdate().fetch() : q.fetch()) {
            current.put(s.getDeviceId(), s);
        }
        List<DeviceOutcome> out = new ArrayList<>();
        for (Target d : targets) {
            Evaluator.Observation o = r.byPlc().get(d.plcId());
            AlertStatesRecord cur = current.get(d.deviceId());
            if (write && cur != null && cur.getLastTick() >= tick) {
                continue; // a newer tick already wrote this device
            }
            StateMachine.State before = cur == null ? StateMachine.State.OK : StateMachine.State.valueOf(cur.getState());
            Instant since = cur == null ? at : cur.getSince().toInstant();
            StateMachine.Step st = StateMachine.step(before, since, o.breach(), o.cleared(), at, rule.spec().forDuration());
            String kind = switch (st.transition()) {
                case FIRED -> "fired";
                case RESOLVED -> "resolved";
                case NONE -> null;
            };
            String msg = message(rule, d, o, st.state());
            out.add(new DeviceOutcome(at, d.deviceId(), d.plcId(), before.name(), st.state().name(), kind, o, msg));
            if (!write) {
                continue;
            }
            tx.insertInto(ALERT_STATES).set(ALERT_STATES.RULE_ID, rule.id()).set(ALERT_STATES.DEVICE_ID, d.deviceId())
                    .set(ALERT_STATES.TENANT_ID, rule.tenantId().value()).set(ALERT_STATES.STATE, st.state().name())
                    .set(ALERT_STATES.SINCE, odt(st.since())).set(ALERT_STATES.LAST_VALUE, o.value())
                    .set(ALERT_STATES.LAST_TICK, tick).set(ALERT_STATES.UPDATED_AT, odt(clock.instant()))
                    .onConflict(ALERT_STATES.RULE_ID, ALERT_STATES.DEVICE_ID).doUpdate()
                    .set(ALERT_STATES.STATE, st.state().name()).set(ALERT_STATES.SINCE, odt(st.since()))
                    .set(ALERT_STATES.LAST_VALUE, o.value()).set(ALERT_STATES.LAST_TICK, tick)
                    .set(ALERT_STATES.UPDATED_AT, odt(clock.instant())).execute();
            if (kind != null) {
                long eventId = insertEvent(tx, rule, d, kind, at, o, msg);
                for (UUID ch : rule.channels()) {
                    Boolean enabled = tx.select(ALERT_CHANNELS.ENABLED).from(ALERT_CHANNELS).where(ALERT_CHANNELS.ID.eq(ch))
                            .and(ALERT_CHANNELS.TENANT_ID.eq(rule.tenantId().value())).fetchOne(ALERT_CHANNELS.ENABLED);
                    if (Boolean.TRUE.equals(enabled)) {
                        tx.insertInto(ALERT_DELIVERIES).set(ALERT_DELIVERIES.TENANT_ID, rule.tenantId().value())
                                .set(ALERT_DELIVERIES.EVENT_ID, eventId).set(ALERT_DELIVERIES.CHANNEL_ID, ch)
                                .set(ALERT_DELIVERIES.IDEMPOTENCY_KEY, "alert-event-" + eventId + "-" + ch)
                                .set(ALERT_DELIVERIES.STATUS, "pending").set(ALERT_DELIVERIES.ATTEMPTS, 0)
                                .set(ALERT_DELIVERIES.NEXT_ATTEMPT_AT, odt(clock.instant())).execute();
                    }
                }
            }
        }
        return out;
    }

    private long insertEvent(DSLContext tx, AlertRule rule, Target d, String kind, Instant at, Evaluator.Observation o, String msg) {
        return tx.insertInto(ALERT_EVENTS).set(ALERT_EVENTS.TENANT_ID, rule.tenantId().value())
                .set(ALERT_EVENTS.RULE_ID, rule.id()).set(ALERT_EVENTS.DEVICE_ID, d.deviceId()).set(ALERT_EVENTS.KIND, kind)
                .set(ALERT_EVENTS.AT, odt(at)).set(ALERT_EVENTS.SEVERITY, rule.severity())
                .set(ALERT_EVENTS.VALUES, JSONB.valueOf(json.writeValueAsString(o.values())))
                .set(ALERT_EVENTS.MESSAGE, msg).returning(ALERT_EVENTS.ID).fetchOne().getId();
    }

    private static String message(AlertRule rule, Target d, Evaluator.Observation o, StateMachine.State state) {
        Map<String, Object> vars = new LinkedHashMap<>(o.values());
        vars.put("device", d.plcId());
        vars.put("rule", rule.name());
        vars.put("severity", rule.severity());
        vars.put("state", state.name());
        vars.putIfAbsent("field", rule.spec() instanceof RuleSpec.NoData ? "" : String.join(",", rule.spec().fields()));
        rule.labels().forEach((k, v) -> vars.put("labels." + k, v));
        return Template.render(rule.description(), vars);
    }

    static OffsetDateTime odt(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /** The tenant of a rule id, or null. */
    public TenantId tenantOf(UUID ruleId) {
        UUID t = dsl.select(ALERT_RULES.TENANT_ID).from(ALERT_RULES).where(ALERT_RULES.ID.eq(ruleId)).fetchOne(ALERT_RULES.TENANT_ID);
        return t == null ? null : TenantId.of(t);
    }
}
