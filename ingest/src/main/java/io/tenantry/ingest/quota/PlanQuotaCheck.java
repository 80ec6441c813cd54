package io.tenantry.ingest.quota;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.ingest.metering.UsageMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@link QuotaCheck} port from metered usage (issue 10, "Enforcement"; design note 003 §7–§8).
 * <ol>
 *   <li><b>Daily budget.</b> budget = the tenant's field values/min (plan, or its override) × 1,440 per UTC day of
 *       the injected {@link Clock}. A message is refused ({@code quota_exceeded}) when the day's field values plus
 *       its own would exceed {@code capFactor} × budget (default 1.10), until the day rolls over or the rate is
 *       raised (limits are re-read every {@code refresh}, default 2 s: an upgrade is effective within seconds,
 *       without restart). Between 100 % and the cap it is stored with {@link Verdict#THROTTLE}. The day's usage is
 *       what this process admitted today plus what the other ingest processes stored today ({@code ingest_usage},
 *       re-read with the limits), so several instances over-admit at most what the others admitted in the last
 *       refresh interval.</li>
 *   <li><b>Burst guard.</b> a {@link TokenBucket} per tenant refilled at {@code burstFactor} × its rate per minute
 *       (default 10×) holding {@code burstFactor} × rate × {@code burstWindow} (default 10 min). Above it a message
 *       is <i>refused</i> ({@code burst_limit}), not held back: holding back would block the one MQTT callback
 *       thread all tenants share (and the broker's in-flight window), so one tenant's flood would slow every other
 *       tenant — refusing costs the flooder only.</li>
 * </ol>
 * Every refusal is counted in the {@link UsageMeter} (reason, field values) and names the limit, the current value
 * and the plan; it is not dead-lettered, except a sample of {@code samplesPerMinute} per tenant
 * ({@link #keepSample}). A tenant unknown to the last refresh is loaded at once; a tenant that does not exist is
 * allowed (the port's contract: the directory refuses it anyway).
 */
public final class PlanQuotaCheck implements QuotaCheck, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PlanQuotaCheck.class);

    /** Reason code of a refusal over the daily cap. */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";
    /** Reason code of a refusal by the burst guard. */
    public static final String BURST_LIMIT = "burst_limit";

    private final QuotaStore store;
    private final UsageMeter meter;
    private final Clock clock;
    private final LongSupplier nanos;
    private final double capFactor;
    private final double burstFactor;
    private final Duration burstWindow;
    private final int samplesPerMinute;
    private final Duration refresh;
    private final Map<UUID, TenantState> states = new ConcurrentHashMap<>();
    private volatile Map<UUID, QuotaStore.Limits> limits = Map.of();
    private volatile Map<UUID, Long> others = Map.of();
    private volatile LocalDate othersDay;
    private volatile LocalDate day;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param store            PostgreSQL reads
     * @param meter            where refusals are counted (and whose instance id is "self")
     * @param clock            the day's clock (UTC days; injectable so tests roll the day over)
     * @param nanos            monotonic clock for the token buckets
     * @param capFactor        hard cap as a multiple of the daily budget (1.10 = 110 %)
     * @param burstFactor      burst guard rate as a multiple of the plan rate; ≤ 0 disables the guard
     * @param burstWindow      burst guard capacity, as time at that rate
     * @param samplesPerMinute refused messages kept as dead letters per tenant and minute
     * @param refresh          how often limits and other instances' usage are re-read
     */
    public PlanQuotaCheck(QuotaStore store, UsageMeter meter, Clock clock, LongSupplier nanos, double capFactor,
                          double burstFactor, Duration burstWindow, int samplesPerMinute, Duration refresh) {
        this.store = store;
        this.meter = meter;
        this.clock = clock;
        this.nanos = nanos;
        this.capFactor = capFactor;
        this.burstFactor = burstFactor;
        this.burstWindow = burstWindow;
        this.samplesPerMinute = samplesPerMinute;
        this.refresh = refresh;
    }

    @Override
    public Decision check(TenantId tenant, long fieldValues) {
        UUID id = tenant.value();
        QuotaStore.Limits l = limits.get(id);
        if (l == null) {
            l = loadMissing(id);
            if (l == null) {
                return Decision.ALLOW;
            }
        }
        LocalDate today = today();
        long budget = l.dailyBudget();
        long cap = (long) Math.floor(budget * capFactor);
        TenantState s = states.computeIfAbsent(id, k -> new TenantState());
        synchronized (s) {
            if (!today.equals(s.day)) {
                s.day = today;
                s.admitted = 0;
            }
            long fromOthers = today.equals(othersDay) ? others.getOrDefault(id, 0L) : 0L;
            long used = s.admitted + fromOthers;
            if (fieldValues > cap - used) { // not used + fieldValues > cap: that overflows for huge counts
                meter.refused(id, QUOTA_EXCEEDED, fieldValues);
                return new Decision(Verdict.REJECT, "limit " + QUOTA_EXCEEDED + ": daily field values " + cap
                        + " (" + Math.round(capFactor * 100) + " % of " + budget + " = " + l.pointsPerMinute()
                        + "/min × 1,440" + (l.overridden() ? ", tenant override" : "") + "), current " + used
                        + " + " + fieldValues + " in this message, plan " + l.plan() + "; until " + today.plusDays(1)
                        + "T00:00Z or a plan upgrade");
            }
            if (burstFactor > 0 && l.pointsPerMinute() > 0) {
                double rate = burstFactor * l.pointsPerMinute();
                if (s.bucket == null || s.bucketRate != rate) {
                    s.bucket = new TokenBucket(rate, rate * burstWindow.toSeconds() / 60.0, nanos.getAsLong());
                    s.bucketRate = rate;
                }
                if (!s.bucket.tryTake(fieldValues, nanos.getAsLong())) {
                    meter.refused(id, BURST_LIMIT, fieldValues);
                    return new Decision(Verdict.REJECT, "limit " + BURST_LIMIT + ": " + Math.round(rate)
                            + " field values/min (" + burstFactor + " × " + l.pointsPerMinute() + "/min), burst "
                            + Math.round(s.bucket.capacity()) + ", current " + Math.round(s.bucket.tokens())
                            + " left for " + fieldValues + " in this message, plan " + l.plan());
                }
            }
            s.admitted += fieldValues;
            return fieldValues > budget - used
                    ? new Decision(Verdict.THROTTLE, "over the daily budget " + budget + " (plan " + l.plan() + ")")
                    : Decision.ALLOW;
        }
    }

    /** The UTC day of the clock; the LocalDate is made once a day, not per message (issue 15). */
    private LocalDate today() {
        long epochDay = Math.floorDiv(clock.millis(), 86_400_000L);
        LocalDate d = day;
        if (d == null || d.toEpochDay() != epochDay) {
            d = LocalDate.ofEpochDay(epochDay);
            day = d;
        }
        return d;
    }

    /**
     * At most {@code samplesPerMinute} refused messages per tenant and minute become dead letters (issue 10: a
     * flood must not become a PostgreSQL flood).
     */
    @Override
    public boolean keepSample(TenantId tenant) {
        TenantState s = states.computeIfAbsent(tenant.value(), k -> new TenantState());
        long minute = Math.floorDiv(clock.millis(), 60_000L);
        synchronized (s) {
            if (s.sampleMinute != minute) {
                s.sampleMinute = minute;
                s.samples = 0;
            }
            return s.samples++ < samplesPerMinute;
        }
    }

    private QuotaStore.Limits loadMissing(UUID id) {
        try {
            Map<UUID, QuotaStore.Limits> fresh = store.limits();
            limits = fresh;
            return fresh.get(id);
        } catch (RuntimeException e) {
            log.warn("cannot read plan limits ({}); allowing tenant {} until they can be read", e.getMessage(), id);
            return null;
        }
    }

    /** Re-reads limits and other instances' usage of today now. */
    public void refresh() {
        try {
            limits = store.limits();
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            Instant from = today.atStartOfDay(ZoneOffset.UTC).toInstant();
            others = store.storedByOthers(from, from.plus(Duration.ofDays(1)), meter.instanceId());
            othersDay = today;
        } catch (RuntimeException e) {
            log.warn("quota refresh failed: {} (keeping the last limits)", e.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        refresh();
        running = true;
        thread = Thread.ofPlatform().daemon().name("ingest-quota-refresh").start(() -> {
            while (running) {
                try {
                    Thread.sleep(refresh.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                refresh();
            }
        });
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before ingest takes messages. */
    @Override
    public int getPhase() {
        return -100;
    }

    private static final class TenantState {
        LocalDate day;
        long admitted;
        TokenBucket bucket;
        double bucketRate;
        long sampleMinute = Long.MIN_VALUE;
        int samples;
    }
}
