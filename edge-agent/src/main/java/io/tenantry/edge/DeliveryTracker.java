package io.tenantry.edge;

import io.tenantry.core.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The bookkeeping of a {@link ReliablePublisher}, without MQTT: the {@link Spool}, what is in flight, the connection
 * generation, the pause after a PUBACK asking for a retry, the refusal that stops sending, and the counts. The
 * publisher's sender thread takes messages with {@link #take()}, and the client's callbacks report the broker's
 * answers ({@link #delivered}, {@link #notDelivered}, {@link #refused}) and connection events
 * ({@link #connectionLost()}, {@link #connected()}). The rules are those of docs/telemetry.md, section 8.1.
 * <p>
 * Generations: every connection loss and every retry-asking PUBACK starts a new generation in which every
 * unacknowledged message is sent again, oldest first; an answer for a message sent in an earlier generation still
 * counts (a late 0x00 is a delivery) but no longer frees an in-flight slot.
 * <p>
 * Thread-safe: every method synchronizes on this object, which is also the monitor the waiting methods wait on.
 */
final class DeliveryTracker {
    /**
     * PUBACK reason codes after which the same message is sent again, after a pause (docs/telemetry.md, section 8.1):
     * 0x10 No matching subscribers (ingest is not subscribed, e.g. right after a broker restart: the broker dropped
     * the message), 0x80 Unspecified error, 0x83 Implementation specific error, 0x97 Quota exceeded. Any other code
     * &gt;= 0x80 (0x87 Not authorized, 0x90 Topic Name invalid, 0x99 Payload format invalid, ...) cannot be fixed by
     * retrying: the message is kept, and sending stops.
     */
    static final Set<Integer> PUBACK_RETRY = Set.of(0x10, 0x80, 0x83, 0x97);
    /** First pause after a PUBACK that asks for a retry; doubles up to {@link #RETRY_PAUSE_MAX_MS}, reset by 0x00. */
    static final long RETRY_PAUSE_MIN_MS = 250;
    static final long RETRY_PAUSE_MAX_MS = 4000;

    private final Spool spool;
    private final int maxInflight;
    private final int bufferSize;
    private final long resendWindowNanos;
    private final LongSupplier nanoClock;
    private final Backoff retryPause = new Backoff(RETRY_PAUSE_MIN_MS, RETRY_PAUSE_MAX_MS);
    private final long recovered;

    private boolean connected;
    private long generation;
    private int inflight;
    private boolean holding;
    private long holdUntilNanos;
    private long published;
    private long acknowledged;
    private long failed;
    private long connectionLosses;
    private long notDeliveredCount;
    private long resent;
    private String refusal;
    private Throwable failure;
    private boolean stopping;

    /**
     * @param spool        the queue (its recovered messages count as published)
     * @param maxInflight  most messages handed out by {@link #take()} and not yet answered in this generation
     * @param bufferSize   most messages pending; {@link #append} waits when reached
     * @param resendWindow after a connection loss, messages acknowledged within this time are sent again
     * @param nanoClock    {@link System#nanoTime()} or a test clock (the retry pause only)
     */
    DeliveryTracker(Spool spool, int maxInflight, int bufferSize, Duration resendWindow, LongSupplier nanoClock) {
        this.spool = spool;
        this.maxInflight = maxInflight;
        this.bufferSize = bufferSize;
        this.resendWindowNanos = resendWindow.toNanos();
        this.nanoClock = nanoClock;
        this.recovered = spool.recovered().size();
        this.published = recovered;
    }

    /**
     * Queues a message (written to the spool directory first, if any); waits while {@code bufferSize} messages are
     * pending.
     *
     * @return messages published so far, this one included; 0 when it was not queued because sending stopped (a
     *         refusal, a failure or {@link #stop()})
     * @throws IOException when the spool cannot be written; the message is then not queued
     */
    synchronized long append(long seq, int rows, byte[] payload) throws IOException, InterruptedException {
        while (spool.pending() >= bufferSize && !halted()) {
            wait(100);
        }
        if (halted()) {
            return 0;
        }
        spool.append(seq, rows, payload);
        notifyAll();
        return ++published;
    }

    private boolean halted() {
        return refusal != null || failure != null || stopping;
    }

    /**
     * The next message to send, marked as in flight in the current generation, or {@code null} when nothing may be
     * sent now (not connected, {@code maxInflight} reached, pausing after a retry-asking PUBACK, queue empty,
     * stopped). Does not wait.
     */
    synchronized Spool.Entry poll() {
        if (stopping || refusal != null || !connected || inflight >= maxInflight || holdRemainingNanos() > 0) {
            return null;
        }
        Spool.Entry e = spool.nextToSend();
        if (e != null) {
            spool.markSent(e, generation);
            inflight++;
        }
        return e;
    }

    /** Like {@link #poll()}, but waits for a message; {@code null} once sending stopped (refusal or {@link #stop()}). */
    synchronized Spool.Entry take() throws InterruptedException {
        while (true) {
            if (stopping || refusal != null) {
                return null;
            }
            Spool.Entry e = poll();
            if (e != null) {
                return e;
            }
            long holdMs = holdRemainingNanos() / 1_000_000;
            wait(Math.max(1, Math.min(100, holdMs > 0 ? holdMs : 100)));
        }
    }

    private long holdRemainingNanos() {
        if (!holding) {
            return 0;
        }
        long left = holdUntilNanos - nanoClock.getAsLong();
        if (left <= 0) {
            holding = false;
            return 0;
        }
        return left;
    }

    /** The client did not take {@code e} (busy, not connected): it goes back to the front of the queue. */
    synchronized void unsend(Spool.Entry e) {
        if (e.sent && e.generation == generation && !e.done) {
            spool.unsend(e);
            inflight--;
            notifyAll();
        }
    }

    /**
     * PUBACK 0x00 for {@code e}: it leaves the queue (and its segment file), and is kept for the resend window.
     *
     * @return messages acknowledged so far, this one included; 0 when there is nothing to report (already done, or a
     *         copy re-sent within the resend window: counted in {@code resent})
     */
    synchronized long delivered(Spool.Entry e) {
        boolean countedInflight = e.sent && e.generation == generation;
        try {
            if (!spool.done(e)) {
                return 0;
            }
        } catch (IOException io) {
            failure = failure == null ? io : failure;
        }
        retryPause.reset();
        if (countedInflight) {
            inflight--;
        }
        notifyAll();
        return e.resend ? 0 : ++acknowledged;
    }

    /**
     * A PUBACK asking for a retry ({@link #PUBACK_RETRY}, or any code below 0x80 but 0x00) for {@code e}: it is
     * kept, and it and every later unacknowledged message are sent again, in order, after a pause.
     *
     * @return the pause (ms), or -1 when the answer came for a message already queued again (an earlier retry or a
     *         connection loss) and changes nothing
     */
    synchronized long notDelivered(Spool.Entry e) {
        if (e.done || e.refused || !(e.sent && e.generation == generation)) {
            return -1;
        }
        notDeliveredCount++;
        generation++;
        inflight = 0;
        spool.requeueAll();
        long pause = retryPause.next();
        holding = true;
        holdUntilNanos = nanoClock.getAsLong() + pause * 1_000_000;
        notifyAll();
        return pause;
    }

    /**
     * A PUBACK refusing {@code e} for good (any other code &gt;= 0x80): it stays pending (and in the spool
     * directory, for the next run) and nothing more is sent.
     *
     * @param why the broker's answer, for {@link #refusal()}
     * @return messages refused so far, this one included; 0 when it was already done or refused
     */
    synchronized long refused(Spool.Entry e, String why) {
        boolean countedInflight = e.sent && e.generation == generation;
        if (!spool.refuse(e)) {
            return 0;
        }
        if (countedInflight) {
            inflight--;
        }
        if (refusal == null) {
            refusal = "broker refused the message with seq " + e.firstSeq + " (" + why + "); it is kept"
                    + (spool.dir() != null ? " in the spool directory for the next run" : "");
        }
        notifyAll();
        return ++failed;
    }

    /** A PUBACK reason code's verdict: 0x00 delivered, {@link #PUBACK_RETRY} or below 0x80 retry, else refused. */
    static Verdict verdict(int reasonCode) {
        if (reasonCode == 0) {
            return Verdict.DELIVERED;
        }
        return PUBACK_RETRY.contains(reasonCode) || reasonCode < 0x80 ? Verdict.RETRY : Verdict.REFUSED;
    }

    /** What a PUBACK reason code means for the message (docs/telemetry.md, section 8.1). */
    enum Verdict { DELIVERED, RETRY, REFUSED }

    /**
     * The connection is lost: nothing is sent until {@link #connected()}; then every unacknowledged message goes
     * again, oldest first, preceded by copies of those acknowledged within the resend window.
     */
    synchronized void connectionLost() {
        connected = false;
        generation++;
        inflight = 0;
        resent += spool.requeueAll(System.nanoTime() - resendWindowNanos);
        connectionLosses++;
        notifyAll();
    }

    /** The client is connected (first connection or automatic reconnect). */
    synchronized void connected() {
        connected = true;
        notifyAll();
    }

    /**
     * Waits until nothing is pending, sending stopped (refusal, failure) or {@code timeoutNanos} passed.
     *
     * @return false when the timeout passed first
     */
    synchronized boolean awaitEmpty(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (spool.pending() > 0 && refusal == null && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(100, left / 1_000_000)));
        }
        return true;
    }

    /** Records the first failure of the sender (e.g. an unexpected client error); sending stops. */
    synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        notifyAll();
    }

    /** Stops {@link #take()} and {@link #append}. */
    synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /** Why sending stopped because the broker refused a message, or {@code null}. */
    synchronized String refusal() {
        return refusal;
    }

    /** The first sender failure, or {@code null}. */
    synchronized Throwable failure() {
        return failure;
    }

    /** Messages currently handed out and not answered in this generation. */
    synchronized int inflight() {
        return inflight;
    }

    /** Closes the spool (its files stay when messages are pending). */
    synchronized void closeSpool() throws IOException {
        spool.close();
    }

    /** The spool directory, or {@code null} in memory. */
    java.nio.file.Path spoolDir() {
        return spool.dir();
    }

    /** The counts so far. */
    synchronized ReliablePublisher.Stats stats() {
        return new ReliablePublisher.Stats(published, acknowledged, failed, recovered, connectionLosses,
                notDeliveredCount, resent, spool.pending());
    }
}
