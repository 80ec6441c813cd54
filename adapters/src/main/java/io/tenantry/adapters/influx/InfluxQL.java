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

    /**
     * A tag reference for a condition: {@code "name"::tag}. Without {@code ::tag} InfluxQL resolves a name that is
     * both a field and a tag in a shard to the <i>field</i> (issue 7: a field {@code locatario_id} hid the tag), so
     * every tag condition the platform builds uses this.
     */
    public static String tag(String name) {
        return ident(name) + "::tag";
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
