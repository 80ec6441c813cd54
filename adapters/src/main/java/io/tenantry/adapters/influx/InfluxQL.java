package io.tenantry.adapters.influx;

import java.time.Duration;

/**
 * Quoting for InfluxQL, so user input never reaches a query unescaped (InfluxDB 1.x "InfluxQL reference":
 * identifiers in double quotes, string literals in single quotes, backslash escapes).
 */
public final class InfluxQL {
    private InfluxQL() {
    }

    /** A double-quoted identifier (database, measurement, field or tag key, user name). */
    public static String ident(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A single-quoted string literal (tag values, passwords). */
    public static String string(String value) {
        return '\'' + value.replace("\\", "\\\\").replace("'", "\\'") + '\'';
    }

    /** A duration literal: {@code INF} for zero, otherwise whole hours ({@code 720h}), minimum 1h. */
    public static String duration(Duration d) {
        if (d.isZero()) {
            return "INF";
        }
        return Math.max(1, d.toHours()) + "h";
    }
}
