package io.tenantry.ingest.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.ingest.telemetry.RejectReason;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The ingest service's counters, both as Micrometer meters (scraped at {@code /actuator/prometheus}) and as
 * in-memory totals and one-minute rates for {@link IngestStats}.
 * <p>
 * Meters (Prometheus names):
 * <ul>
 *   <li>{@code tenantry_ingest_messages_total{tenant}} — MQTT messages handled, by tenant slug ({@code unknown}
 *       when the topic's slug is not a tenant, so attacker-chosen slugs never become tag values);</li>
 *   <li>{@code tenantry_ingest_points_total{tenant}} — points handed off durably;</li>
 *   <li>{@code tenantry_ingest_duplicates_total{tenant}} — elements dropped as a repeated seq;</li>
 *   <li>{@code tenantry_ingest_rejects_total{reason}} — dead letters by reason code (one per rejected message
 *       since issue 8, stored or suppressed);</li>
 *   <li>{@code tenantry_ingest_deadletters_suppressed_total{tenant}} — dead letters not stored because the
 *       device's or tenant's dead-letter budget was spent ({@code DeadLetterLimiter});</li>
 *   <li>{@code tenantry_ingest_batch_write_seconds{outcome=written|spooled}} — time to hand one batch off;</li>
 *   <li>gauges {@code tenantry_ingest_queue_depth_points}, {@code tenantry_ingest_inflight_messages},
 *       {@code tenantry_ingest_spool_bytes}, {@code tenantry_ingest_spool_points} (registered by the service).</li>
 * </ul>
 * Thread-safe.
 */
public final class IngestMetrics {
    /** Tenant tag value for messages whose topic names no known tenant. */
    public static final String UNKNOWN_TENANT = "unknown";

    private final MeterRegistry registry;
    private final LongSupplier clockMillis;
    private final Map<String, Counter> messageCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> pointCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicateCounters = new ConcurrentHashMap<>();
    private final Map<RejectReason, Counter> rejectCounters = new ConcurrentHashMap<>();
    private final Map<RejectReason, AtomicLong> rejectTotals = new ConcurrentHashMap<>();
    private final Map<String, Counter> suppressedCounters = new ConcurrentHashMap<>();
    private final AtomicLong suppressed = new AtomicLong();
    private final Timer writtenTimer;
    private final Timer spooledTimer;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong points = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final RateWindow messageRate = new RateWindow();
    private final RateWindow pointRate = new RateWindow();
    private final AtomicReference<Instant> lastSuccessfulWrite = new AtomicReference<>();
    private final AtomicReference<String> lastWriteError = new AtomicReference<>();

    /**
     * @param registry    where meters go
     * @param clockMillis wall clock in ms ({@code System::currentTimeMillis})
     */
    public IngestMetrics(MeterRegistry registry, LongSupplier clockMillis) {
        this.registry = registry;
        this.clockMillis = clockMillis;
        this.writtenTimer = batchTimer("written");
        this.spooledTimer = batchTimer("spooled");
    }

    private Timer batchTimer(String outcome) {
        return Timer.builder("tenantry.ingest.batch.write")
                .description("Time to hand one batch off durably (InfluxDB write incl. retries, or spool append)")
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
    }

    /** The registry, for gauges. */
    public MeterRegistry registry() {
        return registry;
    }

    /** One MQTT message of {@code tenant} (slug or {@link #UNKNOWN_TENANT}) was handled and acknowledged. */
    public void message(String tenant) {
        messageCounters.computeIfAbsent(tenant, t -> Counter.builder("tenantry.ingest.messages")
                .description("MQTT messages handled").tag("tenant", t).register(registry)).increment();
        messages.incrementAndGet();
        messageRate.add(1, clockMillis.getAsLong());
    }

    /** A dead letter of {@code tenant} (slug or {@link #UNKNOWN_TENANT}) was suppressed by the rate/size limits. */
    public void deadLetterSuppressed(String tenant) {
        suppressedCounters.computeIfAbsent(tenant, t -> Counter.builder("tenantry.ingest.deadletters.suppressed")
                .description("Dead letters counted but not stored (per-device/per-tenant dead-letter limits)")
                .tag("tenant", t).register(registry)).increment();
        suppressed.incrementAndGet();
    }

    /** Dead letters suppressed since start. */
    public long deadLettersSuppressed() {
        return suppressed.get();
    }

    /** {@code n} points of {@code tenant} were handed off durably. */
    public void points(String tenant, long n) {
        if (n <= 0) {
            return;
        }
        pointCounters.computeIfAbsent(tenant, t -> Counter.builder("tenantry.ingest.points")
                .description("Points handed off to InfluxDB or the spool").tag("tenant", t).register(registry)).increment(n);
        points.addAndGet(n);
        pointRate.add(n, clockMillis.getAsLong());
    }

    /** {@code n} elements of {@code tenant} were dropped as repeated seq. */
    public void duplicates(String tenant, long n) {
        if (n <= 0) {
            return;
        }
        duplicateCounters.computeIfAbsent(tenant, t -> Counter.builder("tenantry.ingest.duplicates")
                .description("Elements dropped as a repeated seq").tag("tenant", t).register(registry)).increment(n);
        duplicates.addAndGet(n);
    }

    /** One dead letter was stored. */
    public void rejected(RejectReason reason) {
        rejectCounters.computeIfAbsent(reason, r -> Counter.builder("tenantry.ingest.rejects")
                .description("Dead letters by reason").tag("reason", r.code()).register(registry)).increment();
        rejectTotals.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /** A batch was handed off in {@code nanos}; {@code spooled} tells whether it went to the disk spool. */
    public void batch(long nanos, boolean spooled) {
        (spooled ? spooledTimer : writtenTimer).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A write to InfluxDB succeeded now. */
    public void writeSucceeded() {
        lastSuccessfulWrite.set(Instant.ofEpochMilli(clockMillis.getAsLong()));
    }

    /** A write to InfluxDB failed. */
    public void writeFailed(String error) {
        lastWriteError.set(Instant.ofEpochMilli(clockMillis.getAsLong()) + " " + error);
    }

    /** MQTT messages handled since start. */
    public long messagesTotal() {
        return messages.get();
    }

    /** Points handed off durably since start. */
    public long pointsTotal() {
        return points.get();
    }

    /** Elements dropped as repeated seq since start. */
    public long duplicatesTotal() {
        return duplicates.get();
    }

    /** Messages per second averaged over the last 60 s. */
    public double messagesPerSecond() {
        return messageRate.perSecond(clockMillis.getAsLong());
    }

    /** Points per second averaged over the last 60 s. */
    public double pointsPerSecond() {
        return pointRate.perSecond(clockMillis.getAsLong());
    }

    /** Dead letters by reason code, sorted. */
    public Map<String, Long> deadLettersByReason() {
        Map<String, Long> m = new TreeMap<>();
        rejectTotals.forEach((r, n) -> m.put(r.code(), n.get()));
        return m;
    }

    /** Dead letters stored since start. */
    public long deadLettersTotal() {
        return rejectTotals.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Last successful InfluxDB write, or null. */
    public Instant lastSuccessfulWrite() {
        return lastSuccessfulWrite.get();
    }

    /** Last InfluxDB write error prefixed with its time, or null. */
    public String lastWriteError() {
        return lastWriteError.get();
    }
}
