package io.tenantry.core.timeseries;

import java.util.Map;

/**
 * Encodes {@link Point}s as InfluxDB line protocol (tags in key order, fields in the point's order), escaping per the InfluxDB 1.x line protocol reference
 * ("Special characters"): measurement escapes comma and space; tag keys, tag values and field keys escape comma,
 * equals sign and space; string field values are double-quoted with {@code "} and {@code \} escaped. Floats are
 * written in shortest round-trip form, integers with the {@code i} suffix, timestamps in nanoseconds.
 * Newlines (and carriage returns) cannot be escaped in 1.x keys, so they are replaced by a space in names;
 * in string field values they are kept (allowed inside quotes).
 */
public final class LineProtocol {
    private LineProtocol() {
    }

    /** Appends one point (without trailing newline) to {@code out}. */
    public static void append(StringBuilder out, Point p) {
        escape(out, p.measurement(), true);
        for (Map.Entry<String, String> t : p.tags().entrySet()) {
            out.append(',');
            escape(out, t.getKey(), false);
            out.append('=');
            escape(out, t.getValue(), false);
        }
        out.append(' ');
        boolean first = true;
        for (Map.Entry<String, Object> f : p.fields().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            escape(out, f.getKey(), false);
            out.append('=');
            appendValue(out, f.getValue());
        }
        out.append(' ').append(p.timestampNanos());
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

    private static void appendValue(StringBuilder out, Object v) {
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

    private static void escape(StringBuilder out, String s, boolean measurement) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ',', ' ' -> out.append('\\').append(c);
                case '=' -> {
                    if (!measurement) {
                        out.append('\\');
                    }
                    out.append(c);
                }
                case '\n', '\r' -> out.append("\\ ");
                case '\\' -> {
                    // a trailing backslash would escape the following separator
                    out.append(i == s.length() - 1 ? "\\\\" : "\\");
                }
                default -> out.append(c);
            }
        }
    }
}
