package io.tenantry.ingest.metering;

import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.pipeline.Envelope;
import io.tenantry.ingest.pipeline.HandOffListener;
import io.tenantry.ingest.spool.SpoolEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Flushes the {@link UsageMeter} to PostgreSQL (issue 10, "Metering"):
 * <ul>
 *   <li>with {@code flushBeforeAck} (default), right after each batch is durable and <i>before</i> its
 *       acknowledgements are sent, best effort (a PostgreSQL failure never holds acknowledgements back);</li>
 *   <li>in any case every {@code flushInterval} (default 5 s) on its own thread, and once more at stop.</li>
 * </ul>
 * <b>Crash bound.</b> With flush-before-ack and PostgreSQL up, a SIGKILL loses no counted message: what was
 * acknowledged was flushed first. What was stored but not yet acknowledged (in flight: at most the broker's
 * Receive Maximum of messages, one batch) is redelivered, stored again and counted again, exactly as InfluxDB
 * then holds it (a point with its own {@code ts} overwrites itself in InfluxDB but counts twice here; one without
 * gets a new receive time and exists twice in both). While PostgreSQL is down, counts since the last successful
 * flush (at most the outage) are lost on a crash. Never double counted by flushing: rows hold absolute values.
 * <p>
 * {@code devices.last_seen_at} is written every {@code lastSeenInterval} (default 10 s) in one statement, each
 * device at most once per interval: a bounded write rate whatever the message rate.
 */
public final class MeteringService implements SmartLifecycle, HandOffListener {
    private static final Logger log = LoggerFactory.getLogger(MeteringService.class);

    private final UsageMeter meter;
    private final UsageStore store;
    private final Duration flushInterval;
    private final Duration lastSeenInterval;
    private final boolean flushBeforeAck;
    private final ReentrantLock flushLock = new ReentrantLock();
    private volatile boolean running;
    private volatile Instant lastFlush;
    private volatile String lastError;
    private Thread thread;

    /**
     * @param meter            the counters
     * @param store            PostgreSQL writer
     * @param flushInterval    periodic flush (≤ 10 s per issue 10)
     * @param lastSeenInterval {@code last_seen_at} write interval
     * @param flushBeforeAck   also flush after every batch, before its acknowledgements
     */
    public MeteringService(UsageMeter meter, UsageStore store, Duration flushInterval, Duration lastSeenInterval,
                           boolean flushBeforeAck) {
        this.meter = meter;
        this.store = store;
        this.flushInterval = flushInterval;
        this.lastSeenInterval = lastSeenInterval;
        this.flushBeforeAck = flushBeforeAck;
    }

    /** The counters. */
    public UsageMeter meter() {
        return meter;
    }

    @Override
    public void handedOff(List<Envelope> batch, Set<SpoolEntry> refused, List<DeadLetter> deadLetters) {
        meter.handedOff(batch, refused, deadLetters);
        if (flushBeforeAck) {
            flush();
        }
    }

    /**
     * Writes the changed rows now.
     *
     * @return true when everything changed is in PostgreSQL
     */
    public boolean flush() {
        flushLock.lock();
        try {
            List<UsageRow> rows = meter.dirtyRows();
            try {
                store.upsert(rows);
                lastFlush = Instant.now();
                lastError = null;
                return true;
            } catch (RuntimeException e) {
                meter.stillDirty(rows);
                if (lastError == null) {
                    log.warn("metering flush of {} row(s) failed ({}); retrying every {}", rows.size(), e.getMessage(),
                            flushInterval);
                }
                lastError = String.valueOf(e.getMessage());
                return false;
            }
        } finally {
            flushLock.unlock();
        }
    }

    /** Writes {@code last_seen_at} of the devices seen since the last call. */
    public void flushLastSeen() {
        Map<UsageMeter.DeviceKey, Instant> seen = meter.takeLastSeen();
        try {
            store.lastSeen(seen);
        } catch (RuntimeException e) {
            meter.returnLastSeen(seen);
            log.warn("last_seen_at update of {} device(s) failed: {}", seen.size(), e.getMessage());
        }
    }

    /** When the last flush succeeded, or null. */
    public Instant lastFlush() {
        return lastFlush;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("ingest-metering").start(this::run);
    }

    private void run() {
        long nextLastSeen = System.nanoTime() + lastSeenInterval.toNanos();
        while (running) {
            try {
                Thread.sleep(flushInterval.toMillis());
            } catch (InterruptedException e) {
                break;
            }
            flush();
            if (System.nanoTime() - nextLastSeen >= 0) {
                flushLastSeen();
                nextLastSeen = System.nanoTime() + lastSeenInterval.toNanos();
            }
        }
    }

    /** Stops the thread and flushes once more (after ingest stopped: phase below ingest's 0). */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        flushLastSeen();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the ingest service (phase 0) has handed off its last batch. */
    @Override
    public int getPhase() {
        return -100;
    }
}
