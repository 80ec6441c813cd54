package io.tenantry.ingest.pipeline;

import io.tenantry.core.retry.Backoff;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.deadletter.DeadLetterSink;
import io.tenantry.ingest.deadletter.DeadLetters;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.stats.IngestMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The writer thread: takes batches from the {@link EnvelopeQueue}, hands their points off
 * ({@link PointDelivery}), stores their dead letters ({@link DeadLetterSink}) and only then acknowledges the
 * batch's MQTT messages ({@link Acker}), in arrival order ({@link AckSequencer}; the queue serves tenants
 * round-robin). Points InfluxDB refuses make one dead letter per message ({@link DeadLetters#ofRefusedPoints}). A crash at any point before the acknowledgements
 * leaves the messages unacknowledged in the broker's persistent session, which redelivers them.
 */
public final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final EnvelopeQueue queue;
    private final IngestProperties.Batch config;
    private final PointDelivery delivery;
    private final DeadLetterSink deadLetters;
    private final Acker acker;
    private final IngestMetrics metrics;
    private final BooleanSupplier flushNow;
    private final int deadLetterPayloadCap;
    private final AckSequencer acks = new AckSequencer();
    private volatile boolean running;
    private volatile HandOffListener handOff = HandOffListener.NONE;
    private Thread thread;

    /**
     * @param flushNow             true when no further message can arrive before some are acknowledged (Receive
     *                             Maximum reached), so waiting for a fuller batch is pointless
     * @param deadLetterPayloadCap largest payload of the one dead letter a message's refused points make
     */
    public BatchWriter(EnvelopeQueue queue, IngestProperties.Batch config, PointDelivery delivery,
                       DeadLetterSink deadLetters, Acker acker, IngestMetrics metrics, BooleanSupplier flushNow,
                       int deadLetterPayloadCap) {
        this.deadLetterPayloadCap = deadLetterPayloadCap;
        this.queue = queue;
        this.config = config;
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.acker = acker;
        this.metrics = metrics;
        this.flushNow = flushNow;
    }

    /** Sets who is told about each batch once it is durable, before its acknowledgements (metering, issue 10). */
    public void onHandOff(HandOffListener listener) {
        this.handOff = listener == null ? HandOffListener.NONE : listener;
    }

    /** Starts the writer thread. */
    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("ingest-writer").uncaughtExceptionHandler((t, e) ->
                log.error("the writer thread died: ingest stores nothing more until restarted "
                        + "(status DOWN; unacknowledged messages stay with the broker)", e)).start(this::run);
    }

    /**
     * False once the writer thread has died while ingest should be running (an {@link Error} such as
     * {@link OutOfMemoryError} escaped it): nothing is stored any more, and {@code /admin/ingest} and the health
     * endpoint say DOWN. {@code bin/tenantry} also starts the JVM with {@code -XX:+ExitOnOutOfMemoryError}, so
     * the usual cause ends the process instead (issue 15: a 64 MiB heap ran out under a 1,000-device backlog and
     * the old status still said UP).
     */
    public synchronized boolean alive() {
        return !running || (thread != null && thread.isAlive());
    }

    /**
     * Stops after the queue is empty (everything in it handed off and acknowledged), waiting up to
     * {@code timeoutMillis}; then interrupts.
     */
    public synchronized void stop(long timeoutMillis) {
        running = false;
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeoutMillis);
            if (thread.isAlive()) {
                log.warn("writer did not finish within {} ms; interrupting (unacknowledged messages will be redelivered)",
                        timeoutMillis);
                thread.interrupt();
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long maxDelay = config.maxDelay().toNanos();
        long linger = Math.min(config.linger().toNanos(), maxDelay);
        long idle = TimeUnit.MILLISECONDS.toNanos(200);
        while (running || !queue.isEmpty()) {
            try {
                List<Envelope> batch = queue.takeBatch(config.maxPoints(), maxDelay, linger, idle, flushNow);
                if (!batch.isEmpty()) {
                    handleUntilDone(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Hands the batch off, retrying with back-off after an unexpected failure (a bug, not an InfluxDB outage,
     * which {@link PointDelivery} absorbs): a batch taken from the queue is never forgotten unacknowledged.
     * Re-delivering its points is harmless (same series and timestamps).
     */
    private void handleUntilDone(List<Envelope> batch) throws InterruptedException {
        Backoff backoff = new Backoff(500, 30_000);
        while (true) {
            try {
                handle(batch);
                return;
            } catch (RuntimeException e) {
                log.error("writer failed on a batch of {} message(s); retrying in {} ms", batch.size(), backoff.peek(), e);
                metrics.writeFailed("writer: " + e);
                backoff.pause();
            }
        }
    }

    /**
     * Hands one batch off and acknowledges it. Package-visible for tests.
     *
     * @throws InterruptedException when interrupted before the batch was durable (nothing acknowledged)
     */
    void handle(List<Envelope> batch) throws InterruptedException {
        long t0 = System.nanoTime();
        List<SpoolEntry> entries = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        for (Envelope e : batch) {
            entries.addAll(e.points());
            dead.addAll(e.deadLetters());
        }
        PointDelivery.Outcome outcome = delivery.deliver(entries);
        Set<SpoolEntry> refused = Collections.newSetFromMap(new IdentityHashMap<>());
        if (!outcome.rejected().isEmpty()) {
            Map<SpoolEntry, Integer> owner = new IdentityHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                int idx = i;
                batch.get(i).points().forEach(p -> owner.put(p, idx));
            }
            Map<Integer, List<BucketWrites.Refused>> byMessage = new TreeMap<>();
            for (BucketWrites.Refused r : outcome.rejected()) {
                refused.add(r.entry());
                byMessage.computeIfAbsent(owner.getOrDefault(r.entry(), 0), k -> new ArrayList<>()).add(r);
            }
            byMessage.forEach((idx, rs) -> {
                Envelope e = batch.get(idx);
                dead.add(DeadLetters.ofRefusedPoints(e.receivedAt(), rs.get(0).entry().topic(), rs.get(0).entry().tenantId(),
                        rs.stream().map(r -> r.entry().line()).toList(), rs.stream().map(BucketWrites.Refused::error).toList(),
                        e.points().size(), deadLetterPayloadCap));
            });
        }
        storeDeadLetters(dead);
        try {
            handOff.handedOff(batch, refused, dead);
        } catch (RuntimeException e) {
            log.error("hand-off listener failed on a batch of {} message(s)", batch.size(), e);
        }
        metrics.batch(System.nanoTime() - t0, outcome.spooled());
        Map<String, Long> pointsByTenant = new HashMap<>();
        for (Envelope e : batch) {
            acks.complete(e).forEach(acker::ack);
            long n = refused.isEmpty() ? e.points().size() : e.points().stream().filter(p -> !refused.contains(p)).count();
            pointsByTenant.merge(e.tenantTag(), n, Long::sum);
            metrics.message(e.tenantTag());
            metrics.duplicates(e.tenantTag(), e.duplicates());
        }
        pointsByTenant.forEach(metrics::points);
    }

    private void storeDeadLetters(List<DeadLetter> dead) throws InterruptedException {
        if (dead.isEmpty()) {
            return;
        }
        Backoff backoff = new Backoff(100, 5000);
        while (true) {
            try {
                deadLetters.store(dead);
                dead.forEach(d -> metrics.rejected(d.reason()));
                return;
            } catch (RuntimeException e) {
                log.error("cannot store {} dead letter(s) anywhere ({}); retrying", dead.size(), e.toString());
                backoff.pause();
            }
        }
    }
}
