package io.tenantry.edge;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Paces rows on the wall clock according to a {@link Speed}: row {@code i} is released at
 * {@code start + (ts_i - ts_0) / factor}, where {@code start} is when the first row was released. Rows whose
 * timestamp goes backwards (out of order or repeated) are released right away, never before an earlier row, so
 * the schedule never runs backwards. When the sender falls behind (e.g. while the broker was unreachable) late
 * rows are released at once until the schedule is caught up.
 * <p>
 * Not thread-safe: one pacer per replay.
 */
public final class Pacer {
    /** Sleeps for the given number of nanoseconds (the production sleeper is {@link Thread#sleep}). */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final Speed speed;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private Instant first;
    private long startNanos;
    private long lastTargetNanos;

    /** A pacer on the real monotonic clock ({@link System#nanoTime()}) that sleeps with {@link Thread#sleep}. */
    public Pacer(Speed speed) {
        this(speed, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
    }

    /**
     * @param speed     the pacing
     * @param nanoClock monotonic clock in nanoseconds (e.g. {@code System::nanoTime})
     * @param sleeper   how to wait
     */
    public Pacer(Speed speed, LongSupplier nanoClock, Sleeper sleeper) {
        this.speed = speed;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /**
     * Waits until the row with timestamp {@code ts} is due, and returns how long it waited.
     *
     * @return nanoseconds slept (0 when the row was already due, for the first row and for {@link Speed#MAX})
     * @throws InterruptedException when interrupted while waiting
     */
    public long pace(Instant ts) throws InterruptedException {
        if (speed.isMax()) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        if (first == null) {
            first = ts;
            startNanos = now;
            lastTargetNanos = 0;
            return 0;
        }
        long target = Math.max(lastTargetNanos, offsetNanos(ts));
        lastTargetNanos = target;
        long wait = startNanos + target - now;
        if (wait <= 0) {
            return 0;
        }
        sleeper.sleepNanos(wait);
        return wait;
    }

    /**
     * The wall-clock offset (ns after the first row) at which a row with timestamp {@code ts} is due, ignoring
     * the never-backwards rule; {@code 0} before the first row and for {@link Speed#MAX}. May be negative.
     */
    public long offsetNanos(Instant ts) {
        if (speed.isMax() || first == null) {
            return 0;
        }
        double ms = (ts.toEpochMilli() - first.toEpochMilli()) + (ts.getNano() % 1_000_000 - first.getNano() % 1_000_000) / 1e6;
        return (long) (ms * 1_000_000.0 / speed.factor());
    }
}
