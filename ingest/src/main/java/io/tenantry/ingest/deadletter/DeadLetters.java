package io.tenantry.ingest.deadletter;

import io.tenantry.ingest.telemetry.RejectReason;
import io.tenantry.ingest.telemetry.Rejection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Folds the rejections of one MQTT message into a single {@link DeadLetter} (issue 8: a 261 KB {@code [{},{},…]}
 * made 87,000 rows; now it makes one).
 * <ul>
 *   <li>{@code reason}: the most frequent reason (the first seen on a tie);</li>
 *   <li>{@code detail}: "{@code 3 of 500 element(s) rejected: wrong_type ×2, bad_timestamp ×1; element 4: …;
 *       element 9: …}" — the first few explanations, cut at {@link #MAX_DETAIL_CHARS};</li>
 *   <li>{@code payload}: for a single object or a message-level rejection, the rejection's own bytes (the raw
 *       message); for a batch, a JSON array of the rejected elements in message order, stopping before it would
 *       exceed {@code maxPayloadBytes} (the detail then says how many it kept);</li>
 *   <li>{@code elements_rejected}/{@code elements_total}: the counts.</li>
 * </ul>
 * Stateless.
 */
public final class DeadLetters {
    /** The detail column holds 2000 characters. */
    public static final int MAX_DETAIL_CHARS = 2000;
    private static final int MAX_EXPLAINED = 5;

    private DeadLetters() {
    }

    /**
     * One row for a message's rejections, or null when there are none.
     *
     * @param rejections      the message's rejections, in message order
     * @param elementsTotal   elements the message held (0 or 1 when it was not a batch)
     * @param batch           true when the rejections are elements of a JSON array
     * @param maxPayloadBytes cap of the payload built from a batch's rejected elements
     */
    public static DeadLetter ofMessage(Instant receivedAt, String topic, UUID tenantId, List<Rejection> rejections,
                                       int elementsTotal, boolean batch, int maxPayloadBytes) {
        if (rejections.isEmpty()) {
            return null;
        }
        int n = rejections.size();
        int total = Math.max(elementsTotal, n);
        if (n == 1 && !batch) {
            Rejection r = rejections.get(0);
            return new DeadLetter(receivedAt, topic, tenantId, r.reason(), r.detail(), r.payload(), 1, total);
        }
        Map<RejectReason, Integer> counts = new EnumMap<>(RejectReason.class);
        List<RejectReason> order = new ArrayList<>();
        for (Rejection r : rejections) {
            if (counts.merge(r.reason(), 1, Integer::sum) == 1) {
                order.add(r.reason());
            }
        }
        RejectReason main = order.get(0);
        for (RejectReason r : order) {
            if (counts.get(r) > counts.get(main)) {
                main = r;
            }
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write('[');
        int kept = 0;
        for (Rejection r : rejections) {
            byte[] p = r.payload();
            if (payload.size() + p.length + 2 > maxPayloadBytes) {
                break;
            }
            if (kept > 0) {
                payload.write(',');
            }
            payload.writeBytes(p);
            kept++;
        }
        payload.write(']');
        StringBuilder d = new StringBuilder();
        d.append(n).append(" of ").append(total).append(" element(s) rejected: ");
        for (int i = 0; i < order.size(); i++) {
            d.append(i == 0 ? "" : ", ").append(order.get(i).code()).append(" ×").append(counts.get(order.get(i)));
        }
        if (kept < n) {
            d.append("; payload keeps the first ").append(kept).append(" of them");
        }
        for (int i = 0; i < Math.min(MAX_EXPLAINED, n) && d.length() < MAX_DETAIL_CHARS; i++) {
            d.append("; ").append(rejections.get(i).detail());
        }
        if (n > MAX_EXPLAINED) {
            d.append("; …");
        }
        return new DeadLetter(receivedAt, topic, tenantId, main, cut(d.toString()), payload.toByteArray(), n, total);
    }

    /**
     * One row for the points of one message that InfluxDB refused ({@link RejectReason#INFLUX_REJECTED}).
     *
     * @param lines           the refused points' line protocol
     * @param errors          InfluxDB's error for each (same order)
     * @param pointsTotal     points the message had
     * @param maxPayloadBytes cap of the payload (the refused lines, newline-separated)
     */
    public static DeadLetter ofRefusedPoints(Instant receivedAt, String topic, UUID tenantId, List<String> lines,
                                             List<String> errors, int pointsTotal, int maxPayloadBytes) {
        int n = lines.size();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int kept = 0;
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (kept > 0 && payload.size() + b.length + 1 > maxPayloadBytes) {
                break;
            }
            if (kept > 0) {
                payload.write('\n');
            }
            payload.writeBytes(b);
            kept++;
        }
        String detail = n == 1 ? errors.get(0)
                : n + " of " + Math.max(n, pointsTotal) + " point(s) refused by InfluxDB"
                + (kept < n ? " (payload keeps the first " + kept + ")" : "") + "; " + String.join("; ", errors.stream().distinct().limit(3).toList());
        return new DeadLetter(receivedAt, topic, tenantId, RejectReason.INFLUX_REJECTED, cut(detail), payload.toByteArray(),
                n, Math.max(n, pointsTotal));
    }

    private static String cut(String s) {
        return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS - 1) + "…";
    }
}
