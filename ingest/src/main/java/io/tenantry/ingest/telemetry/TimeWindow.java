package io.tenantry.ingest.telemetry;

import java.time.Duration;
import java.time.Instant;

/**
 * The range a point's timestamp must fall in, relative to the time ingest received the message (issue 8,
 * docs/telemetry.md §5 "Time range"):
 * <ul>
 *   <li>not later than {@code receivedAt + maxFuture} — the tenant plan's {@code plans.max_future_minutes}
 *       (Flyway V4): a device's clock may run ahead a little, but every distinct future day would make InfluxDB
 *       open a new shard group (one week apart × 500 elements = 500 shards and thousands of open files);</li>
 *   <li>not earlier than {@code receivedAt − maxPast} — the plan's raw retention ({@code plans.raw_retention_days}):
 *       older points would be deleted by retention anyway, and each distinct old day again costs a shard.</li>
 * </ul>
 * Points outside are rejected as {@link RejectReason#FUTURE_TIMESTAMP} / {@link RejectReason#EXPIRED_TIMESTAMP}.
 *
 * @param notBeforeNanos earliest accepted timestamp, ns since the epoch (inclusive)
 * @param notAfterNanos  latest accepted timestamp, ns since the epoch (inclusive)
 * @param maxPast        the past bound as a duration (for messages)
 * @param maxFuture      the future bound as a duration (for messages)
 */
public record TimeWindow(long notBeforeNanos, long notAfterNanos, Duration maxPast, Duration maxFuture) {
    /** No bound beyond InfluxDB's own range (tests of the parser alone). */
    public static final TimeWindow UNBOUNDED = new TimeWindow(Timestamps.MIN_NANOS, Timestamps.MAX_NANOS, null, null);

    /**
     * The window around a receive time.
     *
     * @param receivedAt when ingest received the message
     * @param maxPast    how far back a timestamp may lie (≥ 0)
     * @param maxFuture  how far ahead a timestamp may lie (≥ 0)
     */
    public static TimeWindow around(Instant receivedAt, Duration maxPast, Duration maxFuture) {
        long now = receivedAt.getEpochSecond() * 1_000_000_000L + receivedAt.getNano();
        return new TimeWindow(satSub(now, maxPast.toNanos()), satAdd(now, maxFuture.toNanos()), maxPast, maxFuture);
    }

    /**
     * Checks one timestamp.
     *
     * @return null when it is inside, else the reason it is outside
     */
    RejectReason check(long tsNanos) {
        if (tsNanos > notAfterNanos) {
            return RejectReason.FUTURE_TIMESTAMP;
        }
        if (tsNanos < notBeforeNanos) {
            return RejectReason.EXPIRED_TIMESTAMP;
        }
        return null;
    }

    /** A sentence for the dead letter's detail. */
    String explain(long tsNanos, RejectReason r) {
        String ts = Instant.ofEpochSecond(Math.floorDiv(tsNanos, 1_000_000_000L), Math.floorMod(tsNanos, 1_000_000_000L)).toString();
        if (r == RejectReason.FUTURE_TIMESTAMP) {
            return "'ts' " + ts + " is more than " + human(maxFuture) + " ahead of the receive time (limit of the tenant's plan)";
        }
        return "'ts' " + ts + " is more than " + human(maxPast) + " before the receive time (the plan's raw retention)";
    }

    private static String human(Duration d) {
        if (d == null) {
            return "the allowed range";
        }
        if (d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
            return d.toDays() + " day(s)";
        }
        return d.toMinutes() + " minute(s)";
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long satSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }
}
