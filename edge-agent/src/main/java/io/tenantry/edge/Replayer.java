package io.tenantry.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a CSV file as MQTT v5 telemetry through a {@link ReliablePublisher}.
 * <p>
 * Flow: open and check the CSV (header, columns), open the publisher (spool, first connection, retried for
 * {@link BrokerOptions#connectTimeout()}), then read, pace ({@link Pacer}), optionally rebase, batch and publish every
 * row ({@link TelemetryPayloads}: one message per {@link CsvOptions#batchSize()} rows, split to stay within
 * {@link CsvOptions#maxMessageBytes()}); finally wait up to {@link PublishOptions#ackTimeout()} until every message
 * is acknowledged, close the publisher and return a {@link ReplaySummary}. Rows get {@code seq}
 * {@link CsvOptions#seqStart()}, +1, +2... in file order; a message's label is the seq of its first row.
 * <p>
 * Delivery (what is kept, re-sent, retried after PUBACK 0x10, or refused) is the publisher's, and so is its
 * guarantee (docs/telemetry.md, section 8). While the broker is unreachable reading goes on until
 * {@link PublishOptions#bufferSize()} messages wait, then the replay waits too; nothing is dropped. When the broker
 * refuses a message for good the replay stops reading, does not wait for the remaining acknowledgements and returns
 * a summary with {@link ReplaySummary#stopReason()} set.
 * <p>
 * Thread-safety: {@link #run} shares no state between calls, so many replays may run in parallel threads of one JVM
 * (one client id, and one spool directory, each). The calling thread reads the CSV; each replay has one sender
 * thread while it runs. Interrupting the calling thread stops the replay.
 */
public final class Replayer {
    private final ReplayOptions o;
    private final CsvOptions c;
    private final ReplayListener listener;
    private ReliablePublisher publisher;
    private CsvTelemetryReader reader;
    private long rowsPublished;
    private long firstSeq;
    private long lastSeq;
    private long startNanos;

    private Replayer(ReplayOptions options) {
        this.o = options;
        this.c = options.csv();
        this.listener = options.listener();
    }

    /**
     * Runs one replay to the end in the calling thread.
     *
     * @param options what to replay where
     * @return the counts; {@link ReplaySummary#complete()} is true when every published message was acknowledged
     * @throws IllegalArgumentException when the CSV does not fit the options (timestamp column or a field missing
     *                                  from the header, no field left) or the CA file is unusable
     * @throws ReplayException          {@link PublisherException.Kind#CONNECT} when the first connection fails for
     *                                  good, {@link PublisherException.Kind#IO} when the CSV or the spool cannot be
     *                                  read or written, {@link PublisherException.Kind#INTERRUPTED} when the thread
     *                                  is interrupted, {@link PublisherException.Kind#CLIENT} on an unexpected client
     *                                  error; the exception carries the partial summary once publishing had started
     */
    public static ReplaySummary run(ReplayOptions options) {
        return new Replayer(options).execute();
    }

    private ReplaySummary execute() {
        startNanos = System.nanoTime();
        try {
            reader = CsvTelemetryReader.open(c.file(), c.separator(), c.timestampColumn(), c.timestampParser(),
                    c.fields(), c.exclude(), (line, reason, detail) -> safely(() -> listener.onRowSkipped(line, reason, detail)),
                    c.nonNumeric());
        } catch (IOException e) {
            throw new ReplayException(PublisherException.Kind.IO, "cannot read " + c.file() + ": " + e, e, null);
        }
        try {
            publisher = ReliablePublisher.open(o.broker(), o.publish(), listener);
            boolean drained;
            try {
                replay();
                drained = publisher.flush();
                if (rowsPublished > 0 && !o.publish().noticeWait().isZero()) {
                    Thread.sleep(o.publish().noticeWait().toMillis()); // ingest's notices follow the PUBACKs
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplayException(PublisherException.Kind.INTERRUPTED, "replay of " + c.file() + " interrupted", e, summary(false));
            } catch (UncheckedIOException e) {
                boolean done = flushQuietly();
                throw new ReplayException(PublisherException.Kind.IO, "reading " + c.file() + " failed after " + reader.rowsRead()
                        + " rows: " + e.getCause().getMessage(), e.getCause(), summary(!done));
            }
            return summary(!drained);
        } catch (PublisherException e) {
            throw new ReplayException(e.kind(), e.getMessage(), e.getCause(),
                    publisher == null ? null : summary(false));
        } finally {
            if (publisher != null) {
                publisher.close();
            }
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only file
            }
        }
    }

    private boolean flushQuietly() {
        try {
            return publisher.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (PublisherException e) {
            return false;
        }
    }

    private void replay() throws InterruptedException {
        Pacer pacer = new Pacer(c.speed());
        List<TelemetryRow> batch = new ArrayList<>(c.batchSize());
        Duration shift = null;
        long nextSeq = c.seqStart();
        long valid = 0;
        TelemetryRow row;
        while (publisher.refusal() == null && (row = reader.next()) != null) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            pacer.pace(row.timestamp());
            if (c.rebaseToNow()) {
                if (shift == null) {
                    shift = Duration.between(row.timestamp(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
                }
                row = row.withTimestamp(row.timestamp().plus(shift));
            }
            batch.add(row);
            valid++;
            if (batch.size() == c.batchSize()) {
                publish(batch, nextSeq);
                nextSeq += batch.size();
                batch.clear();
            }
            if (c.limit() > 0 && valid >= c.limit()) {
                break;
            }
        }
        if (!batch.isEmpty() && publisher.refusal() == null) {
            publish(batch, nextSeq);
        }
    }

    /** Publishes the rows as one message (or several, when it would exceed maxMessageBytes). */
    private void publish(List<TelemetryRow> rows, long seq) throws InterruptedException {
        for (TelemetryPayloads.Message m : TelemetryPayloads.encodeWithin(rows, seq, c.batchSize() > 1,
                c.timestampOutput(), c.maxMessageBytes())) {
            long count = publisher.publish(m.payload(), m.firstSeq(), m.rows());
            if (count == 0) {
                return; // the broker refused an earlier message: the replay stops
            }
            if (rowsPublished == 0) {
                firstSeq = m.firstSeq();
            }
            lastSeq = m.firstSeq() + m.rows() - 1;
            rowsPublished += m.rows();
            safely(() -> listener.onPublished(m.firstSeq(), m.rows(), count));
        }
    }

    private ReplaySummary summary(boolean ackTimedOut) {
        ReliablePublisher.Stats s = publisher.stats();
        return new ReplaySummary(o.broker().clientId(), o.publish().topic(), reader.rowsRead(), rowsPublished,
                reader.skipped(), s.published(), s.acknowledged(), s.failed(), s.recovered(), firstSeq, lastSeq,
                s.connectionLosses(), Duration.ofNanos(System.nanoTime() - startNanos), ackTimedOut, publisher.refusal(),
                s.notDelivered(), s.resent(), reader.nonNumericCells(), publisher.rejectionNotices());
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a listener's failure must not break the replay
        }
    }
}
