package io.tenantry.edge;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Timer;

/**
 * Replays a CSV file as MQTT v5 telemetry (QoS 1) with store-and-forward.
 * <p>
 * Flow: open and check the CSV (header, columns), open the spool, connect (retrying for
 * {@link ReplayOptions#connectTimeout()}), then read, pace ({@link Pacer}), optionally rebase, batch and queue every
 * row; a sender thread publishes the queue in order; finally wait up to {@link ReplayOptions#ackTimeout()} until
 * every message is acknowledged, disconnect and return a {@link ReplaySummary}. Rows get {@code seq} 1, 2, 3... in
 * file order.
 * <p>
 * Store-and-forward is the agent's own ({@link Spool}), not Paho's: every message is queued (and, with
 * {@link ReplayOptions#spoolDir()}, written to disk) before it is sent, and leaves the queue only when its PUBACK
 * arrives. The sender keeps at most {@link ReplayOptions#maxInflight()} messages unacknowledged. When the connection
 * is lost, Paho reconnects automatically and the sender starts again from the oldest unacknowledged message, so
 * messages arrive in order and none is lost; a message whose PUBACK was lost is sent twice (QoS 1). While the broker
 * is unreachable reading goes on until {@link ReplayOptions#bufferSize()} messages wait, then the replay waits
 * too; nothing is dropped. The connection uses a clean start: Paho itself never re-sends (Paho 1.2.5 re-sends
 * in-flight messages with a topic alias of the lost connection, which Mosquitto rejects as a protocol error).
 * <p>
 * Only PUBACK reason code 0x00 means delivered (docs/telemetry.md, section 8). A code in {@link #PUBACK_RETRY}
 * (0x10 No matching subscribers: no ingest subscribed, so the broker dropped the message; 0x80, 0x83, 0x97) keeps the
 * message: it and every later unacknowledged message are sent again, in order, after a pause
 * ({@value #RETRY_PAUSE_MIN_MS} ms doubling up to {@value #RETRY_PAUSE_MAX_MS} ms). Any other code &gt;= 0x80 (e.g.
 * 0x87 for a topic outside the device's ACL; Mosquitto 2.0 then also closes the connection) is a refusal: the
 * message stays in the spool (and its directory, for the next run), the replay stops reading, does not wait for the
 * remaining acknowledgements, and returns a summary with {@link ReplaySummary#stopReason()} set.
 * <p>
 * After a connection loss the messages acknowledged within {@link ReplayOptions#resendWindow()} are sent again too:
 * a broker killed before its next autosave has lost what it acknowledged since the last one.
 * <p>
 * Thread-safety: {@link #run} shares no state between calls, so many replays may run in parallel threads of one
 * JVM (one client id, and one spool directory, each). The calling thread reads the CSV; each replay has one
 * sender thread while it runs. Interrupting the calling thread stops the replay.
 */
public final class Replayer {
    /** Publish failures that go away by themselves: retried after a short pause. */
    private static final Set<Integer> RETRYABLE = Set.of(
            (int) MqttClientException.REASON_CODE_MAX_INFLIGHT,
            (int) MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED,
            (int) MqttClientException.REASON_CODE_CLIENT_DISCONNECTING,
            (int) MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS,
            (int) MqttClientException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE,
            (int) MqttClientException.REASON_CODE_CONNECTION_LOST,
            (int) MqttClientException.REASON_CODE_CLIENT_TIMEOUT,
            (int) MqttClientException.REASON_CODE_WRITE_TIMEOUT);
    /**
     * PUBACK reason codes after which the same message is sent again, after a pause (docs/telemetry.md, section 8):
     * 0x10 No matching subscribers (ingest is not subscribed yet, e.g. right after a broker restart: the broker
     * dropped the message), 0x80 Unspecified error, 0x83 Implementation specific error, 0x97 Quota exceeded.
     * Any other code &gt;= 0x80 (0x87 Not authorized, 0x90 Topic Name invalid, 0x99 Payload format invalid, ...)
     * cannot be fixed by retrying: the message is kept, and the replay stops.
     */
    static final Set<Integer> PUBACK_RETRY = Set.of(0x10, 0x80, 0x83, 0x97);
    /** First pause after a PUBACK that asks for a retry; doubles up to {@link #RETRY_PAUSE_MAX_MS}. */
    static final long RETRY_PAUSE_MIN_MS = 250;
    static final long RETRY_PAUSE_MAX_MS = 4000;
    /** CONNACK reason codes that retrying cannot fix. */
    private static final Set<Integer> CONNECT_FATAL = Set.of(0x84, 0x85, 0x86, 0x87, 0x8A, 0x8C);

    private final ReplayOptions o;
    private final ReplayListener listener;
    /** Guards the spool and every counter below. */
    private final Object lock = new Object();
    private Spool spool;
    private boolean connected;
    private long generation;
    private int inflight;
    private long published;
    private long acknowledged;
    private long failed;
    private long recovered;
    private long connectionLosses;
    private long notDelivered;
    private long resent;
    /** The sender sends nothing before this {@link System#nanoTime()} (pause after a PUBACK asking for a retry). */
    private long holdUntilNanos;
    private long retryPauseMs = RETRY_PAUSE_MIN_MS;
    private String refusal;
    private Throwable senderFailure;
    private boolean stopping;

    private long rowsPublished;
    private long firstSeq;
    private long lastSeq;
    private long startNanos;
    private MqttAsyncClient client;
    private CsvTelemetryReader reader;
    private Thread sender;

    private Replayer(ReplayOptions options) {
        this.o = options;
        this.listener = options.listener();
    }

    /**
     * Runs one replay to the end in the calling thread.
     *
     * @param options what to replay where
     * @return the counts; {@link ReplaySummary#complete()} is true when every published message was acknowledged
     * @throws IllegalArgumentException when the CSV does not fit the options (timestamp column or a field missing
     *                                  from the header, no field left) or the CA file is unusable
     * @throws ReplayException          {@link ReplayException.Kind#CONNECT} when the first connection fails for
     *                                  good, {@link ReplayException.Kind#IO} when the CSV or the spool cannot be
     *                                  read or written, {@link ReplayException.Kind#INTERRUPTED} when the thread
     *                                  is interrupted, {@link ReplayException.Kind#CLIENT} on an unexpected client
     *                                  error; the exception carries the partial summary once publishing had started
     */
    public static ReplaySummary run(ReplayOptions options) {
        return new Replayer(options).execute();
    }

    private ReplaySummary execute() {
        startNanos = System.nanoTime();
        try {
            reader = CsvTelemetryReader.open(o.csv(), o.separator(), o.timestampColumn(), o.timestampParser(),
                    o.fields(), o.exclude(), (line, reason, detail) -> safely(() -> listener.onRowSkipped(line, reason, detail)));
        } catch (IOException e) {
            throw new ReplayException(ReplayException.Kind.IO, "cannot read " + o.csv() + ": " + e, e, null);
        }
        try {
            openSpool();
            connect();
            startSender();
            try {
                replay();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown();
                throw new ReplayException(ReplayException.Kind.INTERRUPTED, "replay of " + o.csv() + " interrupted", e, summary(false));
            } catch (UncheckedIOException e) {
                boolean drained = drainQuietly();
                shutdown();
                throw new ReplayException(ReplayException.Kind.IO, "reading " + o.csv() + " failed after " + reader.rowsRead()
                        + " rows: " + e.getCause().getMessage(), e.getCause(), summary(!drained));
            } catch (ReplayException e) {
                shutdown();
                throw e;
            }
            boolean drained;
            try {
                drained = drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown();
                throw new ReplayException(ReplayException.Kind.INTERRUPTED, "interrupted while waiting for acknowledgements", e, summary(false));
            }
            shutdown();
            checkSender();
            return summary(!drained);
        } finally {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only file
            }
            closeSpool();
        }
    }

    // ------------------------------------------------------------------------------------------------ setup

    private void openSpool() {
        if (o.spoolDir() == null) {
            spool = Spool.inMemory(o.resendWindow(), o.bufferSize());
            return;
        }
        Path dir = o.spoolDir().resolve(safeName(o.clientId()));
        try {
            spool = Spool.open(dir, o.resendWindow(), o.bufferSize());
        } catch (IOException e) {
            throw new ReplayException(ReplayException.Kind.IO, "cannot open spool " + dir + ": " + e.getMessage(), e, null);
        }
        recovered = spool.recovered().size();
        published = recovered;
    }

    /** A file name for a client id: [A-Za-z0-9._-] kept, anything else replaced, plus a hash when changed. */
    static String safeName(String clientId) {
        String s = clientId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.equals(clientId) && !s.startsWith(".")) {
            return s;
        }
        return s + "-" + Integer.toHexString(clientId.hashCode());
    }

    private void connect() {
        MqttConnectionOptions c = new MqttConnectionOptions();
        if (o.username() != null) {
            c.setUserName(o.username());
        }
        if (o.password() != null) {
            c.setPassword(o.password().getBytes(StandardCharsets.UTF_8));
        }
        // The spool re-sends whatever was not acknowledged; a broker session would only make Paho re-send too.
        c.setCleanStart(true);
        c.setSessionExpiryInterval(0L);
        c.setAutomaticReconnect(true);
        int maxDelayS = (int) Math.min(Integer.MAX_VALUE / 1000, o.maxReconnectDelay().toSeconds());
        c.setAutomaticReconnectDelay(1, maxDelayS);
        // Paho 1.2.5 doubles the delay after a failed attempt while it is below this one (ms, default 128 s)
        c.setMaxReconnectDelay(maxDelayS * 1000);
        c.setKeepAliveInterval(30);
        c.setConnectionTimeout(10);
        if (o.tls()) {
            if (o.caFile() != null) {
                c.setSocketFactory(Tls.socketFactory(o.caFile()));
            }
            c.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client = new MqttAsyncClient(o.brokerUrl(), o.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new ReplayException(ReplayException.Kind.CLIENT,
                    "cannot create MQTT client " + o.clientId() + " for " + o.brokerUrl() + ": " + e, e, null);
        }
        client.setCallback(new Events());

        long deadline = System.nanoTime() + o.connectTimeout().toNanos();
        long pauseMs = 500;
        while (true) {
            MqttException failure;
            try {
                client.connect(c).waitForCompletion(15_000);
                if (client.isConnected()) {
                    synchronized (lock) {
                        connected = true;
                    }
                    return;
                }
                failure = new MqttException(MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
            } catch (MqttException e) {
                failure = e;
            }
            if (isFatalConnectFailure(failure)) {
                closeClient();
                throw new ReplayException(ReplayException.Kind.CONNECT, "cannot connect to " + o.brokerUrl() + " as "
                        + o.username() + " (client " + o.clientId() + "): " + describe(failure), failure, null);
            }
            if (failure.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_TIMEOUT) {
                try {
                    client.disconnectForcibly(0, 1000, false);
                } catch (MqttException ignored) {
                    // not connected
                }
            }
            if (System.nanoTime() + pauseMs * 1_000_000 > deadline) {
                closeClient();
                throw new ReplayException(ReplayException.Kind.CONNECT, "cannot connect to " + o.brokerUrl() + " within "
                        + o.connectTimeout().toSeconds() + " s: " + describe(failure), failure, null);
            }
            String why = "connect failed, retrying in " + pauseMs + " ms: " + describe(failure);
            safely(() -> listener.onConnectionLost(why));
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeClient();
                throw new ReplayException(ReplayException.Kind.INTERRUPTED, "interrupted while connecting", e, null);
            }
            pauseMs = Math.min(pauseMs * 2, 5000);
        }
    }

    private static boolean isFatalConnectFailure(MqttException e) {
        if (CONNECT_FATAL.contains(e.getReasonCode())) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return true; // untrusted certificate, hostname mismatch, protocol mismatch: retrying will not help
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof MqttException m) {
            sb.append(m.getMessage()).append(" (reason code ").append(m.getReasonCode());
            if (m.getReasonCode() >= 0x80 && m.getReasonCode() <= 0xFF) {
                sb.append(String.format(", 0x%02X", m.getReasonCode()));
            }
            sb.append(')');
        } else {
            sb.append(e);
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            sb.append(": ").append(cause);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ producer

    private void replay() throws InterruptedException {
        Pacer pacer = new Pacer(o.speed());
        List<TelemetryRow> batch = new ArrayList<>(o.batchSize());
        Duration shift = null;
        long nextSeq = o.seqStart();
        long valid = 0;
        TelemetryRow row;
        while (!stopped() && (row = reader.next()) != null) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            pacer.pace(row.timestamp());
            if (o.rebaseToNow()) {
                if (shift == null) {
                    shift = Duration.between(row.timestamp(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
                }
                row = row.withTimestamp(row.timestamp().plus(shift));
            }
            batch.add(row);
            valid++;
            if (batch.size() == o.batchSize()) {
                enqueue(batch, nextSeq);
                nextSeq += batch.size();
                batch.clear();
            }
            if (o.limit() > 0 && valid >= o.limit()) {
                break;
            }
        }
        if (!batch.isEmpty() && !stopped()) {
            enqueue(batch, nextSeq);
        }
    }

    /** True when the replay must not go on: the broker refused a message, or the sender failed. */
    private boolean stopped() {
        synchronized (lock) {
            return refusal != null || senderFailure != null;
        }
    }

    /** Queues the rows as one message (or several, when it would exceed maxMessageBytes). */
    private void enqueue(List<TelemetryRow> rows, long seq) throws InterruptedException {
        for (TelemetryPayloads.Message m : TelemetryPayloads.encodeWithin(rows, seq, o.batchSize() > 1,
                o.timestampOutput(), o.maxMessageBytes())) {
            enqueue(m);
        }
    }

    /** Queues one message; waits while the spool holds bufferSize messages. */
    private void enqueue(TelemetryPayloads.Message m) throws InterruptedException {
        long count;
        synchronized (lock) {
            while (spool.pending() >= o.bufferSize() && refusal == null && senderFailure == null) {
                lock.wait(100);
            }
            checkSender();
            if (refusal != null) {
                return;
            }
            try {
                spool.append(m.firstSeq(), m.rows(), m.payload());
            } catch (IOException e) {
                throw new ReplayException(ReplayException.Kind.IO, "cannot write to spool " + spool.dir() + ": " + e, e, summary(false));
            }
            count = ++published;
            lock.notifyAll();
        }
        if (rowsPublished == 0) {
            firstSeq = m.firstSeq();
        }
        lastSeq = m.firstSeq() + m.rows() - 1;
        rowsPublished += m.rows();
        safely(() -> listener.onPublished(m.firstSeq(), m.rows(), count));
    }

    /** Throws when the sender thread died (call holding the lock or not). */
    private void checkSender() {
        Throwable f;
        synchronized (lock) {
            f = senderFailure;
        }
        if (f != null) {
            throw new ReplayException(f instanceof IOException ? ReplayException.Kind.IO : ReplayException.Kind.CLIENT,
                    "sending to " + o.topic() + " failed: " + describe(f), f, summary(false));
        }
    }

    /** Waits until every queued message is done; false when the ack timeout passed first. */
    private boolean drain() throws InterruptedException {
        long deadline = System.nanoTime() + o.ackTimeout().toNanos();
        synchronized (lock) {
            while (spool.pending() > 0 && refusal == null && senderFailure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
        return true;
    }

    private boolean drainQuietly() {
        try {
            return drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ sender

    private void startSender() {
        sender = new Thread(this::send, "edge-sender-" + o.clientId());
        sender.setDaemon(true);
        sender.start();
    }

    /** Publishes the spool in order while connected, at most maxInflight unacknowledged. */
    private void send() {
        long pauseMs = 5;
        try {
            while (true) {
                Spool.Entry e;
                synchronized (lock) {
                    while (true) {
                        if (stopping || refusal != null) {
                            return;
                        }
                        long holdMs = (holdUntilNanos - System.nanoTime()) / 1_000_000;
                        e = connected && inflight < o.maxInflight() && holdMs <= 0 ? spool.nextToSend() : null;
                        if (e != null) {
                            break;
                        }
                        lock.wait(Math.max(1, Math.min(100, holdMs > 0 ? holdMs : 100)));
                    }
                    spool.markSent(e, generation);
                    inflight++;
                }
                MqttMessage m = new MqttMessage(e.payload);
                m.setQos(1);
                try {
                    client.publish(o.topic(), m, null, new Delivery(e));
                    pauseMs = 5;
                } catch (MqttException ex) {
                    synchronized (lock) {
                        if (e.sent && e.generation == generation && !e.done) {
                            spool.unsend(e);
                            inflight--;
                        }
                    }
                    if (!RETRYABLE.contains(ex.getReasonCode())) {
                        fail(ex);
                        return;
                    }
                    Thread.sleep(pauseMs);
                    pauseMs = Math.min(pauseMs * 2, 200);
                }
            }
        } catch (InterruptedException ie) {
            // stopping
        } catch (RuntimeException ex) {
            fail(ex);
        }
    }

    private void fail(Throwable t) {
        synchronized (lock) {
            if (senderFailure == null) {
                senderFailure = t;
            }
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    /** Stops the sender, disconnects and closes the client (the spool is closed by {@link #execute}). */
    private void shutdown() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        if (sender != null) {
            try {
                sender.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(5000);
            }
        } catch (MqttException ignored) {
            // lost meanwhile; closing anyway
        }
        closeClient();
    }

    private void closeClient() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException ignored) {
            // already down
        }
        cancelReconnectTimer(client);
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // nothing more to do
        }
        cancelReconnectTimer(client);
    }

    private void closeSpool() {
        if (spool == null) {
            return;
        }
        synchronized (lock) {
            try {
                spool.close();
            } catch (IOException ignored) {
                // the files stay for the next run; nothing else to do here
            }
        }
    }

    /**
     * Paho 1.2.5 keeps its reconnect {@link Timer} (a non-daemon thread) after {@code close()} when the client was
     * disconnected at the time; cancel it so replays that end during an outage do not leak a thread.
     */
    private static void cancelReconnectTimer(MqttAsyncClient c) {
        try {
            Field f = MqttAsyncClient.class.getDeclaredField("reconnectTimer");
            f.setAccessible(true);
            if (f.get(c) instanceof Timer t) {
                t.cancel();
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // another Paho version: nothing to cancel, or a different field
        }
    }

    // ------------------------------------------------------------------------------------------------ callbacks

    private ReplaySummary summary(boolean ackTimedOut) {
        synchronized (lock) {
            return new ReplaySummary(o.clientId(), o.topic(), reader.rowsRead(), rowsPublished, reader.skipped(),
                    published, acknowledged, failed, recovered, firstSeq, lastSeq, connectionLosses,
                    Duration.ofNanos(System.nanoTime() - startNanos), ackTimedOut, refusal, notDelivered, resent);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a listener's failure must not break the replay
        }
    }

    /** Tracks one message; it is done exactly once, as acknowledged or refused. */
    private final class Delivery implements MqttActionListener {
        private final Spool.Entry e;

        Delivery(Spool.Entry e) {
            this.e = e;
        }

        /**
         * Only reason code 0x00 (Success) means delivered. Paho 1.2.5 completes the token successfully for codes
         * below 0x80 (0x10 No matching subscribers included) and fails it for the others.
         */
        @Override
        public void onSuccess(IMqttToken token) {
            int[] codes = token.getReasonCodes();
            int rc = 0;
            if (codes != null) {
                for (int c : codes) {
                    rc = Math.max(rc, c);
                }
            }
            outcome(rc, null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable ex) {
            // A PUBACK reason code >= 0x80 is the broker's answer. A connection loss also ends up here, but the
            // message is still in the spool and is sent again after the reconnect.
            if (ex instanceof MqttException m && m.getReasonCode() >= 0x80 && m.getReasonCode() <= 0xFF) {
                outcome(m.getReasonCode(), describe(m));
            }
        }

        private void outcome(int rc, String detail) {
            if (rc == 0) {
                finish(true, null);
            } else if (PUBACK_RETRY.contains(rc) || rc < 0x80) {
                notDelivered(rc);
            } else {
                finish(false, detail != null ? detail : String.format("PUBACK reason code 0x%02X", rc));
            }
        }

        /** Not delivered, but worth retrying: every unacknowledged message is queued again after a pause. */
        private void notDelivered(int rc) {
            long pause;
            synchronized (lock) {
                if (e.done || e.refused || !(e.sent && e.generation == generation)) {
                    return; // already queued again (an earlier retry or a connection loss)
                }
                notDelivered++;
                // as after a connection loss: the messages sent after this one go again too, in order
                generation++;
                inflight = 0;
                spool.requeueAll();
                pause = retryPauseMs;
                holdUntilNanos = System.nanoTime() + pause * 1_000_000;
                retryPauseMs = Math.min(retryPauseMs * 2, RETRY_PAUSE_MAX_MS);
                lock.notifyAll();
            }
            String why = String.format("PUBACK reason code 0x%02X%s: not delivered, kept and sent again in %d ms",
                    rc, rc == 0x10 ? " (no matching subscribers: ingest is not subscribed)" : "", pause);
            safely(() -> listener.onNotDelivered(e.firstSeq, rc, why));
        }

        private void finish(boolean ok, String why) {
            long count;
            synchronized (lock) {
                boolean countedInflight = e.sent && e.generation == generation;
                if (ok) {
                    try {
                        if (!spool.done(e)) {
                            return;
                        }
                    } catch (IOException io) {
                        senderFailure = senderFailure == null ? io : senderFailure;
                    }
                    retryPauseMs = RETRY_PAUSE_MIN_MS;
                } else if (!spool.refuse(e)) {
                    return;
                }
                if (countedInflight) {
                    inflight--;
                }
                if (ok && e.resend) {
                    lock.notifyAll();
                    return; // a copy sent again after a connection loss: counted in messagesResent
                }
                if (ok) {
                    count = ++acknowledged;
                } else {
                    count = ++failed;
                    if (refusal == null) {
                        refusal = "broker refused the message with seq " + e.firstSeq + " (" + why
                                + "); it is kept" + (o.spoolDir() != null ? " in the spool directory for the next run" : "");
                    }
                }
                lock.notifyAll();
            }
            if (ok) {
                safely(() -> listener.onAcknowledged(e.firstSeq, count));
            } else {
                safely(() -> listener.onDeliveryFailed(e.firstSeq, why));
            }
        }
    }

    /** Connection events: a loss sends every unacknowledged message again after the reconnect. */
    private final class Events implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            synchronized (lock) {
                connected = false;
                generation++;
                inflight = 0;
                resent += spool.requeueAll(System.nanoTime() - o.resendWindow().toNanos());
                connectionLosses++;
                lock.notifyAll();
            }
            String why = response.getException() != null ? describe(response.getException())
                    : "broker sent DISCONNECT, reason code " + response.getReturnCode()
                    + (response.getReasonString() != null ? " " + response.getReasonString() : "");
            safely(() -> listener.onConnectionLost(why));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            // reported through the tokens
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // the agent subscribes to nothing
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // counted by Delivery
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            synchronized (lock) {
                connected = true;
                lock.notifyAll();
            }
            safely(() -> listener.onConnected(reconnect, serverURI));
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
