package io.tenantry.ingest.telemetry;

import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.PlatformTags;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Parses and validates telemetry payloads (docs/telemetry.md): a JSON object
 * {@code {"ts", "fields", "tags"?, "seq"?, "measurement"?}} or a JSON array of such objects. Every element is
 * checked on its own, so a bad element of a batch becomes one {@link Rejection} while the good ones go on.
 * <p>
 * Identity: {@code locatario_id} and {@code plc_id}, at the top level of an element or inside its {@code tags},
 * must agree with the topic's {@link Identity}; otherwise the element is rejected as
 * {@link RejectReason#SPOOFED_TENANT} / {@link RejectReason#SPOOFED_DEVICE}. This deliberately inverts design
 * note 003 §4 ("JSON > tópico"), which would let one tenant's device write into another tenant's series of the
 * shared bucket. A {@code locatario_id} equal to the tenant's UUID (any case) or to its slug agrees.
 * <p>
 * Thread-safe and stateless.
 */
public final class TelemetryParser {
    /** Longest measurement name, field key or tag key accepted. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Longest string field value accepted: InfluxDB 1.x limits string fields to 64 KiB. */
    public static final int MAX_STRING_FIELD_BYTES = 64 * 1024;
    /**
     * Longest JSON number accepted, in characters (digits, sign, point, exponent): a float64 needs at most 24
     * (e.g. {@code -2.2250738585072014E-308}), epoch milliseconds with nanoseconds 20. Longer numbers make the
     * payload {@code malformed_json} while Jackson reads it (StreamReadConstraints.maxNumberLength), before any
     * BigInteger/BigDecimal work (issue 8).
     */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Deepest JSON nesting accepted (a telemetry payload needs 3: batch, element, fields). */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Default largest number of elements in one batch (tenantry.ingest.payload.max-elements). */
    public static final int DEFAULT_MAX_ELEMENTS = 10_000;
    /**
     * Largest decimal exponent of a number that is looked at further: beyond it a field is outside float64
     * (≈ 1.8e308) and a seq outside 64 bits. Deciding this from precision and scale costs nothing, however large
     * the exponent ({@code 1e200000000} is 12 bytes).
     */
    private static final int MAX_DECIMAL_EXPONENT = 400;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final long maxBytes;
    private final int maxElements;
    private final String defaultMeasurement;

    /**
     * @param maxBytes           payloads longer than this are rejected as {@link RejectReason#OVERSIZED} without
     *                           being parsed
     * @param defaultMeasurement measurement for elements without one
     */
    public TelemetryParser(long maxBytes, String defaultMeasurement) {
        this(maxBytes, DEFAULT_MAX_ELEMENTS, defaultMeasurement);
    }

    /**
     * @param maxBytes           payloads longer than this are rejected as {@link RejectReason#OVERSIZED} without
     *                           being parsed
     * @param maxElements        batches with more elements are rejected whole as
     *                           {@link RejectReason#TOO_MANY_ELEMENTS}
     * @param defaultMeasurement measurement for elements without one
     */
    public TelemetryParser(long maxBytes, int maxElements, String defaultMeasurement) {
        this.maxBytes = maxBytes;
        this.maxElements = maxElements;
        this.defaultMeasurement = Objects.requireNonNull(defaultMeasurement);
    }

    /**
     * The outcome for one payload.
     *
     * @param elements  valid elements, in payload order
     * @param rejected  rejections: one for the whole message (then {@code elements} is empty) or one per bad
     *                  element
     * @param total     number of elements the payload held (1 for an object; 0 when it could not be parsed)
     */
    public record Result(List<TelemetryElement> elements, List<Rejection> rejected, int total) {
    }

    /**
     * Parses one MQTT payload sent by {@code identity}'s device.
     *
     * @param payload  the raw bytes (UTF-8 JSON)
     * @param identity tenant and device the topic names
     * @return the valid elements and the rejections; never throws for bad input
     */
    public Result parse(byte[] payload, Identity identity) {
        return parse(payload, identity, TimeWindow.UNBOUNDED);
    }

    /**
     * Parses one MQTT payload sent by {@code identity}'s device, refusing timestamps outside {@code window}.
     *
     * @param payload  the raw bytes (UTF-8 JSON)
     * @param identity tenant and device the topic names
     * @param window   the range {@code ts} must lie in (the tenant's plan around the receive time)
     * @return the valid elements and the rejections; never throws for bad input
     */
    public Result parse(byte[] payload, Identity identity, TimeWindow window) {
        if (payload.length > maxBytes) {
            // keep only the first maxBytes: enough to diagnose, and a huge publish cannot bloat dead_letters
            return messageRejected(new Rejection(RejectReason.OVERSIZED,
                    "payload is " + payload.length + " bytes; the limit is " + maxBytes + " bytes (first " + maxBytes
                            + " bytes kept)", java.util.Arrays.copyOf(payload, (int) Math.min(payload.length, maxBytes))));
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JacksonException e) {
            return messageRejected(new Rejection(RejectReason.MALFORMED_JSON, e.getOriginalMessage(), payload));
        } catch (RuntimeException e) {
            // e.g. NumberFormatException for 1e-2147483648, whose scale does not fit BigDecimal
            return messageRejected(new Rejection(RejectReason.MALFORMED_JSON, "unreadable JSON: " + e.getMessage(), payload));
        }
        if (root == null || root.isMissingNode()) {
            return messageRejected(new Rejection(RejectReason.MALFORMED_JSON, "empty payload", payload));
        }
        List<TelemetryElement> ok = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        if (root.isObject()) {
            element(root, 0, false, () -> payload, identity, window, ok, rejected);
            return new Result(ok, rejected, 1);
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                return messageRejected(new Rejection(RejectReason.MALFORMED_JSON, "empty batch", payload));
            }
            if (root.size() > maxElements) {
                return messageRejected(new Rejection(RejectReason.TOO_MANY_ELEMENTS, "batch has " + root.size()
                        + " elements; the limit is " + maxElements, payload));
            }
            for (int i = 0; i < root.size(); i++) {
                JsonNode e = root.get(i);
                element(e, i, true, () -> JSON.writeValueAsBytes(e), identity, window, ok, rejected); // serialised only if rejected
            }
            return new Result(ok, rejected, root.size());
        }
        return messageRejected(new Rejection(RejectReason.MALFORMED_JSON,
                "top level must be an object or an array of objects, not " + kind(root), payload));
    }

    private static Result messageRejected(Rejection r) {
        return new Result(List.of(), List.of(r), 0);
    }

    /** Thrown inside element validation; carries the reason. */
    private static final class Bad extends Exception {
        final RejectReason reason;

        Bad(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private void element(JsonNode node, int index, boolean batch, java.util.function.Supplier<byte[]> source, Identity id,
                         TimeWindow window, List<TelemetryElement> ok, List<Rejection> rejected) {
        try {
            ok.add(element(node, index, id, window));
        } catch (Bad b) {
            rejected.add(new Rejection(b.reason, (batch ? "element " + index + ": " : "") + b.getMessage(), source.get()));
        } catch (RuntimeException e) {
            // a value Jackson cannot convert; never let one element break the message
            rejected.add(new Rejection(RejectReason.INVALID_VALUE, (batch ? "element " + index + ": " : "") + e.getMessage(), source.get()));
        }
    }

    private TelemetryElement element(JsonNode node, int index, Identity id, TimeWindow window) throws Bad {
        if (!node.isObject()) {
            throw new Bad(RejectReason.MALFORMED_JSON, "element must be an object, not " + kind(node));
        }
        // identity first: a spoofing element is reported as such even when it is also malformed otherwise
        JsonNode tagsNode = node.get("tags");
        checkTenantClaim(node.get(PlatformTags.TENANT), id, "");
        checkDeviceClaim(node.get(PlatformTags.DEVICE), id, "");
        if (tagsNode != null && tagsNode.isObject()) {
            checkTenantClaim(tagsNode.get(PlatformTags.TENANT), id, "tags.");
            checkDeviceClaim(tagsNode.get(PlatformTags.DEVICE), id, "tags.");
        }

        JsonNode fieldsNode = node.get("fields");
        if (fieldsNode == null || fieldsNode.isNull()) {
            throw new Bad(RejectReason.MALFORMED_JSON, "missing 'fields'");
        }
        if (!fieldsNode.isObject()) {
            throw new Bad(RejectReason.WRONG_TYPE, "'fields' must be an object, not " + kind(fieldsNode));
        }
        if (fieldsNode.isEmpty()) {
            throw new Bad(RejectReason.MALFORMED_JSON, "'fields' is empty");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : fieldsNode.properties()) {
            String key = f.getKey();
            checkName(key, "field key");
            if (PlatformTags.RESERVED_NAMES.contains(key)) {
                // a field named like a tag shadows the tag in InfluxQL (issue 7): "locatario_id" would match the field
                throw new Bad(RejectReason.INVALID_VALUE, "field key '" + key + "' is reserved (names "
                        + "InfluxDB's time or a tag ingest sets: " + PlatformTags.RESERVED_NAMES_TEXT + ")");
            }
            fields.put(key, fieldValue(key, f.getValue()));
        }

        Map<String, String> tags = new LinkedHashMap<>();
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!tagsNode.isObject()) {
                throw new Bad(RejectReason.WRONG_TYPE, "'tags' must be an object, not " + kind(tagsNode));
            }
            for (Map.Entry<String, JsonNode> t : tagsNode.properties()) {
                String key = t.getKey();
                checkName(key, "tag key");
                JsonNode v = t.getValue();
                if (!v.isString()) {
                    throw new Bad(RejectReason.WRONG_TYPE, "tag '" + key + "' must be a string, not " + kind(v));
                }
                String value = v.stringValue();
                if (hasControl(value) || value.length() > MAX_NAME_LENGTH) {
                    throw new Bad(RejectReason.INVALID_VALUE, "tag '" + key + "' has control characters or is longer than "
                            + MAX_NAME_LENGTH);
                }
                String valueProblem = value.isEmpty() ? null : LineProtocol.nameProblem(value, LineProtocol.NameKind.TAG_VALUE);
                if (valueProblem != null) { // an empty value is dropped (Point), as before
                    throw new Bad(RejectReason.INVALID_VALUE, "tag '" + abbreviate(key) + "' value " + valueProblem);
                }
                if (fields.containsKey(key)) {
                    throw new Bad(RejectReason.INVALID_VALUE, "'" + abbreviate(key) + "' is both a tag and a field");
                }
                if (!PlatformTags.ALL.contains(key)) {
                    tags.put(key, value);
                }
            }
        }

        String measurement = defaultMeasurement;
        JsonNode m = node.get("measurement");
        if (m != null && !m.isNull()) {
            if (!m.isString()) {
                throw new Bad(RejectReason.WRONG_TYPE, "'measurement' must be a string, not " + kind(m));
            }
            measurement = m.stringValue();
            checkName(measurement, "measurement");
        }

        Long ts = null;
        JsonNode tsNode = node.get("ts");
        if (tsNode != null && !tsNode.isNull()) {
            try {
                if (tsNode.isString()) {
                    ts = Timestamps.parseRfc3339(tsNode.stringValue());
                } else if (tsNode.isNumber()) {
                    ts = Timestamps.fromEpochMillis(tsNode.decimalValue());
                } else {
                    throw new IllegalArgumentException("'ts' must be an RFC 3339 string or epoch milliseconds, not "
                            + kind(tsNode));
                }
            } catch (IllegalArgumentException e) {
                throw new Bad(RejectReason.BAD_TIMESTAMP, e.getMessage());
            }
            RejectReason outside = window.check(ts);
            if (outside != null) {
                throw new Bad(outside, window.explain(ts, outside));
            }
        }

        Long seq = null;
        JsonNode seqNode = node.get("seq");
        if (seqNode != null && !seqNode.isNull()) {
            if (!seqNode.isNumber() || exponent(seqNode) > 19 || !isWhole(seqNode) || !fitsLong(seqNode)) {
                throw new Bad(RejectReason.WRONG_TYPE, "'seq' must be an integer (64-bit), not " + seqNode);
            }
            seq = seqNode.decimalValue().longValueExact();
            if (seq < 0) {
                throw new Bad(RejectReason.INVALID_VALUE, "'seq' must not be negative");
            }
        }
        return new TelemetryElement(index, measurement, fields, tags, ts, seq);
    }

    private static Object fieldValue(String key, JsonNode v) throws Bad {
        if (v.isNumber()) {
            int exp = exponent(v);
            if (exp > MAX_DECIMAL_EXPONENT) {
                throw new Bad(RejectReason.INVALID_VALUE, "field '" + key + "' is out of the float64 range");
            }
            if (exp < -MAX_DECIMAL_EXPONENT) {
                return 0.0; // below the smallest float64 (4.9e-324): what doubleValue() gives, without computing it
            }
            double d = v.numberValue().doubleValue(); // BigDecimal/BigInteger → ±Infinity when out of range
            if (!Double.isFinite(d)) {
                throw new Bad(RejectReason.INVALID_VALUE, "field '" + key + "' is out of the float64 range");
            }
            return d;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString()) {
            String s = v.stringValue();
            if (s.length() * 3L > MAX_STRING_FIELD_BYTES && s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_FIELD_BYTES) {
                throw new Bad(RejectReason.INVALID_VALUE, "string field '" + key + "' is longer than 64 KiB");
            }
            return s;
        }
        throw new Bad(RejectReason.WRONG_TYPE, "field '" + key + "' is " + kind(v) + "; expected number, boolean or string");
    }

    private static void checkTenantClaim(JsonNode claim, Identity id, String where) throws Bad {
        if (claim == null || claim.isNull()) {
            return;
        }
        String v = claim.isString() ? claim.stringValue() : claim.toString();
        if (!v.equalsIgnoreCase(id.tenantId().toString()) && !v.equals(id.tenantSlug().value())) {
            throw new Bad(RejectReason.SPOOFED_TENANT, where + PlatformTags.TENANT + " '" + abbreviate(v)
                    + "' does not match the topic's tenant");
        }
    }

    private static void checkDeviceClaim(JsonNode claim, Identity id, String where) throws Bad {
        if (claim == null || claim.isNull()) {
            return;
        }
        String v = claim.isString() ? claim.stringValue() : claim.toString();
        if (!v.equals(id.plcId().value())) {
            throw new Bad(RejectReason.SPOOFED_DEVICE, where + PlatformTags.DEVICE + " '" + abbreviate(v)
                    + "' does not match the topic's plc_id '" + id.plcId() + "'");
        }
    }

    private static void checkName(String name, String what) throws Bad {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new Bad(RejectReason.INVALID_VALUE, what + " '" + abbreviate(name) + "' is longer than " + MAX_NAME_LENGTH);
        }
        // the rules of the line protocol writer, checked against InfluxDB 1.6.7's parser (LineProtocol's docs):
        // no backslash, no control character, no unpaired surrogate. A measurement is stored as
        // "<tenant uuid>.<measurement>" (TenantMeasurements), so a leading '#' cannot make a comment line.
        String problem = LineProtocol.nameProblem(name, LineProtocol.NameKind.FIELD_KEY);
        if (problem != null) {
            throw new Bad(RejectReason.INVALID_VALUE, what + " '" + abbreviate(name) + "' " + problem);
        }
        if (!"measurement".equals(what) && "time".equals(name)) {
            // InfluxDB 1.x refuses a field or tag named "time" ("invalid field name")
            throw new Bad(RejectReason.INVALID_VALUE, what + " must not be 'time'");
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The decimal exponent of a number node: ⌊log10 |n|⌋ + 1 for a non-zero decimal (its count of integer digits,
     * negative for 0.00…), the digit count for an integer, 0 for zero. O(1) for a BigDecimal (precision and scale);
     * the digits themselves are at most {@link #MAX_NUMBER_LENGTH}.
     */
    private static int exponent(JsonNode n) {
        if (n.isFloatingPointNumber() && n.isBigDecimal()) {
            BigDecimal d = n.decimalValue();
            if (d.signum() == 0) {
                return 0;
            }
            long e = (long) d.precision() - d.scale();
            return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, e));
        }
        if (n.isBigInteger()) {
            return n.bigIntegerValue().bitLength() * 3 / 10 + 1;
        }
        return 0; // int, long, double: already bounded
    }

    private static boolean isWhole(JsonNode n) {
        if (n.isIntegralNumber()) {
            return true;
        }
        BigDecimal d = n.decimalValue();
        return d.stripTrailingZeros().scale() <= 0;
    }

    private static boolean fitsLong(JsonNode n) {
        BigDecimal d = n.decimalValue();
        return d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0 && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isString()) {
            return "a string";
        }
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * At most 64 characters of a payload string for a rejection detail, control characters and surrogates written
     * as a backslash, {@code u} and four hex digits: PostgreSQL refuses NUL in text columns
     * ({@code dead_letters.detail}), and a detail must never break a log line.
     */
    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(s.length(), 64);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
