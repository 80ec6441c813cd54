package io.tenantry.ingest.pipeline;

import io.tenantry.core.retry.Backoff;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.deadletter.DeadLetterSink;
import io.tenantry.ingest.deadletter.DeadLetterStore;
import io.tenantry.ingest.deadletter.DeadLetters;
import io.tenantry.ingest.spool.DiskSpool;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.stats.IngestMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Drains the {@link DiskSpool} into InfluxDB through the {@link TimeSeriesWriter} port (grouped by each point's
 * bucket, {@link BucketWrites}), oldest segment first, in chunks of
 * {@code tenantry.ingest.spool.drain-chunk-points}; a segment is deleted only after all its points were
 * written (or refused by InfluxDB and dead-lettered). While InfluxDB stays unavailable it backs off
 * exponentially up to {@code max-drain-backoff}. Also moves dead letters from their local fallback file into
 * PostgreSQL. A crash mid-segment re-writes that segment's first chunks after restart: harmless, same series and
 * timestamps overwrite themselves.
 */
public final class SpoolDrainer {
    private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);

    private final DiskSpool spool;
    private final TimeSeriesWriter influx;
    private final DeadLetterStore deadLetters;
    private final DeadLetterSink refusedSink;
    private final IngestMetrics metrics;
    private final IngestProperties.Spool config;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile Instant lastDrained;
    private Thread thread;
    private long segmentInProgress = -1;
    private int segmentOffset;

    /**
     * @param spool       the spool to drain
     * @param influx      the write port (refused points come back for dead-lettering)
     * @param deadLetters the store whose local fallback file this thread retries
     * @param refusedSink where refused points go (one letter per topic and chunk; e.g. through the dead-letter limits)
     * @param metrics     last success / error
     * @param config      drain interval, chunk size, back-off
     */
    public SpoolDrainer(DiskSpool spool, TimeSeriesWriter influx, DeadLetterStore deadLetters, DeadLetterSink refusedSink,
                        IngestMetrics metrics, IngestProperties.Spool config) {
        this.spool = spool;
        this.influx = influx;
        this.deadLetters = deadLetters;
        this.refusedSink = refusedSink;
        this.metrics = metrics;
        this.config = config;
    }

    /** Starts the drainer thread. */
    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("ingest-spool-drainer").daemon(true).start(this::run);
    }

    /** Stops the thread (the spool keeps what is left). */
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Asks for a drain attempt now. */
    public void wake() {
        wake.release();
    }

    /** When the spool last became empty after holding points, or null. */
    public Instant lastDrained() {
        return lastDrained;
    }

    private void run() {
        long interval = config.drainInterval().toMillis();
        // while InfluxDB keeps failing the drainer pauses (wake() does not shorten it), doubling from the drain
        // interval up to max-drain-backoff
        Backoff backoff = new Backoff(Math.max(1, interval), Math.max(Math.max(1, interval), config.maxDrainBackoff().toMillis()));
        boolean failing = false;
        while (running) {
            try {
                if (failing) {
                    backoff.pause();
                } else {
                    wake.tryAcquire(interval, TimeUnit.MILLISECONDS);
                }
                wake.drainPermits();
                if (deadLetters.pending() > 0) {
                    deadLetters.retryPending();
                }
                if (spool.isEmpty()) {
                    failing = false;
                    backoff.reset();
                    continue;
                }
                failing = !drainAll();
                if (!failing) {
                    backoff.reset();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.error("spool drain failed", e);
                failing = true;
            }
        }
    }

    /** @return true when the spool was emptied, false when InfluxDB failed */
    private boolean drainAll() throws Exception {
        long drained = 0;
        while (running) {
            var seg = spool.oldest();
            if (seg.isEmpty()) {
                break;
            }
            DiskSpool.Segment s = seg.get();
            if (s.id() != segmentInProgress) {
                segmentInProgress = s.id();
                segmentOffset = 0;
            }
            List<SpoolEntry> entries = s.entries();
            while (segmentOffset < entries.size()) {
                List<SpoolEntry> chunk = entries.subList(segmentOffset, Math.min(entries.size(), segmentOffset + config.drainChunkPoints()));
                List<BucketWrites.Refused> rejected;
                try {
                    rejected = BucketWrites.write(influx, chunk);
                } catch (TimeSeriesWriteException e) {
                    metrics.writeFailed(e.getMessage());
                    log.info("spool drain paused: InfluxDB still unavailable ({}); {} point(s) waiting",
                            e.getMessage(), spool.points());
                    return false;
                }
                metrics.writeSucceeded();
                if (!rejected.isEmpty()) {
                    // one letter per topic (device) of this chunk: the spool no longer knows message boundaries
                    Map<String, List<BucketWrites.Refused>> byTopic = new LinkedHashMap<>();
                    for (BucketWrites.Refused r : rejected) {
                        byTopic.computeIfAbsent(r.entry().topic(), k -> new ArrayList<>()).add(r);
                    }
                    List<DeadLetter> dead = new ArrayList<>();
                    for (List<BucketWrites.Refused> rs : byTopic.values()) {
                        dead.add(DeadLetters.ofRefusedPoints(Instant.now(), rs.get(0).entry().topic(), rs.get(0).entry().tenantId(),
                                rs.stream().map(r -> r.entry().line()).toList(),
                                rs.stream().map(r -> r.error() + " (while draining the spool)").toList(), rs.size(), 256 * 1024));
                    }
                    refusedSink.store(dead);
                    dead.forEach(d -> metrics.rejected(d.reason()));
                }
                segmentOffset += chunk.size();
                drained += chunk.size();
            }
            spool.remove(s);
            segmentInProgress = -1;
            segmentOffset = 0;
        }
        if (drained > 0 && spool.isEmpty()) {
            lastDrained = Instant.now();
            log.info("spool drained: {} point(s) written to InfluxDB", drained);
        }
        return true;
    }
}
