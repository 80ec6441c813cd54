package io.tenantry.provisioning.rejection;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.device.Device;
import io.tenantry.provisioning.device.DeviceRejections;
import io.tenantry.provisioning.device.Devices;
import io.tenantry.provisioning.tenant.Tenants;
import io.tenantry.web.auth.Actor;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.DEAD_LETTERS;

/**
 * A tenant's rejected data (issue 16), read from {@code dead_letters} (written by ingest; one row per rejected MQTT
 * message, Flyway V1/V4; kept for ingest's dead-letter retention, 7 days by default). Strictly tenant-scoped: rows
 * are selected by {@code tenant_id}, so a caller sees only what its own tenant's devices sent; rows whose topic named
 * no tenant ({@code unknown_tenant}) belong to nobody and are never shown. Another tenant's tenant or device id
 * answers 404 like a missing one.
 */
@Service
public class RejectionQuery implements DeviceRejections {
    /** Reason codes ingest writes (ingest's RejectReason; docs/telemetry.md section 9). */
    public static final Set<String> REASONS = Set.of("malformed_json", "oversized", "wrong_type", "invalid_value",
            "bad_timestamp", "future_timestamp", "expired_timestamp", "too_many_elements", "spoofed_tenant",
            "spoofed_device", "unknown_tenant", "unknown_device", "device_inactive", "tenant_suspended",
            "tenant_terminated", "influx_rejected", "internal_error", "schema_limit", "quota_exceeded");
    /** Bytes of a rejected payload shown in {@link Rejection#payloadSample()}. */
    public static final int SAMPLE_BYTES = 1024;
    /** Most rows one call returns. */
    public static final int MAX_LIMIT = 1000;
    /** Default window: the last 24 hours. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final DSLContext dsl;
    private final Tenants tenants;
    private final Devices devices;
    private final Clock clock;

    public RejectionQuery(DSLContext dsl, Tenants tenants, Devices devices, Clock clock) {
        this.dsl = dsl;
        this.tenants = tenants;
        this.devices = devices;
        this.clock = clock;
    }

    /**
     * One rejected message.
     *
     * @param id               row id (increasing)
     * @param receivedAt       when ingest received the message
     * @param plcId            the device's plc_id (from the topic)
     * @param topic            the MQTT topic it came on
     * @param reason           reason code (the most frequent one for a batch; {@code detail} lists all)
     * @param detail           explanation naming the rejected element(s) ("element 3: ...")
     * @param elementsRejected elements of the message that were refused
     * @param elementsTotal    elements the message held
     * @param payloadBytes     size of the stored payload (the message, or a batch's refused elements)
     * @param payloadSample    its first {@link #SAMPLE_BYTES} bytes as UTF-8 text, or base64 when not UTF-8
     * @param payloadEncoding  {@code utf-8} or {@code base64}
     * @param payloadTruncated whether the sample is shorter than the payload
     */
    @io.swagger.v3.oas.annotations.media.Schema(description = "One rejected MQTT message")
    public record Rejection(long id, OffsetDateTime receivedAt, String plcId, String topic, String reason, String detail,
                            int elementsRejected, int elementsTotal, int payloadBytes, String payloadSample,
                            String payloadEncoding, boolean payloadTruncated) {
    }

    /**
     * @param count    messages rejected for this reason in the window
     * @param elements elements rejected for this reason in the window
     */
    @io.swagger.v3.oas.annotations.media.Schema(description = "Rejections of one reason")
    public record ReasonCount(long count, long elements) {
    }

    /**
     * The answer.
     *
     * @param total    rejected messages matching the filters (may exceed {@code items})
     * @param byReason counts per reason code over the same filters
     * @param items    newest first, at most {@code limit}
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RejectionPage", description = "Rejections of the tenant's devices with counts by reason")
    public record Page(UUID tenantId, UUID deviceId, String reason, Instant from, Instant to, long total,
                       Map<String, ReasonCount> byReason, List<Rejection> items) {
    }

    /**
     * Lists rejections.
     *
     * @param device optional device id of this tenant
     * @param reason optional reason code, one of {@link #REASONS}
     * @param from   RFC 3339 or epoch ms; default {@code to} − 24 h
     * @param to     RFC 3339 or epoch ms; default now
     * @param limit  1..{@link #MAX_LIMIT}, default 100
     * @throws InvalidInputException {@code rejections:query.invalid}, field by field
     * @throws io.tenantry.core.error.NotFoundException another tenant's (or no) tenant or device
     */
    public Page list(Actor actor, TenantId tenant, UUID device, String reason, String from, String to, Integer limit) {
        actor.requireVisible(tenant);
        tenants.find(dsl, tenant);
        Device d = device == null ? null : devices.find(dsl, tenant, DeviceId.of(device));
        List<FieldError> errors = new ArrayList<>();
        Instant toT = time("to", to, clock.instant(), errors);
        Instant fromT = time("from", from, toT.minus(DEFAULT_WINDOW), errors);
        if (errors.isEmpty() && fromT.isAfter(toT)) {
            errors.add(new FieldError("from", "must not be after 'to'", from));
        }
        if (reason != null && !REASONS.contains(reason)) {
            errors.add(new FieldError("reason", "must be one of " + String.join(", ", REASONS.stream().sorted().toList()), reason));
        }
        int lim = limit == null ? 100 : limit;
        if (lim < 1 || lim > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be 1 to " + MAX_LIMIT, limit));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("rejections:query.invalid", "the rejection query is invalid", errors);
        }
        Condition where = DEAD_LETTERS.TENANT_ID.eq(tenant.value())
                .and(DEAD_LETTERS.RECEIVED_AT.ge(fromT.atOffset(ZoneOffset.UTC)))
                .and(DEAD_LETTERS.RECEIVED_AT.le(toT.atOffset(ZoneOffset.UTC)));
        if (d != null) {
            where = where.and(DEAD_LETTERS.TOPIC.eq(d.mqttTopic()));
        }
        Condition all = where;
        if (reason != null) {
            where = where.and(DEAD_LETTERS.REASON.eq(reason));
        }
        Map<String, ReasonCount> byReason = new LinkedHashMap<>();
        long total = 0;
        Field<Long> elements = DSL.sum(DEAD_LETTERS.ELEMENTS_REJECTED).cast(Long.class);
        for (Record r : dsl.select(DEAD_LETTERS.REASON, DSL.count(), elements).from(DEAD_LETTERS).where(all)
                .groupBy(DEAD_LETTERS.REASON).orderBy(DSL.count().desc(), DEAD_LETTERS.REASON).fetch()) {
            String code = r.get(DEAD_LETTERS.REASON);
            long n = r.get(1, Long.class);
            byReason.put(code, new ReasonCount(n, r.get(2, Long.class)));
            if (reason == null || reason.equals(code)) {
                total += n;
            }
        }
        Field<byte[]> sample = DSL.field("substring({0} from 1 for {1})", byte[].class, DEAD_LETTERS.PAYLOAD,
                DSL.inline(SAMPLE_BYTES + 4)).as("sample");
        Field<Integer> size = DSL.field("octet_length({0})", Integer.class, DEAD_LETTERS.PAYLOAD).as("size");
        List<Rejection> items = dsl.select(DEAD_LETTERS.ID, DEAD_LETTERS.RECEIVED_AT, DEAD_LETTERS.TOPIC, DEAD_LETTERS.REASON,
                        DEAD_LETTERS.DETAIL, DEAD_LETTERS.ELEMENTS_REJECTED, DEAD_LETTERS.ELEMENTS_TOTAL, sample, size)
                .from(DEAD_LETTERS).where(where).orderBy(DEAD_LETTERS.RECEIVED_AT.desc(), DEAD_LETTERS.ID.desc()).limit(lim)
                .fetch(r -> rejection(r.get(DEAD_LETTERS.ID), r.get(DEAD_LETTERS.RECEIVED_AT), r.get(DEAD_LETTERS.TOPIC),
                        r.get(DEAD_LETTERS.REASON), r.get(DEAD_LETTERS.DETAIL), r.get(DEAD_LETTERS.ELEMENTS_REJECTED),
                        r.get(DEAD_LETTERS.ELEMENTS_TOTAL), r.get(sample), r.get(size)));
        return new Page(tenant.value(), device, reason, fromT, toT, total, byReason, items);
    }

    /** {@inheritDoc} One grouped query over the tenant's rows (index {@code dead_letters_tenant_topic_idx}, V12). */
    @Override
    public Map<String, Counters> byTopic(TenantId tenant) {
        OffsetDateTime dayAgo = clock.instant().minus(Duration.ofHours(24)).atOffset(ZoneOffset.UTC);
        Field<Long> m24 = DSL.count().filterWhere(DEAD_LETTERS.RECEIVED_AT.ge(dayAgo)).cast(Long.class);
        Field<Long> e24 = DSL.coalesce(DSL.sum(DEAD_LETTERS.ELEMENTS_REJECTED).filterWhere(DEAD_LETTERS.RECEIVED_AT.ge(dayAgo)),
                DSL.inline(java.math.BigDecimal.ZERO)).cast(Long.class);
        Field<OffsetDateTime> last = DSL.max(DEAD_LETTERS.RECEIVED_AT);
        Field<String> lastReason = DSL.field("(array_agg({0} ORDER BY {1} DESC, {2} DESC))[1]", String.class,
                DEAD_LETTERS.REASON, DEAD_LETTERS.RECEIVED_AT, DEAD_LETTERS.ID);
        Map<String, Counters> out = new HashMap<>();
        dsl.select(DEAD_LETTERS.TOPIC, m24, e24, DSL.count(), last, lastReason).from(DEAD_LETTERS)
                .where(DEAD_LETTERS.TENANT_ID.eq(tenant.value())).groupBy(DEAD_LETTERS.TOPIC)
                .forEach(r -> out.put(r.get(DEAD_LETTERS.TOPIC), new Counters(r.get(m24), r.get(e24),
                        r.get(3, Long.class), r.get(last), r.get(lastReason))));
        return out;
    }

    private static Rejection rejection(long id, OffsetDateTime at, String topic, String reason, String detail,
                                       int rejected, int total, byte[] sample, Integer size) {
        int bytes = size == null ? 0 : size;
        byte[] s = sample == null ? new byte[0] : sample;
        boolean truncated = bytes > SAMPLE_BYTES;
        byte[] shown = s.length > SAMPLE_BYTES ? java.util.Arrays.copyOf(s, SAMPLE_BYTES) : s;
        String text = utf8(shown, truncated);
        String[] parts = topic.split("/", -1);
        String plcId = parts.length == 3 ? parts[2] : null;
        return text != null
                ? new Rejection(id, at, plcId, topic, reason, detail, rejected, total, bytes, text, "utf-8", truncated)
                : new Rejection(id, at, plcId, topic, reason, detail, rejected, total, bytes,
                Base64.getEncoder().encodeToString(shown), "base64", truncated);
    }

    /** The bytes as text; a UTF-8 sequence cut at the end of a truncated sample is dropped. Null when not UTF-8. */
    private static String utf8(byte[] b, boolean truncated) {
        for (int cut = 0; cut <= (truncated ? 3 : 0) && cut <= b.length; cut++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, 0, b.length - cut)).toString();
            } catch (CharacterCodingException e) {
                // try one byte shorter (a character cut by the sample's end)
            }
        }
        return null;
    }

    private static Instant time(String name, String value, Instant dflt, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            if (value.matches("-?\\d{1,15}")) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            errors.add(new FieldError(name, "must be RFC 3339 (2026-01-31T10:00:00Z) or epoch milliseconds", value));
            return dflt;
        }
    }
}
