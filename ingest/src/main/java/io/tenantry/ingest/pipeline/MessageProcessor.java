package io.tenantry.ingest.pipeline;

import io.tenantry.core.retry.Backoff;
import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.TelemetryTopic;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.deadletter.DeadLetters;
import io.tenantry.ingest.schema.FieldKeyRegistry;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.stats.IngestMetrics;
import io.tenantry.ingest.telemetry.Identity;
import io.tenantry.ingest.telemetry.LineRenderer;
import io.tenantry.ingest.telemetry.RejectReason;
import io.tenantry.ingest.telemetry.Rejection;
import io.tenantry.ingest.telemetry.TelemetryElement;
import io.tenantry.ingest.telemetry.TelemetryParser;
import io.tenantry.ingest.telemetry.TimeWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Turns one MQTT message into an {@link Envelope}: topic → identity (directory), then tenant status, device
 * status, payload parsing and validation ({@link TelemetryParser}), seq de-duplication and point building
 * ({@link LineRenderer}: the line {@code LineProtocol.toLine(PointFactory.toPoint(..))} gives). Never throws for bad input: every problem becomes a dead letter.
 * <p>
 * Timestamps: an element without {@code ts} gets the receive time plus its index in the batch (in ns), so the
 * elements of one message never collide on the same timestamp. An element with {@code ts} must lie within the
 * tenant plan's {@link TimeWindow} around the receive time (issue 8).
 * <p>
 * Dead letters: at most one per message, however many of its elements are bad ({@link DeadLetters#ofMessage}).
 * <p>
 * Routing and quota (issue 9): each point carries its bucket, the tenant's {@link StoragePlacement#raw()}
 * ({@link #placementOf}); each message of an active tenant with at least one valid element is checked once against
 * the {@link QuotaCheck} port with the number of field values it would store: {@code REJECT} stores nothing (the quota counts it) and makes it one
 * {@code quota_exceeded} dead letter only when {@link QuotaCheck#keepSample} keeps it, {@code ALLOW} and {@code THROTTLE} store it (what throttling does is the quota issue's).
 * <p>
 * Called on the MQTT callback thread only.
 */
public final class MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(MessageProcessor.class);

    private final TenantDirectory directory;
    private final FieldKeyRegistry fieldKeys;
    private final TelemetryParser parser;
    private final SeqDeduplicator dedup;
    private final LongSupplier nanoClock;
    private final int deadLetterPayloadCap;
    private final QuotaCheck quota;
    private final LineRenderer renderer = new LineRenderer();
    /** Parsed topics (issue 15: four regex matches per message otherwise); emptied beyond {@value #MAX_TOPICS}. */
    private final java.util.Map<String, Optional<TelemetryTopic>> topics = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_TOPICS = 100_000;
    private volatile boolean stopping;

    /**
     * @param directory            tenant/device lookup
     * @param fieldKeys            the tenants' registered field keys (plan limit {@code max_field_keys})
     * @param parser               payload parser
     * @param dedup                seq window
     * @param nanoClock            monotonic clock for the dedup window
     * @param deadLetterPayloadCap largest payload of the one dead letter a batch makes (its rejected elements)
     * @param quota                the per-message quota check
     */
    public MessageProcessor(TenantDirectory directory, FieldKeyRegistry fieldKeys, TelemetryParser parser,
                            SeqDeduplicator dedup, LongSupplier nanoClock, int deadLetterPayloadCap, QuotaCheck quota) {
        this.quota = quota;
        this.directory = directory;
        this.fieldKeys = fieldKeys;
        this.parser = parser;
        this.dedup = dedup;
        this.nanoClock = nanoClock;
        this.deadLetterPayloadCap = deadLetterPayloadCap;
    }

    /** Makes a pending directory retry give up (shutdown). */
    public void stop() {
        stopping = true;
    }

    /**
     * Processes one message.
     *
     * @param topic      MQTT topic
     * @param payload    raw payload
     * @param messageId  MQTT packet id
     * @param qos        delivered QoS
     * @param generation connection generation it arrived on
     * @param receivedAt receive time
     * @return the envelope (points and/or dead letters)
     * @throws InterruptedException when shutting down while PostgreSQL is unreachable (nothing is acknowledged)
     */
    public Envelope process(String topic, byte[] payload, int messageId, int qos, long generation, Instant receivedAt)
            throws InterruptedException {
        List<SpoolEntry> points = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        String tenantTag = IngestMetrics.UNKNOWN_TENANT;
        int duplicates = 0;
        try {
            Optional<TelemetryTopic> t = parseTopic(topic);
            if (t.isEmpty()) {
                dead.add(new DeadLetter(receivedAt, topic, null, RejectReason.UNKNOWN_TENANT,
                        "topic is not plc/<tenant_slug>/<plc_id>", payload));
            } else {
                TenantDirectory.Lookup l = lookup(t.get());
                switch (l) {
                    case TenantDirectory.UnknownTenant u -> dead.add(new DeadLetter(receivedAt, topic, null,
                            RejectReason.UNKNOWN_TENANT, "no tenant with slug '" + t.get().tenantSlug() + "'", payload));
                    case TenantDirectory.UnknownDevice u -> {
                        tenantTag = u.tenant().slug().value();
                        dead.add(new DeadLetter(receivedAt, topic, u.tenant().id().value(), RejectReason.UNKNOWN_DEVICE,
                                "tenant '" + u.tenant().slug() + "' has no device '" + t.get().plcId() + "'", payload));
                    }
                    case TenantDirectory.Found f -> {
                        tenantTag = f.tenant().slug().value();
                        UUID tenantId = f.tenant().id().value();
                        if (f.tenant().status() != TenantStatus.ACTIVE) {
                            RejectReason r = f.tenant().status() == TenantStatus.TERMINATED
                                    ? RejectReason.TENANT_TERMINATED : RejectReason.TENANT_SUSPENDED;
                            dead.add(new DeadLetter(receivedAt, topic, tenantId, r,
                                    "tenant '" + f.tenant().slug() + "' is " + f.tenant().status(), payload));
                        } else if (!f.device().active()) {
                            dead.add(new DeadLetter(receivedAt, topic, tenantId, RejectReason.DEVICE_INACTIVE,
                                    "device '" + f.device().plcId() + "' is inactive", payload));
                        } else {
                            Identity id = new Identity(f.tenant().id(), f.tenant().slug(), f.device().plcId());
                            TimeWindow window = TimeWindow.around(receivedAt, f.tenant().rawRetention(), f.tenant().maxFuture());
                            TelemetryParser.Result r = parser.parse(payload, id, window);
                            QuotaCheck.Decision verdict = r.elements().isEmpty() ? QuotaCheck.Decision.ALLOW
                                    : quota.check(f.tenant().id(), fieldValues(r.elements()));
                            if (verdict.verdict() == QuotaCheck.Verdict.REJECT) {
                                if (quota.keepSample(f.tenant().id())) {
                                    dead.add(new DeadLetter(receivedAt, topic, tenantId, RejectReason.QUOTA_EXCEEDED,
                                            "tenant '" + f.tenant().slug() + "' is over its quota: " + verdict.reason(), payload));
                                }
                                return new Envelope(topic, messageId, qos, generation, receivedAt, 0L, tenantTag, points,
                                        dead, duplicates);
                            }
                            Bucket bucket = placementOf(f.tenant()).raw();
                            List<Rejection> rejections = new ArrayList<>(r.rejected());
                            long receivedNanos = receivedAt.getEpochSecond() * 1_000_000_000L + receivedAt.getNano();
                            long now = nanoClock.getAsLong();
                            for (TelemetryElement e : r.elements()) {
                                String overLimit = schemaLimit(f.tenant(), e);
                                if (overLimit != null) {
                                    // one dead-letter row per message (issue 8): bundled with the other rejections
                                    rejections.add(new Rejection(RejectReason.SCHEMA_LIMIT,
                                            "element " + e.index() + ": " + overLimit, isArray(payload) ? null : payload));
                                    continue;
                                }
                                if (e.seq() != null && !dedup.firstSeen(f.device().id().value(), e.seq(), e.tsNanos(), now)) {
                                    duplicates++;
                                    continue;
                                }
                                try {
                                    // issue 15: the line LineProtocol.toLine(PointFactory.toPoint(..)) gives, rendered
                                    // without a Point; what metering needs of it travels with the entry
                                    LineRenderer.Rendered line = renderer.render(e, id, f.device().id().value(),
                                            f.device().type().value(), f.device().tags(), receivedNanos + e.index());
                                    points.add(new SpoolEntry(tenantId, topic, bucket, line.line(), e.fields().size(),
                                            line.tsNanos(), line.seriesEnd()));
                                } catch (IllegalArgumentException ex) {
                                    rejections.add(new Rejection(RejectReason.INVALID_VALUE,
                                            "element " + e.index() + ": " + ex.getMessage(), isArray(payload) ? null : payload));
                                }
                            }
                            DeadLetter d = DeadLetters.ofMessage(receivedAt, topic, tenantId, rejections, r.total(),
                                    r.total() > 0 && isArray(payload), deadLetterPayloadCap);
                            if (d != null) {
                                dead.add(d);
                            }
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("internal error on a message on {}; keeping it as a dead letter", topic, e);
            points.clear();
            dead.clear();
            dead.add(new DeadLetter(receivedAt, topic, null, RejectReason.INTERNAL_ERROR, String.valueOf(e), payload));
        }
        return new Envelope(topic, messageId, qos, generation, receivedAt, 0L, tenantTag, points, dead, duplicates);
    }

    /**
     * The plan's schema limits for one element (issue 7): at most {@code max_fields_per_point} fields, and its new
     * field keys must keep the tenant within {@code max_field_keys} (then they are registered).
     *
     * @return null when within the limits, else the rejection detail
     */
    private String schemaLimit(TenantInfo tenant, TelemetryElement e) throws InterruptedException {
        int maxFields = tenant.limits().maxFieldsPerPoint();
        if (e.fields().size() > maxFields) {
            return "the point has " + e.fields().size() + " fields; the plan allows " + maxFields + " (max_fields_per_point)";
        }
        return retrying(() -> fieldKeys.admit(tenant.id(), e.fields().keySet(), tenant.limits().maxFieldKeys()));
    }

    /**
     * The tenant's storage placement, as the tenant directory carries it from PostgreSQL ({@code tenants.placement},
     * Flyway V5): the one method ingest asks.
     */
    private static StoragePlacement placementOf(TenantInfo tenant) {
        return tenant.placement();
    }

    private static long fieldValues(List<TelemetryElement> elements) {
        long n = 0;
        for (TelemetryElement e : elements) {
            n += e.fields().size();
        }
        return n;
    }

    private static boolean isArray(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '[';
            }
        }
        return false;
    }

    /** {@link TelemetryTopic#parse}, remembered per topic string. */
    private Optional<TelemetryTopic> parseTopic(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        Optional<TelemetryTopic> t = topics.get(topic);
        if (t == null) {
            t = TelemetryTopic.parse(topic);
            if (topics.size() >= MAX_TOPICS) {
                topics.clear();
            }
            topics.put(topic, t);
        }
        return t;
    }

    /** Looks the topic up, waiting (with back-off) while PostgreSQL is unreachable: nothing is acked meanwhile. */
    private TenantDirectory.Lookup lookup(TelemetryTopic t) throws InterruptedException {
        return retrying(() -> directory.lookup(t.tenantSlug(), t.plcId()));
    }

    /** Runs a PostgreSQL read, waiting (with back-off) while PostgreSQL is unreachable: nothing is acked meanwhile. */
    private <T> T retrying(java.util.function.Supplier<T> call) throws InterruptedException {
        Backoff backoff = null; // made on the first failure only: this runs for every message and element
        while (true) {
            try {
                return call.get();
            } catch (DirectoryUnavailableException e) {
                if (stopping) {
                    throw new InterruptedException("stopping while the directory is unavailable");
                }
                if (backoff == null) {
                    backoff = new Backoff(100, 5000);
                }
                log.warn("directory unavailable ({}); retrying in {}", e.getMessage(), Duration.ofMillis(backoff.peek()));
                backoff.pause();
            }
        }
    }
}
