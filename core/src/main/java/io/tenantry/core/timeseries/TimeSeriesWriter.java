package io.tenantry.core.timeseries;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes line protocol into a bucket: the port every production write goes through (ingest's batch writer and
 * spool drainer, tools and tests). The adapter for InfluxDB's v1 HTTP API is {@code InfluxV1TimeSeriesWriter}.
 * <p>
 * Shape: {@code bucket + lines → accepted / rejected lines}. When the store refuses a batch because of its
 * <i>data</i>, the adapter isolates the refused lines itself (bisection: halves are written again until the
 * refused lines stand alone) and stores every other line; the caller only dead-letters {@link Result#rejected()}.
 * <p>
 * <b>Retriability, the one rule</b> (issue 9 §2; docs/telemetry.md §8.4): a failure is about the data — not
 * retriable, the lines come back as {@link Rejected} — only when the store answers that the request's content is
 * unacceptable (InfluxDB v1: HTTP 400, 413, 422). Everything else is retriable and thrown as a
 * {@link TimeSeriesWriteException} with {@code retriable() == true}: no answer (transport error), 5xx, 429, and
 * also 401/403/404 — a wrong credential, a missing grant or a missing database is an operator's problem, not the
 * data's, so the points wait (spool) instead of becoming dead letters.
 */
public interface TimeSeriesWriter {

    /**
     * A line the store refused.
     *
     * @param index position of the line in the list given to {@link #write}
     * @param line  the line protocol as given
     * @param error the store's error text
     */
    record Rejected(int index, String line, String error) {
    }

    /**
     * What became of a batch.
     *
     * @param accepted number of lines stored
     * @param rejected the lines the store refused for their data, in input order; empty when all were stored
     */
    record Result(int accepted, List<Rejected> rejected) {
        public Result {
            rejected = List.copyOf(rejected);
        }

        /** True when every line was stored. */
        public boolean allAccepted() {
            return rejected.isEmpty();
        }
    }

    /**
     * Writes the lines into the bucket, isolating the lines the store refuses.
     *
     * @param bucket target database and retention policy
     * @param lines  one point per element in line protocol, nanosecond timestamps, no trailing newline (string
     *               fields may contain escaped newlines)
     * @return accepted count and the refused lines; every line not in {@link Result#rejected()} is stored
     * @throws TimeSeriesWriteException (always {@link TimeSeriesWriteException#retriable()}) when the store is
     *                                  unreachable, failing, or refuses the credential or the bucket; some lines may
     *                                  have been stored already (re-writing them is harmless: same series and
     *                                  timestamp overwrite themselves)
     */
    Result write(Bucket bucket, List<String> lines);

    /**
     * Writes points all-or-error: convenience for tools and tests.
     *
     * @throws TimeSeriesWriteException retriable as in {@link #write}; not retriable, naming the first refused
     *                                  line's error, when the store refused any of the points (the others are stored)
     */
    default void writePoints(Bucket bucket, List<Point> points) {
        List<String> lines = new ArrayList<>(points.size());
        points.forEach(p -> lines.add(LineProtocol.toLine(p)));
        Result r = write(bucket, lines);
        if (!r.allAccepted()) {
            throw new TimeSeriesWriteException(r.rejected().size() + " of " + lines.size() + " point(s) refused: "
                    + r.rejected().get(0).error(), false, 400, null);
        }
    }
}
