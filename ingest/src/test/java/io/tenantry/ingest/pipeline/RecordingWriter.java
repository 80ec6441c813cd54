package io.tenantry.ingest.pipeline;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link TimeSeriesWriter} for unit tests of ingest's pipeline: keeps every call, refuses lines that
 * contain {@code BAD} (as the real adapter reports a refused line after bisection), and fails the next
 * {@link #failNext} calls with a retriable error (InfluxDB down). The real adapter's behaviour is proven by the
 * contract test against InfluxDB (adapters' {@code InfluxV1TimeSeriesPortsIT}).
 */
final class RecordingWriter implements TimeSeriesWriter {
    record Call(Bucket bucket, List<String> lines) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger failNext = new AtomicInteger();

    @Override
    public Result write(Bucket bucket, List<String> lines) {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new TimeSeriesWriteException("influx down", true, 503, null);
        }
        calls.add(new Call(bucket, List.copyOf(lines)));
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("BAD")) {
                rejected.add(new Rejected(i, lines.get(i), "partial write: field type conflict"));
            }
        }
        return new Result(lines.size() - rejected.size(), rejected);
    }

    /** Every line stored, per call, without the refused ones. */
    List<String> storedLines(Bucket bucket) {
        List<String> out = new ArrayList<>();
        calls.stream().filter(c -> c.bucket().equals(bucket))
                .forEach(c -> c.lines().stream().filter(l -> !l.contains("BAD")).forEach(out::add));
        return out;
    }
}
