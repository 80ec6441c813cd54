package io.tenantry.core.timeseries;

import java.util.Map;

/**
 * Encodes {@link Point}s as InfluxDB line protocol (tags in key order, fields in the point's order). Floats are
 * written in shortest round-trip form, integers with the {@code i} suffix, timestamps in nanoseconds.
 * <p>
 * <b>Escaping, checked against InfluxDB 1.6.7's parser</b> ({@code models/points.go}), not only against the
 * documented rules. That parser has several scanners that disagree about backslashes: the line splitter
 * ({@code scanLine}) and the field scanner treat {@code \x} as one escape <i>pair</i> (so {@code \\,} is "escaped
 * backslash, then a separator"), while the measurement and tag scanners look only at the <i>previous</i> byte (so
 * in {@code \\,} the comma is escaped), and the unescaping keeps {@code \\} as two characters. A name holding a
 * backslash therefore parses differently in different scanners: the line splitter loses track of a quoted string
 * value and splits the body at a newline inside it, which let one tenant inject a whole line (issue 7). No
 * escaping of a backslash in a name is read the same way by all scanners, so:
 * <ul>
 *   <li>names (measurement, tag keys, tag values, field keys) must pass {@link #nameProblem}: no backslash, no
 *       control character (ISO control, e.g. {@code \n \r \t \0}; line protocol has no escape for them), no
 *       unpaired UTF-16 surrogate (not encodable as UTF-8), not empty; a measurement must not start with
 *       {@code #} (a comment line). Then every backslash in a name section is one this class wrote, always
 *       directly before the character it escapes, and all scanners agree;</li>
 *   <li>measurement: {@code ,} and space escaped; tag keys, tag values and field keys: {@code ,}, {@code =} and
 *       space escaped;</li>
 *   <li>string field values are double-quoted with {@code "} and {@code \} escaped (the only escapes the string
 *       unescaper knows), so a quoted value always ends at our closing quote; newlines, quotes and backslashes
 *       inside read back unchanged. Unpaired surrogates are refused (they would be stored as {@code ?}).</li>
 * </ul>
 * {@link #append} throws {@link IllegalArgumentException} for anything else: a point is written exactly or not at
 * all. The property test {@code LineProtocolInfluxIT} writes generated names through this class into the real
 * InfluxDB and reads them back.
 */
public final class LineProtocol {
    private LineProtocol() {
    }

    /** What a name is, for {@link #nameProblem}. */
    public enum NameKind {
        MEASUREMENT("measurement"), TAG_KEY("tag key"), TAG_VALUE("tag value"), FIELD_KEY("field key");

        private final String label;

        NameKind(String label) {
            this.label = label;
        }

        /** {@code measurement}, {@code tag key}, ... as used in messages. */
        public String label() {
            return label;
        }
    }

    /**
     * Why {@code name} cannot be written safely as a {@code kind}, or null when it can.
     *
     * @param name the name (not null)
     * @param kind where it goes
     * @return a message such as {@code "contains a backslash"}, without the name itself
     */
    public static String nameProblem(String name, NameKind kind) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (kind == NameKind.MEASUREMENT && name.charAt(0) == '#') {
            return "starts with '#' (InfluxDB reads the line as a comment)";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                return "contains a backslash (InfluxDB 1.x line protocol cannot carry it unambiguously in names)";
            }
            if (Character.isISOControl(c)) {
                return "contains control characters (U+" + String.format("%04X", (int) c) + ")";
            }
            if (Character.isSurrogate(c)) {
                if (!startsSurrogatePair(name, i)) {
                    return UNPAIRED_SURROGATE;
                }
                i++;
            }
        }
        return null;
    }

    private static final String UNPAIRED_SURROGATE = "contains an unpaired UTF-16 surrogate (not valid Unicode)";

    /** Whether {@code s.charAt(i)} is a high surrogate followed by a low one (a valid pair, one code point). */
    private static boolean startsSurrogatePair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /**
     * Why a string field value cannot be written exactly, or null when it can (anything but an unpaired surrogate).
     */
    public static String stringValueProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!startsSurrogatePair(value, i)) {
                    return UNPAIRED_SURROGATE;
                }
                i++;
            }
        }
        return null;
    }

    /**
     * Appends one point (without trailing newline) to {@code out}.
     *
     * @throws IllegalArgumentException when a name fails {@link #nameProblem}, a string value fails
     *                                  {@link #stringValueProblem}, or a float is NaN/infinite; {@code out} is
     *                                  left unchanged then
     */
    public static void append(StringBuilder out, Point p) {
        int start = out.length();
        try {
            appendSeriesKey(out, p.measurement(), p.tags());
            out.append(' ');
            appendFieldsAndTimestamp(out, p.fields(), p.timestampNanos());
        } catch (IllegalArgumentException e) {
            out.setLength(start);
            throw e;
        }
    }

    /**
     * Appends a series key, {@code measurement,k1=v1,k2=v2}, as {@link #append} writes it for a point with these
     * tags (issue 15: ingest renders a device's series key once and reuses it for every point of the device).
     *
     * @param tags tag key → value, written in iteration order (a {@link Point}'s are sorted and non-empty)
     * @throws IllegalArgumentException when a name fails {@link #nameProblem}; {@code out} may hold part of the key
     */
    public static void appendSeriesKey(StringBuilder out, String measurement, Map<String, String> tags) {
        name(out, measurement, NameKind.MEASUREMENT);
        for (Map.Entry<String, String> t : tags.entrySet()) {
            out.append(',');
            name(out, t.getKey(), NameKind.TAG_KEY);
            out.append('=');
            name(out, t.getValue(), NameKind.TAG_VALUE);
        }
    }

    /**
     * Appends a field set and timestamp, {@code f1=1.5,f2=2i 1700000000000000000}, as {@link #append} writes them.
     *
     * @param fields field key → value ({@link Double}, {@link Long}, {@link Boolean} or {@link String}), at least one
     * @throws IllegalArgumentException as {@link #append}; {@code out} may hold part of the fields
     */
    public static void appendFieldsAndTimestamp(StringBuilder out, Map<String, Object> fields, long timestampNanos) {
        boolean first = true;
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            name(out, f.getKey(), NameKind.FIELD_KEY);
            out.append('=');
            appendValue(out, f.getKey(), f.getValue());
        }
        out.append(' ').append(timestampNanos);
    }

    /** One point as a line (no trailing newline). */
    public static String toLine(Point p) {
        StringBuilder sb = new StringBuilder(128);
        append(sb, p);
        return sb.toString();
    }

    /** Points separated by {@code \n}, ready for a {@code /write} body. */
    public static String toLines(Iterable<Point> points) {
        StringBuilder sb = new StringBuilder(4096);
        for (Point p : points) {
            append(sb, p);
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void appendValue(StringBuilder out, String key, Object v) {
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("InfluxDB cannot store NaN or infinite floats");
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append(d.longValue()).append(".0");
            } else {
                out.append(d);
            }
        } else if (v instanceof Long l) {
            out.append(l).append('i');
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else {
            String s = (String) v;
            String problem = stringValueProblem(s);
            if (problem != null) {
                throw new IllegalArgumentException("string field '" + abbreviate(key) + "' " + problem);
            }
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            out.append('"');
        }
    }

    private static void name(StringBuilder out, String s, NameKind kind) {
        String problem = nameProblem(s, kind);
        if (problem != null) {
            throw new IllegalArgumentException(kind.label() + " '" + abbreviate(s) + "' " + problem);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (c == '=' && kind != NameKind.MEASUREMENT)) {
                out.append('\\');
            }
            out.append(c);
        }
    }

    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
