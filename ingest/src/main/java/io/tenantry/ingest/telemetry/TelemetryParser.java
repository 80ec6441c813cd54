package io.tenantry.ingest.telemetry;

import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.PlatformTags;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * How (issue 15): a payload is read with Jackson's streaming {@link JsonParser} (the same factory, limits and
 * duplicate detection as before), building the result objects directly instead of a {@code JsonNode} tree first
 * (tree parsing was ~21 % of ingest's CPU). The streaming path only ever <em>accepts</em>: as soon as anything in a
 * payload would be rejected (or is unusual: a non-string identity claim, a number Jackson cannot convert, ...), the
 * whole payload is parsed again by {@link TreeTelemetryParser}, the earlier tree implementation, which produces the
 * rejections, their details and the dead-letter bytes exactly as before. So a bad payload costs at most two parses,
 * and a good one no tree. {@code TelemetryParserDifferentialTest} checks both give identical results.
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

    /**
     * The streaming factory: the tree mapper's limits, set on the factory itself so that a parser needs no databind
     * context ({@code ObjectMapper.createParser} builds a DeserializationContext per call). Duplicate member names,
     * which the tree mapper refuses, are detected by {@link #element} itself (issue 15, third round: Jackson's
     * STRICT_DUPLICATE_DETECTION kept a HashSet per object and cost ~18 % of the MQTT callback thread's JFR
     * samples): a bit per known member, the fields map's {@code put}, a scan of the few tag keys and a set per
     * object inside ignored members ({@link #skip}). A duplicate anywhere sends the payload to the tree parser,
     * which refuses it as before.
     */
    private static final JsonFactory STREAM = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final long maxBytes;
    private final int maxElements;
    private final String defaultMeasurement;
    private final TreeTelemetryParser tree;

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
        this.tree = new TreeTelemetryParser(maxBytes, maxElements, defaultMeasurement);
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
        Result fast = parseStreaming(payload, identity, window);
        return fast != null ? fast : tree.parse(payload, identity, window);
    }

    /** The streaming path alone: the result when every element is valid, {@code null} when the tree must decide. */
    Result parseStreaming(byte[] payload, Identity identity, TimeWindow window) {
        if (payload.length > maxBytes) {
            return null;
        }
        try (JsonParser p = STREAM.createParser(ObjectReadContext.empty(), payload)) {
            JsonToken t = p.nextToken();
            List<TelemetryElement> ok;
            if (t == JsonToken.START_OBJECT) {
                TelemetryElement e = element(p, 0, identity, window);
                if (e == null) {
                    return null;
                }
                ok = List.of(e);
            } else if (t == JsonToken.START_ARRAY) {
                ok = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT || ok.size() >= maxElements) {
                        return null;
                    }
                    TelemetryElement e = element(p, ok.size(), identity, window);
                    if (e == null) {
                        return null;
                    }
                    ok.add(e);
                }
                if (ok.isEmpty()) {
                    return null;
                }
            } else {
                return null;
            }
            if (p.nextToken() != null) { // FAIL_ON_TRAILING_TOKENS
                return null;
            }
            return new Result(ok, List.of(), ok.size());
        } catch (RuntimeException | TreeTelemetryParser.Bad e) { // JacksonException included: the tree words it
            return null;
        }
    }

    /**
     * One element, the parser on its START_OBJECT; leaves it on the matching END_OBJECT. {@code null} when the
     * element would be rejected (the caller then lets the tree parser decide); the same checks as
     * {@link TreeTelemetryParser}'s element validation.
     */
    private TelemetryElement element(JsonParser p, int index, Identity id, TimeWindow window)
            throws TreeTelemetryParser.Bad {
        Map<String, Object> fields = null;
        List<String> tagPairs = null; // key, value, key, value ... in payload order
        String measurement = defaultMeasurement;
        Long ts = null;
        Long seq = null;
        int seen = 0; // bits of the known members read so far
        Set<String> others = null; // unknown members read so far
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            int bit = memberBit(name);
            if (bit != 0) {
                if ((seen & bit) != 0) {
                    return null; // duplicate member: the tree refuses it
                }
                seen |= bit;
            } else {
                if (others == null) {
                    others = new HashSet<>();
                }
                if (!others.add(name)) {
                    return null;
                }
            }
            switch (name) {
                case "fields" -> {
                    if (t != JsonToken.START_OBJECT) {
                        return null;
                    }
                    fields = new LinkedHashMap<>();
                    String key;
                    while ((key = p.nextName()) != null) {
                        TreeTelemetryParser.checkName(key, "field key");
                        if (PlatformTags.RESERVED_NAMES.contains(key)) {
                            return null;
                        }
                        Object v = fieldValue(p, p.nextToken());
                        if (v == null) {
                            return null;
                        }
                        if (fields.put(key, v) != null) {
                            return null; // duplicate field key
                        }
                    }
                    if (fields.isEmpty()) {
                        return null;
                    }
                }
                case "tags" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        return null;
                    }
                    tagPairs = new ArrayList<>();
                    Set<String> tagKeys = null;
                    String key;
                    while ((key = p.nextName()) != null) {
                        if (p.nextToken() != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        if (tagPairs.size() < 32) { // a few tags: compare; many: a set (no quadratic cost)
                            for (int i = 0; i < tagPairs.size(); i += 2) {
                                if (tagPairs.get(i).equals(key)) {
                                    return null; // duplicate tag key
                                }
                            }
                        } else {
                            if (tagKeys == null) {
                                tagKeys = new HashSet<>();
                                for (int i = 0; i < tagPairs.size(); i += 2) {
                                    tagKeys.add(tagPairs.get(i));
                                }
                            }
                            if (!tagKeys.add(key)) {
                                return null;
                            }
                        }
                        tagPairs.add(key);
                        tagPairs.add(p.getString());
                    }
                }
                case "measurement" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (t != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    measurement = p.getString();
                    TreeTelemetryParser.checkName(measurement, "measurement");
                }
                case "ts" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    try {
                        if (t == JsonToken.VALUE_STRING) {
                            ts = Timestamps.parseRfc3339(p.getString());
                        } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                            ts = Timestamps.fromEpochMillis(decimal(p, t));
                        } else {
                            return null;
                        }
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                    if (window.check(ts) != null) {
                        return null;
                    }
                }
                case "seq" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    long s;
                    if (t == JsonToken.VALUE_NUMBER_INT) {
                        JsonParser.NumberType nt = p.getNumberType();
                        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
                            return null;
                        }
                        s = p.getLongValue();
                    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                        BigDecimal d = floatValue(p);
                        if (exponent(d) > 19 || d.stripTrailingZeros().scale() > 0
                                || d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0
                                || d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                            return null;
                        }
                        s = d.longValueExact();
                    } else {
                        return null;
                    }
                    if (s < 0) {
                        return null;
                    }
                    seq = s;
                }
                case PlatformTags.TENANT -> {
                    if (t != JsonToken.VALUE_NULL && (t != JsonToken.VALUE_STRING || !tenantAgrees(p.getString(), id))) {
                        return null;
                    }
                }
                case PlatformTags.DEVICE -> {
                    if (t != JsonToken.VALUE_NULL && (t != JsonToken.VALUE_STRING || !deviceAgrees(p.getString(), id))) {
                        return null;
                    }
                }
                default -> { // other members are ignored, but read as the tree would
                    if (!skip(p, t)) {
                        return null;
                    }
                }
            }
        }
        if (fields == null) {
            return null;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        if (tagPairs != null) {
            for (int i = 0; i < tagPairs.size(); i += 2) {
                String key = tagPairs.get(i);
                String value = tagPairs.get(i + 1);
                if ((key.equals(PlatformTags.TENANT) && !tenantAgrees(value, id))
                        || (key.equals(PlatformTags.DEVICE) && !deviceAgrees(value, id))) {
                    return null;
                }
                TreeTelemetryParser.checkName(key, "tag key");
                if (TreeTelemetryParser.hasControl(value) || value.length() > MAX_NAME_LENGTH) {
                    return null;
                }
                if (!value.isEmpty() && LineProtocol.nameProblem(value, LineProtocol.NameKind.TAG_VALUE) != null) {
                    return null;
                }
                if (fields.containsKey(key)) {
                    return null;
                }
                if (!PlatformTags.ALL.contains(key)) {
                    tags.put(key, value);
                }
            }
        }
        return new TelemetryElement(index, measurement, fields, tags, ts, seq);
    }

    /** A bit per member {@link #element} knows (duplicates are looked for by bit), 0 for any other name. */
    private static int memberBit(String name) {
        return switch (name) {
            case "fields" -> 1;
            case "tags" -> 2;
            case "measurement" -> 4;
            case "ts" -> 8;
            case "seq" -> 16;
            case PlatformTags.TENANT -> 32;
            case PlatformTags.DEVICE -> 64;
            default -> 0;
        };
    }

    /** The tenant claim rule of both parsers: the topic's tenant UUID (any case) or its slug. */
    static boolean tenantAgrees(String v, Identity id) {
        return v.equalsIgnoreCase(id.tenantId().toString()) || v.equals(id.tenantSlug().value());
    }

    /** The device claim rule of both parsers: exactly the topic's plc_id. */
    static boolean deviceAgrees(String v, Identity id) {
        return v.equals(id.plcId().value());
    }

    /** A field's value as the tree parser stores it (numbers as double), or {@code null} if it would be rejected. */
    private static Object fieldValue(JsonParser p, JsonToken t) {
        switch (t) {
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
                    return (double) p.getLongValue();
                }
                double d = p.getBigIntegerValue().doubleValue(); // at most MAX_NUMBER_LENGTH digits: finite
                return Double.isFinite(d) ? d : null;
            }
            case VALUE_NUMBER_FLOAT -> {
                if (!hasExponent(p)) {
                    // at most MAX_NUMBER_LENGTH digits and no exponent: finite, and non-zero unless written as zero, so
                    // the double (correctly rounded, like BigDecimal.doubleValue) is the tree's; -0.0 is 0.0 there
                    double v = p.getDoubleValue();
                    return v == 0.0 ? 0.0 : v;
                }
                BigDecimal d = floatValue(p);
                int exp = exponent(d);
                if (exp > TreeTelemetryParser.MAX_DECIMAL_EXPONENT) {
                    return null;
                }
                if (exp < -TreeTelemetryParser.MAX_DECIMAL_EXPONENT) {
                    return 0.0;
                }
                double v = d.doubleValue();
                return Double.isFinite(v) ? v : null;
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_STRING -> {
                String s = p.getString();
                if (s.length() * 3L > MAX_STRING_FIELD_BYTES && s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_FIELD_BYTES) {
                    return null;
                }
                return s;
            }
            default -> {
                return null; // null, object, array: wrong_type
            }
        }
    }

    private static boolean hasExponent(JsonParser p) {
        char[] c = p.getStringCharacters();
        for (int i = p.getStringOffset(), end = i + p.getStringLength(); i < end; i++) {
            if (c[i] == 'e' || c[i] == 'E') {
                return true;
            }
        }
        return false;
    }

    /**
     * A JSON float as the tree holds it (USE_BIG_DECIMAL_FOR_FLOATS); throws where the tree's conversion throws
     * (e.g. {@code 1e-2147483648}, whose scale does not fit a BigDecimal), and then the tree decides.
     */
    private static BigDecimal floatValue(JsonParser p) {
        return p.getDecimalValue();
    }

    private static BigDecimal decimal(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return floatValue(p);
        }
        JsonParser.NumberType nt = p.getNumberType();
        return nt == JsonParser.NumberType.BIG_INTEGER ? new BigDecimal(p.getBigIntegerValue()) : BigDecimal.valueOf(p.getLongValue());
    }

    /** ⌊log10 |d|⌋ + 1 for a non-zero decimal, 0 for zero, bounded (TreeTelemetryParser's exponent uses it too). */
    static int exponent(BigDecimal d) {
        if (d.signum() == 0) {
            return 0;
        }
        long e = (long) d.precision() - d.scale();
        return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, e));
    }

    /**
     * Skips a value the parser is on, converting numbers as the tree parser does (so it fails where the tree would).
     *
     * @return false when an object inside repeats a member name (the tree refuses that)
     */
    private static boolean skip(JsonParser p, JsonToken t) {
        int depth = 0;
        List<Set<String>> names = null; // per open object or array (null), the member names read so far
        do {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
                if (names == null) {
                    names = new ArrayList<>();
                }
                names.add(t == JsonToken.START_OBJECT ? new HashSet<>() : null);
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
                names.remove(names.size() - 1);
            } else if (t == JsonToken.PROPERTY_NAME) {
                if (!names.get(names.size() - 1).add(p.currentName())) {
                    return false;
                }
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                floatValue(p);
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                p.getNumberValue();
            }
            if (depth == 0) {
                return true;
            }
            t = p.nextToken();
        } while (t != null);
        return true;
    }
}
