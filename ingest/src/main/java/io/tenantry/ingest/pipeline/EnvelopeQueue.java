package io.tenantry.ingest.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The bounded queue between the MQTT callback and the writer, sized in points. {@link #put} blocks while the
 * queue is full — the MQTT callback thread stops, Receive Maximum stops the broker, and the broker keeps the
 * rest queued in the persistent session: back-pressure instead of loss. One message larger than the whole
 * capacity is still admitted when the queue is empty.
 * <p>
 * {@link #takeBatch} forms batches: up to {@code maxPoints} points, or whatever has arrived when the oldest
 * message in the batch has waited {@code maxDelay}, or at once when {@code flushNow} says nothing more can
 * arrive (every message the broker may have in flight is already here). Thread-safe.
 */
public final class EnvelopeQueue {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int capacityPoints;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long points;

    /**
     * @param capacityPoints capacity in points (an envelope weighs {@link Envelope#weight()})
     * @param nanoClock      monotonic clock ({@code System::nanoTime})
     */
    public EnvelopeQueue(int capacityPoints, LongSupplier nanoClock) {
        this.capacityPoints = capacityPoints;
        this.nanoClock = nanoClock;
    }

    /**
     * Adds an envelope, waiting while the queue is full; stamps it with the enqueue time.
     *
     * @throws InterruptedException when interrupted while waiting (the envelope was not added)
     */
    public void put(Envelope e) throws InterruptedException {
        int w = e.weight();
        lock.lockInterruptibly();
        try {
            while (!queue.isEmpty() && points + w > capacityPoints) {
                notFull.await();
            }
            queue.addLast(e.enqueuedAt(nanoClock.getAsLong()));
            points += w;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next batch.
     *
     * @param maxPoints  close the batch at this many points (never split a message; a batch exceeds it only when
     *                   a single message does)
     * @param maxDelay   close the batch when its oldest message has been queued this long (ns)
     * @param idleWait   return an empty list when nothing arrives within this long (ns)
     * @param flushNow   checked whenever the queue runs empty: true closes the batch at once
     * @return the batch, oldest first; empty after {@code idleWait} without messages
     * @throws InterruptedException when interrupted while waiting; envelopes already taken are put back in front
     */
    public List<Envelope> takeBatch(int maxPoints, long maxDelay, long idleWait, BooleanSupplier flushNow)
            throws InterruptedException {
        List<Envelope> batch = new ArrayList<>();
        lock.lockInterruptibly();
        try {
            long idleDeadline = nanoClock.getAsLong() + idleWait;
            while (queue.isEmpty()) {
                long left = idleDeadline - nanoClock.getAsLong();
                if (left <= 0) {
                    return batch;
                }
                notEmpty.awaitNanos(left);
            }
            long flushAt = queue.peekFirst().enqueuedNanos() + maxDelay;
            int batchPoints = 0;
            while (true) {
                while (!queue.isEmpty()) {
                    Envelope e = queue.peekFirst();
                    int n = e.points().size();
                    if (!batch.isEmpty() && batchPoints + n > maxPoints) {
                        return batch;
                    }
                    queue.pollFirst();
                    points -= e.weight();
                    notFull.signalAll();
                    batch.add(e);
                    batchPoints += n;
                    if (batchPoints >= maxPoints) {
                        return batch;
                    }
                }
                if (flushNow.getAsBoolean()) {
                    return batch;
                }
                long left = flushAt - nanoClock.getAsLong();
                if (left <= 0) {
                    return batch;
                }
                try {
                    notEmpty.awaitNanos(Math.min(left, SLICE_NANOS));
                } catch (InterruptedException ie) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        queue.addFirst(batch.get(i));
                        points += batch.get(i).weight();
                    }
                    throw ie;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Points waiting. */
    public long depthPoints() {
        lock.lock();
        try {
            long n = 0;
            for (Envelope e : queue) {
                n += e.points().size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Messages waiting. */
    public int depthMessages() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing waits. */
    public boolean isEmpty() {
        return depthMessages() == 0;
    }
}
