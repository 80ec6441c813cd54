package io.tenantry.edge;

import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes rows as the telemetry contract's JSON (UTF-8).
 * <p>
 * One row: {@code {"ts": "2020-03-09T10:14:33Z", "fields": {"Current": 1.3302, "Volume Flow RateRMS": 32.0}, "seq": 7}}.
 * A batch: a JSON array of such objects, {@code seq} increasing by one per row. {@code ts} is written as chosen by
 * {@link TimestampOutput}; numbers are JSON numbers (doubles), booleans JSON booleans, other cells JSON strings.
 * <p>
 * Thread-safe.
 */
public final class TelemetryPayloads {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TelemetryPayloads() {
    }

    /** Ingest's default limit for one MQTT message ({@code tenantry.ingest.payload.max-size}): 256 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

    /**
     * One encoded MQTT message.
     *
     * @param firstSeq {@code seq} of its first row
     * @param rows     how many rows it carries
     * @param payload  UTF-8 JSON
     */
    public record Message(long firstSeq, int rows, byte[] payload) {
    }

    /**
     * Encodes {@code rows} as one message, or as several consecutive ones when the encoding is larger than
     * {@code maxBytes}: the rows are split in halves until every part fits (a single row that does not fit is
     * still sent alone; ingest dead-letters it as {@code oversized}).
     *
     * @param rows     the rows, at least one
     * @param firstSeq {@code seq} of the first row
     * @param asArray  batch (array) form; with {@code false} {@code rows} must hold exactly one row
     * @param tsOutput how to write {@code ts}
     * @param maxBytes the largest payload wanted, in bytes
     * @return messages in row order, together covering every row once, seqs consecutive
     */
    public static List<Message> encodeWithin(List<TelemetryRow> rows, long firstSeq, boolean asArray,
                                             TimestampOutput tsOutput, int maxBytes) {
        List<Message> out = new ArrayList<>();
        split(rows, firstSeq, asArray, tsOutput, maxBytes, out);
        return out;
    }

    private static void split(List<TelemetryRow> rows, long firstSeq, boolean asArray, TimestampOutput tsOutput,
                              int maxBytes, List<Message> out) {
        byte[] payload = encode(rows, firstSeq, asArray, tsOutput);
        if (payload.length <= maxBytes || rows.size() == 1) {
            out.add(new Message(firstSeq, rows.size(), payload));
            return;
        }
        int half = rows.size() / 2;
        split(rows.subList(0, half), firstSeq, asArray, tsOutput, maxBytes, out);
        split(rows.subList(half, rows.size()), firstSeq + half, asArray, tsOutput, maxBytes, out);
    }

    /** The JSON object of one row as a map ({@code ts}, {@code fields}, {@code seq}, in that order). */
    public static Map<String, Object> object(TelemetryRow row, long seq, TimestampOutput tsOutput) {
        Map<String, Object> o = new LinkedHashMap<>(4);
        o.put("ts", tsOutput == TimestampOutput.EPOCH_MS ? (Object) row.timestamp().toEpochMilli() : row.timestamp().toString());
        o.put("fields", row.fields());
        o.put("seq", seq);
        return o;
    }

    /**
     * Encodes one MQTT message.
     *
     * @param rows     the rows, at least one
     * @param firstSeq {@code seq} of the first row; the i-th row gets {@code firstSeq + i}
     * @param asArray  {@code true} for the batch (array) form, {@code false} for the single-object form (then
     *                 {@code rows} must hold exactly one row)
     * @param tsOutput how to write {@code ts}
     * @return UTF-8 JSON
     * @throws IllegalArgumentException when {@code rows} is empty, or has several rows and {@code asArray} is false
     */
    public static byte[] encode(List<TelemetryRow> rows, long firstSeq, boolean asArray, TimestampOutput tsOutput) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to encode");
        }
        if (!asArray) {
            if (rows.size() != 1) {
                throw new IllegalArgumentException("single-object form needs exactly one row, got " + rows.size());
            }
            return JSON.writeValueAsBytes(object(rows.get(0), firstSeq, tsOutput));
        }
        List<Map<String, Object>> list = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            list.add(object(rows.get(i), firstSeq + i, tsOutput));
        }
        return JSON.writeValueAsBytes(list);
    }
}
