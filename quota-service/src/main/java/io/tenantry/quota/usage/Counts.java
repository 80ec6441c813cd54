package io.tenantry.quota.usage;

import io.tenantry.core.quota.LatencyHistogram;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mutable sums of usage rows (ingest_usage → usage_minute → usage_day): counters add, rejected maps add by reason,
 * latency histograms add bucket by bucket.
 */
final class Counts {
    long messages;
    long points;
    long fieldValues;
    long refusedFieldValues;
    final Map<String, Long> rejected = new TreeMap<>();
    final long[] hist = new long[LatencyHistogram.BUCKETS];

    void add(long messages, long points, long fieldValues, long refused, Map<String, Long> rejected, Long[] hist) {
        this.messages += messages;
        this.points += points;
        this.fieldValues += fieldValues;
        this.refusedFieldValues += refused;
        rejected.forEach((k, v) -> this.rejected.merge(k, v, Long::sum));
        if (hist != null) {
            for (int i = 0; i < Math.min(hist.length, this.hist.length); i++) {
                this.hist[i] += hist[i] == null ? 0 : hist[i];
            }
        }
    }

    /** p95 in ms, or null without samples. */
    Long p95() {
        long q = LatencyHistogram.quantile(hist, 0.95);
        return q < 0 ? null : q;
    }

    Long[] boxedHist() {
        Long[] out = new Long[hist.length];
        for (int i = 0; i < hist.length; i++) {
            out[i] = hist[i];
        }
        return out;
    }

    String rejectedJson() {
        StringBuilder sb = new StringBuilder("{");
        rejected.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v);
        });
        return sb.append('}').toString();
    }

    /** Parses the flat {@code {"reason": n}} JSON objects stored in the usage tables. */
    static Map<String, Long> parseRejected(String json) {
        Map<String, Long> m = new TreeMap<>();
        if (json == null) {
            return m;
        }
        var matcher = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*(\\d+)").matcher(json);
        while (matcher.find()) {
            m.merge(matcher.group(1), Long.parseLong(matcher.group(2)), Long::sum);
        }
        return m;
    }
}
