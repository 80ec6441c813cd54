package io.tenantry.adapters.grafana.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grafana's expansion of an InfluxQL raw query before it is sent to the data source URL, as the fixtures describe
 * ({@code ../shared/fixtures/README.md}, {@code grafana-influxql-request-shapes.json}): the backend replaces
 * {@code $timeFilter} with {@code time >= <from>ms and time <= <to>ms}, {@code $__interval} and {@code $interval}
 * with the auto interval ({@code gtime.FormatInterval} of the rounded range / max data points), and
 * {@code $__interval_ms} with its milliseconds; the browser replaces template variables first, a multi-value
 * (or All) variable in a regex as {@code (a|b)} with each value regex-escaped.
 */
public final class GrafanaMacros {
    private GrafanaMacros() {
    }

    /**
     * The expanded query.
     *
     * @param query         InfluxQL with macros
     * @param from          range start
     * @param to            range end
     * @param maxDataPoints the panel's width in points (Grafana's default is the panel's pixel width; we use 1000)
     * @param variables     variable name → selected values (all values for All)
     */
    public static String expand(String query, Instant from, Instant to, int maxDataPoints, Map<String, List<String>> variables) {
        String q = expandVariables(query, variables);
        long intervalMs = intervalMs(from, to, maxDataPoints);
        q = q.replace("$timeFilter", "time >= " + from.toEpochMilli() + "ms and time <= " + to.toEpochMilli() + "ms");
        q = q.replace("$__interval_ms", Long.toString(intervalMs));
        q = q.replace("$__interval", formatInterval(intervalMs));
        q = q.replace("$interval", formatInterval(intervalMs));
        return q;
    }

    /**
     * The browser's part only: template variables in a regex context (a single value escaped, several as
     * {@code (a|b)}), leaving {@code $timeFilter} and the interval macros for Grafana's backend.
     */
    public static String expandVariables(String query, Map<String, List<String>> variables) {
        String q = query;
        for (var v : variables.entrySet()) {
            String value = v.getValue().size() == 1 ? regexEscape(v.getValue().get(0))
                    : "(" + String.join("|", v.getValue().stream().map(GrafanaMacros::regexEscape).toList()) + ")";
            q = q.replace("${" + v.getKey() + "}", value).replaceAll("\\$" + Pattern.quote(v.getKey()) + "\\b",
                    Matcher.quoteReplacement(value));
        }
        return q;
    }

    /** Grafana's auto interval: range / max data points, rounded like Grafana's {@code roundInterval}. */
    public static long intervalMs(Instant from, Instant to, int maxDataPoints) {
        long raw = Math.max(1, Duration.between(from, to).toMillis() / Math.max(1, maxDataPoints));
        long[][] steps = {{15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500}, {1_500, 1_000},
                {3_500, 2_000}, {7_500, 5_000}, {12_500, 10_000}, {17_500, 15_000}, {25_000, 20_000},
                {45_000, 30_000}, {90_000, 60_000}, {180_000, 120_000}, {450_000, 300_000}, {750_000, 600_000},
                {1_050_000, 900_000}, {1_500_000, 1_200_000}, {2_700_000, 1_800_000}, {5_400_000, 3_600_000},
                {9_000_000, 7_200_000}, {16_200_000, 10_800_000}, {24_300_000, 21_600_000},
                {64_800_000, 43_200_000}, {129_600_000, 86_400_000}};
        for (long[] s : steps) {
            if (raw <= s[0]) {
                return s[1];
            }
        }
        return 604_800_000L;
    }

    /** Grafana's {@code gtime.FormatInterval}: the largest whole unit, e.g. {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}. */
    public static String formatInterval(long ms) {
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }

    /** Grafana's {@code regexEscape} of a variable value in a regex context. */
    public static String regexEscape(String v) {
        return v.replaceAll("([\\\\^$*+?.()|{}\\[\\]/\\-])", "\\\\$1");
    }
}
