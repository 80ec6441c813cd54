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
 * The tree-based telemetry parser (Jackson {@code readTree}): the reference implementation of docs/telemetry.md's
 * rules, kept for {@link TelemetryParser}'s rejection path and as the oracle of its differential test
 * (TelemetryParserDifferentialTest). {@link TelemetryParser} reads valid payloads with a streaming parser and falls
 * back to this class for the whole payload as soon as anything would be rejected, so every rejection's reason, detail
 * and dead-letter bytes come from here (issue 15).
 * <p>
 * Identity: {@code locatario_id} and {@code plc_id}, at the top level of an element or inside its {@code tags},
 * must agree with the topic's {@link Identity}; otherwise the element is rejected as
 * {@link RejectReason#SPOOFED_TENANT} / {@link RejectReason#SPOOFED_DEVICE} (deliberately inverting design note 003 §4).
 * <p>
 * Thread-safe and stateless.
 */
final class TreeTelemetryParser {
    private static final int MAX_NAME_LENGTH = TelemetryParser.MAX_NAME_LENGTH;
    private static final int MAX_STRING_FIELD_BYTES = TelemetryParser.MAX_STRING_FIELD_BYTES;
    private static final int MAX_NUMBER_LENGTH = TelemetryParser.MAX_NUMBER_LENGTH;
    private static final int MAX_NESTING_DEPTH = TelemetryParser.MAX_NESTING_DEPTH;
    /** Largest decimal exponent of a number looked at further (see TelemetryParser.MAX_NUMBER_LENGTH); shared with the streaming path. */
    static final int MAX_DECIMAL_EXPONENT = 400;

    /** The mapper both parsers read with: the limits, duplicate detection and number handling of docs/telemetry.md §10. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
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
     * @param maxElements        batches with more elements are rejected whole as
     *                           {@link RejectReason#TOO_MANY_ELEMENTS}
     * @param defaultMeasurement measurement for elements without one
     */
    TreeTelemetryParser(long maxBytes, int maxElements, String defaultMeasurement) {
        this.maxBytes = maxBytes;
        this.maxElements = maxElements;
        this.defaultMeasurement = Objects.requireNonNull(defaultMeasurement);
    }

    /**
     * Parses one MQTT payload sent by {@code identity}'s device, refusing timestamps outside {@code window}.
     *
     * @param payload  the raw bytes (UTF-8 JSON)
     * @param identity tenant and device the topic names
     * @param window   the range {@code ts} must lie in (the tenant's plan around the receive time)
     * @return the valid elements and the rejections; never throws for bad input
     */
    TelemetryParser.Result parse(byte[] payload, Identity identity, TimeWindow window) {
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
            return new TelemetryParser.Result(ok, rejected, 1);
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
            return new TelemetryParser.Result(ok, rejected, root.size());
        }
        return messageRejected(new Rejection(RejectReason.MALFORMED_JSON,
                "top level must be an object or an array of objects, not " + kind(root), payload));
    }

    private static TelemetryParser.Result messageRejected(Rejection r) {
        return new TelemetryParser.Result(List.of(), List.of(r), 0);
    }

    /** Thrown inside element validation; carries the reason. */
    static final class Bad extends Exception {
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
        if (!TelemetryParser.tenantAgrees(v, id)) {
            throw new Bad(RejectReason.SPOOFED_TENANT, where + PlatformTags.TENANT + " '" + abbreviate(v)
                    + "' does not match the topic's tenant");
        }
    }

    private static void checkDeviceClaim(JsonNode claim, Identity id, String where) throws Bad {
        if (claim == null || claim.isNull()) {
            return;
        }
        String v = claim.isString() ? claim.stringValue() : claim.toString();
        if (!TelemetryParser.deviceAgrees(v, id)) {
            throw new Bad(RejectReason.SPOOFED_DEVICE, where + PlatformTags.DEVICE + " '" + abbreviate(v)
                    + "' does not match the topic's plc_id '" + id.plcId() + "'");
        }
    }

    static void checkName(String name, String what) throws Bad {
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

    static boolean hasControl(String s) {
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
            return TelemetryParser.exponent(n.decimalValue());
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
    static String abbreviate(String s) {
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
