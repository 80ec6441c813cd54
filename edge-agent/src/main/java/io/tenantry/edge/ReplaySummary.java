package io.tenantry.edge;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one replay.
 *
 * @param clientId             the MQTT client id used
 * @param topic                the topic published to
 * @param rowsRead             CSV data records read (header and blank lines not counted, skipped rows counted)
 * @param rowsPublished        rows carried by published messages
 * @param skipped              skipped rows: reason ({@code column_count}, {@code bad_timestamp}, {@code no_fields})
 *                             to count; unmodifiable, sorted by reason, empty when none
 * @param messagesPublished    MQTT messages queued for sending (spooled; each is sent until acknowledged)
 * @param messagesAcknowledged messages the broker acknowledged with a success PUBACK
 * @param messagesFailed       messages the broker refused (PUBACK reason code &gt;= 0x80)
 * @param messagesRecovered    messages left in the spool directory by an earlier run with the same client id,
 *                             sent first; they are included in {@code messagesPublished} (and, once
 *                             acknowledged, in {@code messagesAcknowledged}) but their rows are not in
 *                             {@code rowsRead}/{@code rowsPublished}
 * @param firstSeq             {@code seq} of the first published row (0 when none)
 * @param lastSeq              {@code seq} of the last published row (0 when none)
 * @param connectionLosses     how often an established connection was lost (Paho then reconnects by itself)
 * @param elapsed              wall time from the first connection attempt to the end of the acknowledgement wait
 * @param ackTimedOut          true when the end-of-replay wait for acknowledgements ran out before all arrived
 * @param stopReason           why the replay stopped before the end of the file, or {@code null} when it read the
 *                             whole file (or reached the limit). Set when the broker refused a message: Mosquitto
 *                             then also closes the connection, so going on would only loop
 * @param messagesNotDelivered PUBACKs that said "not delivered, try again" (0x10 No matching subscribers — ingest
 *                             not subscribed, e.g. right after a broker restart — 0x80, 0x83, 0x97): each time the
 *                             message (and every later unacknowledged one) was kept and sent again after a pause
 * @param messagesResent       already acknowledged messages sent again after a connection loss because they were
 *                             acknowledged within the resend window ({@link PublishOptions#resendWindow()}): a
 *                             broker killed before its next autosave loses what it acknowledged since the last one
 * @param nonNumericCells      non-numeric cells met in numeric columns: column to count (what happened to them:
 *                             {@link CsvOptions#nonNumeric()}); empty when none
 * @param rejectionNotices     rejection notices ingest sent back on {@code <topic>/cmd/rejections} while the replay
 *                             listened (issue 16): data the broker acknowledged but ingest did not store
 */
public record ReplaySummary(
        String clientId,
        String topic,
        long rowsRead,
        long rowsPublished,
        Map<String, Long> skipped,
        long messagesPublished,
        long messagesAcknowledged,
        long messagesFailed,
        long messagesRecovered,
        long firstSeq,
        long lastSeq,
        long connectionLosses,
        Duration elapsed,
        boolean ackTimedOut,
        String stopReason,
        long messagesNotDelivered,
        long messagesResent,
        Map<String, Long> nonNumericCells,
        long rejectionNotices) {

    public ReplaySummary {
        skipped = skipped == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(skipped));
        nonNumericCells = nonNumericCells == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(nonNumericCells));
    }

    /** A summary without non-numeric cells and rejection notices (the form before issue 16). */
    public ReplaySummary(String clientId, String topic, long rowsRead, long rowsPublished, Map<String, Long> skipped,
                         long messagesPublished, long messagesAcknowledged, long messagesFailed, long messagesRecovered,
                         long firstSeq, long lastSeq, long connectionLosses, Duration elapsed, boolean ackTimedOut,
                         String stopReason, long messagesNotDelivered, long messagesResent) {
        this(clientId, topic, rowsRead, rowsPublished, skipped, messagesPublished, messagesAcknowledged, messagesFailed,
                messagesRecovered, firstSeq, lastSeq, connectionLosses, elapsed, ackTimedOut, stopReason,
                messagesNotDelivered, messagesResent, Map.of(), 0);
    }

    /** Total non-numeric cells met (sum of {@link #nonNumericCells()}). */
    public long cellsNonNumeric() {
        return nonNumericCells.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Total skipped rows (sum of {@link #skipped()}). */
    public long rowsSkipped() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** True when every published message was acknowledged and the file was replayed to the end (the CLI exits 0
     *  exactly then). */
    public boolean complete() {
        return messagesAcknowledged == messagesPublished && messagesFailed == 0 && stopReason == null;
    }

    /** Published rows per second of {@link #elapsed()} (0 when elapsed is 0). */
    public double rowsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : rowsPublished / s;
    }

    /**
     * One human-readable line, e.g. {@code OK plc/acme/p1 (client c): 1147 rows read, 1147 published in 1147 messages,
     * ...}; it starts with {@code OK}, {@code INCOMPLETE}, or {@code NOTHING SENT} when no message was published.
     */
    public String toHumanLine() {
        StringBuilder sb = new StringBuilder();
        sb.append(messagesPublished == 0 && stopReason == null ? "NOTHING SENT " : complete() ? "OK " : "INCOMPLETE ").append(topic).append(" (client ").append(clientId).append("): ")
                .append(rowsRead).append(" rows read, ").append(rowsPublished).append(" published in ")
                .append(messagesPublished).append(" messages, ").append(messagesAcknowledged).append(" acknowledged");
        if (messagesFailed > 0) {
            sb.append(", ").append(messagesFailed).append(" refused");
        }
        if (messagesRecovered > 0) {
            sb.append(" (").append(messagesRecovered).append(" messages recovered from an earlier run's spool)");
        }
        sb.append(", ").append(rowsSkipped()).append(" skipped");
        if (!skipped.isEmpty()) {
            sb.append(' ').append(skipped);
        }
        if (rowsPublished > 0) {
            sb.append(", seq ").append(firstSeq).append("..").append(lastSeq);
        }
        if (!nonNumericCells.isEmpty()) {
            sb.append(", ").append(cellsNonNumeric()).append(" non-numeric cells ").append(nonNumericCells);
        }
        if (rejectionNotices > 0) {
            sb.append(", ").append(rejectionNotices).append(" rejection notices from ingest (data it did not store)");
        }
        sb.append(", ").append(connectionLosses).append(" connection losses");
        if (messagesNotDelivered > 0) {
            sb.append(", ").append(messagesNotDelivered).append(" not-delivered PUBACKs retried");
        }
        if (messagesResent > 0) {
            sb.append(", ").append(messagesResent).append(" acknowledged messages re-sent after a connection loss");
        }
        sb.append(String.format(java.util.Locale.ROOT, ", %.1f s (%.0f rows/s)", elapsed.toMillis() / 1000.0, rowsPerSecond()));
        if (stopReason != null) {
            sb.append(", stopped early: ").append(stopReason);
        }
        if (ackTimedOut) {
            sb.append(", gave up waiting for ").append(messagesPublished - messagesAcknowledged - messagesFailed)
                    .append(" acknowledgements (kept in the spool directory, if any, for the next run)");
        }
        return sb.toString();
    }

    /**
     * The summary as a single-line JSON object with snake_case keys: {@code client_id, topic, rows_read,
     * rows_published, rows_skipped, skipped, messages_published, messages_acknowledged, messages_failed,
     * messages_recovered, first_seq,
     * last_seq, connection_losses, elapsed_ms, rows_per_second, ack_timed_out, stop_reason (null when none),
     * complete, messages_not_delivered, messages_resent, non_numeric_cells, rejection_notices}.
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", clientId);
        m.put("topic", topic);
        m.put("rows_read", rowsRead);
        m.put("rows_published", rowsPublished);
        m.put("rows_skipped", rowsSkipped());
        m.put("skipped", skipped);
        m.put("messages_published", messagesPublished);
        m.put("messages_acknowledged", messagesAcknowledged);
        m.put("messages_failed", messagesFailed);
        m.put("messages_recovered", messagesRecovered);
        m.put("first_seq", firstSeq);
        m.put("last_seq", lastSeq);
        m.put("connection_losses", connectionLosses);
        m.put("elapsed_ms", elapsed.toMillis());
        m.put("rows_per_second", Math.round(rowsPerSecond() * 10) / 10.0);
        m.put("ack_timed_out", ackTimedOut);
        m.put("stop_reason", stopReason);
        m.put("complete", complete());
        m.put("messages_not_delivered", messagesNotDelivered);
        m.put("messages_resent", messagesResent);
        m.put("non_numeric_cells", nonNumericCells);
        m.put("rejection_notices", rejectionNotices);
        return TelemetryPayloads.JSON.writeValueAsString(m);
    }
}
