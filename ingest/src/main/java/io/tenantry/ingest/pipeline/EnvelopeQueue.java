package io.tenantry.ingest.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <b>Per-tenant fairness</b> (issue 8): messages wait in one FIFO lane per tenant ({@link Envelope#tenantTag()}),
 * and {@link #takeBatch} takes one message from each non-empty lane in turn (round-robin, continuing where the
 * previous batch stopped). A tenant with a backlog of 20,000 queued points therefore delays another tenant's
 * message by at most one batch, instead of by its whole backlog. Within a tenant the order is kept.
 * {@link #put} numbers messages in arrival order ({@link Envelope#order()}), which the writer uses to
 * acknowledge them in that order ({@link AckSequencer}).
 * <p>
 * {@link #takeBatch} forms batches: up to {@code maxPoints} points, or whatever has arrived when the oldest
 * message in the queue has waited {@code maxDelay}, or at once when {@code flushNow} says nothing more can
 * arrive (every message the broker may have in flight is already here), or — issue 15, freshness — when the
 * queue has stayed drained for {@code linger} since it first ran empty: nothing else is coming, so a lone
 * message is not kept waiting for company. Under load the queue does not drain while a batch is being written,
 * so batches still fill up (the next batch is what arrived during the previous write). Thread-safe.
 */
public final class EnvelopeQueue {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int capacityPoints;
    private final LongSupplier nanoClock;
    private final boolean fair;
    /** tenant tag → its waiting messages, oldest first; only non-empty lanes are present. */
    private final Map<String, ArrayDeque<Envelope>> lanes = new HashMap<>();
    /** Tenants with a non-empty lane, in round-robin order: the head is served next. */
    private final ArrayDeque<String> ring = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long points;
    private int messages;
    private long nextOrder;

    /**
     * @param capacityPoints capacity in points (an envelope weighs {@link Envelope#weight()})
     * @param nanoClock      monotonic clock ({@code System::nanoTime})
     */
    public EnvelopeQueue(int capacityPoints, LongSupplier nanoClock) {
        this(capacityPoints, nanoClock, true);
    }

    /**
     * @param capacityPoints capacity in points (an envelope weighs {@link Envelope#weight()})
     * @param nanoClock      monotonic clock ({@code System::nanoTime})
     * @param fair           true: one lane per tenant, served round-robin; false: one FIFO for everyone (the
     *                       behaviour before issue 8, kept only to measure the difference with
     *                       {@code bin/tenantry bench --fairness})
     */
    public EnvelopeQueue(int capacityPoints, LongSupplier nanoClock, boolean fair) {
        this.capacityPoints = capacityPoints;
        this.nanoClock = nanoClock;
        this.fair = fair;
    }

    private String lane(Envelope e) {
        return fair ? e.tenantTag() : "";
    }

    /**
     * Adds an envelope to its tenant's lane, waiting while the queue is full; stamps it with the enqueue time and
     * its arrival order.
     *
     * @throws InterruptedException when interrupted while waiting (the envelope was not added)
     */
    public void put(Envelope e) throws InterruptedException {
        int w = e.weight();
        lock.lockInterruptibly();
        try {
            while (messages > 0 && points + w > capacityPoints) {
                notFull.await();
            }
            ArrayDeque<Envelope> lane = lanes.computeIfAbsent(lane(e), k -> new ArrayDeque<>());
            if (lane.isEmpty()) {
                ring.addLast(lane(e));
            }
            lane.addLast(e.enqueued(nanoClock.getAsLong(), nextOrder++));
            points += w;
            messages++;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next batch, round-robin across tenants.
     *
     * @param maxPoints  close the batch at this many points (never split a message; a batch exceeds it only when
     *                   a single message does)
     * @param maxDelay   close the batch when the oldest queued message has waited this long (ns)
     * @param idleWait   return an empty list when nothing arrives within this long (ns)
     * @param flushNow   checked whenever the queue runs empty: true closes the batch at once
     * @return the batch (each tenant's messages in their order); empty after {@code idleWait} without messages
     * @throws InterruptedException when interrupted while waiting; envelopes already taken are put back in front
     */
    public List<Envelope> takeBatch(int maxPoints, long maxDelay, long idleWait, BooleanSupplier flushNow)
            throws InterruptedException {
        return takeBatch(maxPoints, maxDelay, maxDelay, idleWait, flushNow);
    }

    /**
     * Takes the next batch, round-robin across tenants, closing it early when the queue stays drained.
     *
     * @param maxPoints  close the batch at this many points (never split a message; a batch exceeds it only when
     *                   a single message does)
     * @param maxDelay   close the batch when the oldest queued message has waited this long (ns)
     * @param linger     close the batch when the queue has been empty for this long since it first ran empty
     *                   while forming this batch (ns); {@code maxDelay} or more keeps the old behaviour
     * @param idleWait   return an empty list when nothing arrives within this long (ns)
     * @param flushNow   checked whenever the queue runs empty: true closes the batch at once
     * @return the batch (each tenant's messages in their order); empty after {@code idleWait} without messages
     * @throws InterruptedException when interrupted while waiting; envelopes already taken are put back in front
     */
    public List<Envelope> takeBatch(int maxPoints, long maxDelay, long linger, long idleWait, BooleanSupplier flushNow)
            throws InterruptedException {
        List<Envelope> batch = new ArrayList<>();
        lock.lockInterruptibly();
        try {
            long idleDeadline = nanoClock.getAsLong() + idleWait;
            while (messages == 0) {
                long left = idleDeadline - nanoClock.getAsLong();
                if (left <= 0) {
                    return batch;
                }
                notEmpty.awaitNanos(left);
            }
            long flushAt = oldestEnqueued() + maxDelay;
            long lingerUntil = 0;
            boolean drained = false;
            int batchPoints = 0;
            while (true) {
                while (messages > 0) {
                    String tenant = ring.peekFirst();
                    ArrayDeque<Envelope> lane = lanes.get(tenant);
                    Envelope e = lane.peekFirst();
                    int n = e.points().size();
                    if (!batch.isEmpty() && batchPoints + n > maxPoints) {
                        return batch;
                    }
                    lane.pollFirst();
                    ring.pollFirst();
                    if (lane.isEmpty()) {
                        lanes.remove(tenant);
                    } else {
                        ring.addLast(tenant);
                    }
                    points -= e.weight();
                    messages--;
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
                long now = nanoClock.getAsLong();
                if (!drained) {
                    drained = true;
                    lingerUntil = now + linger;
                }
                long left = Math.min(flushAt, lingerUntil) - now;
                if (left <= 0) {
                    return batch;
                }
                try {
                    notEmpty.awaitNanos(Math.min(left, SLICE_NANOS));
                } catch (InterruptedException ie) {
                    putBack(batch);
                    throw ie;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns taken envelopes to the front of their lanes, keeping each lane's order. */
    private void putBack(List<Envelope> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            Envelope e = batch.get(i);
            ArrayDeque<Envelope> lane = lanes.computeIfAbsent(lane(e), k -> new ArrayDeque<>());
            if (lane.isEmpty()) {
                ring.addFirst(lane(e));
            }
            lane.addFirst(e);
            points += e.weight();
            messages++;
        }
    }

    private long oldestEnqueued() {
        long oldest = Long.MAX_VALUE;
        boolean first = true;
        for (String t : ring) {
            long at = lanes.get(t).peekFirst().enqueuedNanos();
            if (first || at - oldest < 0) {
                oldest = at;
                first = false;
            }
        }
        return oldest;
    }

    /** Points waiting. */
    public long depthPoints() {
        lock.lock();
        try {
            long n = 0;
            for (ArrayDeque<Envelope> lane : lanes.values()) {
                for (Envelope e : lane) {
                    n += e.points().size();
                }
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
            return messages;
        } finally {
            lock.unlock();
        }
    }

    /** Tenants with messages waiting. */
    public int depthTenants() {
        lock.lock();
        try {
            return ring.size();
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing waits. */
    public boolean isEmpty() {
        return depthMessages() == 0;
    }
}
