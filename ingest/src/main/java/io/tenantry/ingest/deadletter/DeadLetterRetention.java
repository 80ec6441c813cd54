package io.tenantry.ingest.deadletter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retention of {@code dead_letters} (issue 8): every {@code interval}, starting at {@link #start()}, deletes rows
 * older than {@code retention} ({@link DeadLetterStore#purgeOlderThan}). Several ingest instances may run it at
 * once; the deletes do not conflict beyond row locks. A failure (PostgreSQL down) is logged and retried at the
 * next interval.
 */
public final class DeadLetterRetention {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterRetention.class);
    private static final int BATCH = 5_000;

    private final DeadLetterStore store;
    private final Duration retention;
    private final Duration interval;
    private final Clock clock;
    private final AtomicLong purged = new AtomicLong();
    private ScheduledExecutorService executor;

    /**
     * @param store     the table's store
     * @param retention rows older than this are deleted
     * @param interval  time between runs
     * @param clock     wall clock
     */
    public DeadLetterRetention(DeadLetterStore store, Duration retention, Duration interval, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.interval = interval;
        this.clock = clock;
    }

    /** Starts the periodic purge (first run now). */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("dead-letter-retention").unstarted(r));
        executor.scheduleWithFixedDelay(this::purgeNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops it. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    /**
     * One run.
     *
     * @return rows deleted (0 when PostgreSQL failed)
     */
    public long purgeNow() {
        try {
            long n = store.purgeOlderThan(clock.instant().minus(retention), BATCH);
            if (n > 0) {
                purged.addAndGet(n);
                log.info("dead-letter retention: deleted {} row(s) older than {}", n, retention);
            }
            return n;
        } catch (RuntimeException e) {
            log.warn("dead-letter retention failed ({}); retrying in {}", e.getMessage(), interval);
            return 0;
        }
    }

    /** Rows deleted since start. */
    public long purged() {
        return purged.get();
    }
}
