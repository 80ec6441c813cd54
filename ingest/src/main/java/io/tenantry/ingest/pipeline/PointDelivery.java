package io.tenantry.ingest.pipeline;

import io.tenantry.core.retry.Backoff;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.spool.DiskSpool;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.spool.SpoolFullException;
import io.tenantry.ingest.stats.IngestMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Hands a batch of points off durably: to InfluxDB through the {@link TimeSeriesWriter} port, grouped by target
 * bucket ({@link BucketWrites}), with retries (resilience4j {@link Retry}, exponential back-off, only for
 * retriable failures: the one rule in {@link TimeSeriesWriter}), and when that fails — or while older points still wait in the spool,
 * to keep the order — to the {@link DiskSpool}. Returns only once the points are in InfluxDB or fsynced to disk;
 * if even the spool cannot take them (full, disk error) it keeps trying, so the caller never acknowledges
 * messages whose points are not safe.
 */
public final class PointDelivery {
    private static final Logger log = LoggerFactory.getLogger(PointDelivery.class);

    /**
     * What happened to a batch.
     *
     * @param spooled  true when the points went to the disk spool
     * @param rejected points InfluxDB refused (to be dead-lettered); always empty when spooled
     */
    public record Outcome(boolean spooled, List<BucketWrites.Refused> rejected) {
    }

    private final TimeSeriesWriter influx;
    private final Retry retry;
    private final DiskSpool spool;
    private final Runnable wakeDrainer;
    private final IngestMetrics metrics;

    /**
     * @param influx      the write port (isolates refused points itself)
     * @param config      retry settings
     * @param spool       the disk spool
     * @param wakeDrainer called after points were spooled
     * @param metrics     for last success / last error
     */
    public PointDelivery(TimeSeriesWriter influx, IngestProperties.Retry config, DiskSpool spool, Runnable wakeDrainer,
                         IngestMetrics metrics) {
        this.influx = influx;
        this.spool = spool;
        this.wakeDrainer = wakeDrainer;
        this.metrics = metrics;
        this.retry = Retry.of("influx-write", RetryConfig.<List<BucketWrites.Refused>>custom()
                .maxAttempts(config.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(config.initialBackoff(), config.multiplier(),
                        config.maxBackoff()))
                .retryOnException(e -> e instanceof TimeSeriesWriteException t && t.retriable())
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * Delivers the points; blocks until they are durable.
     *
     * @throws InterruptedException when interrupted while waiting for spool space (nothing was stored then)
     */
    public Outcome deliver(List<SpoolEntry> entries) throws InterruptedException {
        if (entries.isEmpty()) {
            return new Outcome(false, List.of());
        }
        if (spool.isEmpty()) {
            try {
                List<BucketWrites.Refused> rejected = retry.executeSupplier(() -> BucketWrites.write(influx, entries));
                metrics.writeSucceeded();
                return new Outcome(false, rejected);
            } catch (TimeSeriesWriteException e) {
                metrics.writeFailed(e.getMessage());
                log.warn("InfluxDB write of {} point(s) failed after {} attempt(s) ({}); spooling to disk",
                        entries.size(), retry.getRetryConfig().getMaxAttempts(), e.getMessage());
            }
        }
        spoolBlocking(entries);
        wakeDrainer.run();
        return new Outcome(true, List.of());
    }

    private void spoolBlocking(List<SpoolEntry> entries) throws InterruptedException {
        Backoff backoff = new Backoff(100, 5000);
        while (true) {
            try {
                spool.append(entries);
                return;
            } catch (SpoolFullException e) {
                log.warn("{}; holding back acknowledgements until the spool drains", e.getMessage());
            } catch (IOException e) {
                log.error("cannot append to the spool {}: {}; retrying", spool.dir(), e.toString());
            }
            backoff.pause();
        }
    }
}
