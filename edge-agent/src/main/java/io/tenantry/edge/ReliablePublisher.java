package io.tenantry.edge;

import io.tenantry.core.retry.Backoff;
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
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.Timer;

/**
 * Publishes a device's messages to its topic (MQTT v5, QoS 1) so that none is lost: the device side of the delivery
 * guarantee of docs/telemetry.md, section 8. Any device program can use it; the CSV replay ({@link Replayer}) is
 * one.
 * <p>
 * <b>Guarantee.</b> A message passed to {@link #publish} is kept — in memory, and with
 * {@link PublishOptions#spoolDir()} first written to {@code <spoolDir>/<clientId>/seg-*.log} — until the broker
 * answers it with PUBACK <b>0x00</b>, and is sent (again) until then: across connection losses (the client
 * reconnects by itself and re-sends every unacknowledged message, oldest first) and, with a spool directory, across
 * restarts of the device program (what an earlier run left is sent first, see {@link Stats#recovered()}). So every
 * message arrives at least once and in order; a message whose PUBACK was lost arrives twice, which ingest absorbs
 * when the payload carries {@code ts} (docs/telemetry.md §6: devices must send {@code ts} and keep it when
 * re-sending). Only 0x00 means delivered (§8.1):
 * <ul>
 *   <li>0x10 No matching subscribers (ingest not subscribed, e.g. right after a broker restart: the broker dropped
 *       the message), 0x80, 0x83, 0x97: the message and every later unacknowledged one are sent again, in order,
 *       after a pause of 250 ms doubling up to 4 s, reset by the next 0x00 ({@link Stats#notDelivered()}).</li>
 *   <li>Any other code &gt;= 0x80 (0x87 Not authorized — Mosquitto 2.0 then also closes the connection —, 0x90,
 *       0x99, ...): retrying unchanged only loops, so the message is kept (in the spool directory, for the next run),
 *       sending stops and {@link #refusal()} says why.</li>
 *   <li>Resend window ({@link PublishOptions#resendWindow()}, default 10 s): after a connection loss the messages the
 *       broker acknowledged within the window are sent again too ({@link Stats#resent()}): a broker killed before
 *       its next autosave has forgotten what it acknowledged since the last one.</li>
 * </ul>
 * Not covered (§8.1): a program that disconnects normally less than ~2 s before a broker {@code kill -9}, and one
 * that dies together with the broker (the resend window is in memory only).
 * <p>
 * <b>Use.</b> {@link #open} connects (retrying for {@link BrokerOptions#connectTimeout()}); {@link #publish} queues
 * (waiting while {@link PublishOptions#bufferSize()} messages are pending, nothing is dropped); {@link #flush()}
 * waits until everything is acknowledged; {@link #close()} disconnects, keeping what is not acknowledged in the spool
 * directory. A sender thread publishes the queue in order with at most {@link PublishOptions#maxInflight()}
 * unacknowledged. The connection uses a clean start and Paho's own buffer is not used: Paho 1.2.5 re-sends in-flight
 * messages with a topic alias of the lost connection, which Mosquitto rejects as a protocol error.
 * <p>
 * Thread-safety: {@link #publish}, {@link #flush}, {@link #stats} and {@link #refusal} may be called from any thread.
 * Publishers share nothing: run many in one JVM, one client id (and spool directory) each.
 */
public final class ReliablePublisher implements AutoCloseable {
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
    /** CONNACK reason codes that retrying cannot fix. */
    private static final Set<Integer> CONNECT_FATAL = Set.of(0x84, 0x85, 0x86, 0x87, 0x8A, 0x8C);

    /**
     * Counts of one publisher.
     *
     * @param published    messages queued, including {@code recovered}
     * @param acknowledged messages answered with PUBACK 0x00 (copies re-sent within the resend window not counted)
     * @param failed       messages the broker refused for good (sending then stopped)
     * @param recovered    messages an earlier run left in the spool directory, sent first
     * @param connectionLosses how often an established connection was lost
     * @param notDelivered PUBACKs that asked for a retry (0x10, 0x80, 0x83, 0x97)
     * @param resent       acknowledged messages sent again after a connection loss (resend window)
     * @param pending      messages not yet acknowledged (queued, in flight, or refused and kept)
     */
    public record Stats(long published, long acknowledged, long failed, long recovered, long connectionLosses,
                        long notDelivered, long resent, int pending) {
    }

    private final BrokerOptions broker;
    private final PublishOptions options;
    private final PublishListener listener;
    private final DeliveryTracker tracker;
    private MqttAsyncClient client;
    private Thread sender;
    private final java.util.concurrent.atomic.AtomicLong notices = new java.util.concurrent.atomic.AtomicLong();

    private ReliablePublisher(BrokerOptions broker, PublishOptions options, PublishListener listener, Spool spool) {
        this.broker = broker;
        this.options = options;
        this.listener = listener == null ? PublishListener.NONE : listener;
        this.tracker = new DeliveryTracker(spool, options.maxInflight(), options.bufferSize(), options.resendWindow(),
                System::nanoTime);
    }

    /**
     * Opens the spool (recovering what an earlier run left), connects and starts sending.
     *
     * @param listener connection events and the broker's answers; {@code null} for none
     * @throws IllegalArgumentException when the CA file is unusable
     * @throws PublisherException       {@code IO} when the spool directory cannot be used (or another publisher holds
     *                                  it), {@code CONNECT} when the first connection fails for good (refused login,
     *                                  TLS failure) or within {@link BrokerOptions#connectTimeout()},
     *                                  {@code INTERRUPTED}, {@code CLIENT}
     */
    public static ReliablePublisher open(BrokerOptions broker, PublishOptions options, PublishListener listener) {
        Spool spool;
        if (options.spoolDir() == null) {
            spool = Spool.inMemory(options.resendWindow(), options.bufferSize());
        } else {
            Path dir = options.spoolDir().resolve(safeName(broker.clientId()));
            try {
                spool = Spool.open(dir, options.resendWindow(), options.bufferSize());
            } catch (IOException e) {
                throw new PublisherException(PublisherException.Kind.IO, "cannot open spool " + dir + ": " + e.getMessage(), e);
            }
        }
        ReliablePublisher p = new ReliablePublisher(broker, options, listener, spool);
        try {
            p.connect();
        } catch (RuntimeException e) {
            p.closeSpool();
            throw e;
        }
        p.sender = new Thread(p::send, "edge-sender-" + broker.clientId());
        p.sender.setDaemon(true);
        p.sender.start();
        return p;
    }

    /** The spool sub-directory name for a client id: [A-Za-z0-9._-] kept, anything else replaced, plus a hash when changed. */
    static String safeName(String clientId) {
        String s = clientId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.equals(clientId) && !s.startsWith(".")) {
            return s;
        }
        return s + "-" + Integer.toHexString(clientId.hashCode());
    }

    /**
     * Queues a message for the topic; it is sent until the broker answers it with 0x00. Waits while
     * {@link PublishOptions#bufferSize()} messages are pending (e.g. while the broker is unreachable).
     *
     * @param payload the message (the edge agent's is telemetry JSON, docs/telemetry.md §2); not copied, do not change it
     * @param seq     the message's label, stored in the spool and passed to the listener (the edge agent uses the
     *                {@code seq} of its first row)
     * @param rows    samples it carries (stored in the spool, for counts)
     * @return messages published so far, this one included; 0 when it was not queued because sending stopped after
     *         a refusal ({@link #refusal()})
     * @throws PublisherException   {@code IO} when the spool directory cannot be written, {@code CLIENT}/{@code IO}
     *                              when the sender failed
     * @throws InterruptedException when interrupted while waiting for room
     */
    public long publish(byte[] payload, long seq, int rows) throws InterruptedException {
        long n;
        try {
            n = tracker.append(seq, rows, payload);
        } catch (IOException e) {
            throw new PublisherException(PublisherException.Kind.IO, "cannot write to spool " + tracker.spoolDir() + ": " + e, e);
        }
        checkSender();
        return n;
    }

    /** {@link #publish(byte[], long, int)} with label 0 and one sample. */
    public long publish(byte[] payload) throws InterruptedException {
        return publish(payload, 0, 1);
    }

    /**
     * Waits up to {@link PublishOptions#ackTimeout()} until every queued message is acknowledged (or sending stopped
     * after a refusal).
     *
     * @return false when the timeout passed first (the rest stays queued, and in the spool directory)
     * @throws PublisherException when the sender failed
     */
    public boolean flush() throws InterruptedException {
        return flush(options.ackTimeout());
    }

    /** Like {@link #flush()}, waiting at most {@code timeout}. */
    public boolean flush(Duration timeout) throws InterruptedException {
        boolean done = tracker.awaitEmpty(timeout.toNanos());
        checkSender();
        return done;
    }

    /** Why sending stopped (the broker refused a message for good), or {@code null}. */
    public String refusal() {
        return tracker.refusal();
    }

    /** The counts so far. */
    public Stats stats() {
        return tracker.stats();
    }

    /** Throws when the sender thread failed. */
    private void checkSender() {
        Throwable f = tracker.failure();
        if (f != null) {
            throw new PublisherException(f instanceof IOException ? PublisherException.Kind.IO : PublisherException.Kind.CLIENT,
                    "sending to " + options.topic() + " failed: " + describe(f), f);
        }
    }

    /**
     * Stops sending, disconnects and closes the spool. Does not wait for acknowledgements ({@link #flush()} does):
     * what is not acknowledged stays in the spool directory for the next run.
     */
    @Override
    public void close() {
        tracker.stop();
        if (sender != null) {
            try {
                sender.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000).waitForCompletion(5000);
                }
            } catch (MqttException ignored) {
                // lost meanwhile; closing anyway
            }
            closeClient();
        }
        closeSpool();
    }

    // ------------------------------------------------------------------------------------------------ connection

    private void connect() {
        MqttConnectionOptions c = new MqttConnectionOptions();
        if (broker.username() != null) {
            c.setUserName(broker.username());
        }
        if (broker.password() != null) {
            c.setPassword(broker.password().getBytes(StandardCharsets.UTF_8));
        }
        // The spool re-sends whatever was not acknowledged; a broker session would only make Paho re-send too.
        c.setCleanStart(true);
        c.setSessionExpiryInterval(0L);
        c.setAutomaticReconnect(true);
        int maxDelayS = (int) Math.min(Integer.MAX_VALUE / 1000, broker.maxReconnectDelay().toSeconds());
        c.setAutomaticReconnectDelay(1, maxDelayS);
        // Paho 1.2.5 doubles the delay after a failed attempt while it is below this one (ms, default 128 s)
        c.setMaxReconnectDelay(maxDelayS * 1000);
        c.setKeepAliveInterval(30);
        c.setConnectionTimeout(10);
        if (broker.tls()) {
            if (broker.caFile() != null) {
                c.setSocketFactory(io.tenantry.core.tls.MqttTls.socketFactory(broker.caFile()));
            }
            c.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client = new MqttAsyncClient(broker.brokerUrl(), broker.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new PublisherException(PublisherException.Kind.CLIENT,
                    "cannot create MQTT client " + broker.clientId() + " for " + broker.brokerUrl() + ": " + e, e);
        }
        client.setCallback(new Events());

        long deadline = System.nanoTime() + broker.connectTimeout().toNanos();
        Backoff pause = new Backoff(500, 5000);
        while (true) {
            MqttException failure;
            try {
                client.connect(c).waitForCompletion(15_000);
                if (client.isConnected()) {
                    tracker.connected();
                    return;
                }
                failure = new MqttException(MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
            } catch (MqttException e) {
                failure = e;
            }
            if (isFatalConnectFailure(failure)) {
                closeClient();
                throw new PublisherException(PublisherException.Kind.CONNECT, "cannot connect to " + broker.brokerUrl() + " as "
                        + broker.username() + " (client " + broker.clientId() + "): " + describe(failure), failure);
            }
            if (failure.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_TIMEOUT) {
                try {
                    client.disconnectForcibly(0, 1000, false);
                } catch (MqttException ignored) {
                    // not connected
                }
            }
            if (System.nanoTime() + pause.peek() * 1_000_000 > deadline) {
                closeClient();
                throw new PublisherException(PublisherException.Kind.CONNECT, "cannot connect to " + broker.brokerUrl()
                        + " within " + broker.connectTimeout().toSeconds() + " s: " + describe(failure), failure);
            }
            long pauseMs = pause.next();
            String why = "connect failed, retrying in " + pauseMs + " ms: " + describe(failure);
            safely(() -> listener.onConnectionLost(why));
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeClient();
                throw new PublisherException(PublisherException.Kind.INTERRUPTED, "interrupted while connecting", e);
            }
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

    /** A one-line description of a failure, with the MQTT reason code when there is one. */
    static String describe(Throwable e) {
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
        try {
            tracker.closeSpool();
        } catch (IOException ignored) {
            // the files stay for the next run; nothing else to do here
        }
    }

    /**
     * Paho 1.2.5 keeps its reconnect {@link Timer} (a non-daemon thread) after {@code close()} when the client was
     * disconnected at the time; cancel it so publishers closed during an outage do not leak a thread.
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

    // ------------------------------------------------------------------------------------------------ sender

    /** Publishes the queue in order while connected, at most maxInflight unacknowledged. */
    private void send() {
        Backoff busy = new Backoff(5, 200);
        try {
            Spool.Entry e;
            while ((e = tracker.take()) != null) {
                MqttMessage m = new MqttMessage(e.payload);
                m.setQos(1);
                try {
                    client.publish(options.topic(), m, null, new Delivery(e));
                    busy.reset();
                } catch (MqttException ex) {
                    tracker.unsend(e);
                    if (!RETRYABLE.contains(ex.getReasonCode())) {
                        tracker.fail(ex);
                        return;
                    }
                    Thread.sleep(busy.next());
                }
            }
        } catch (InterruptedException ie) {
            // stopping
        } catch (RuntimeException ex) {
            tracker.fail(ex);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a listener's failure must not break publishing
        }
    }

    /** The broker's answer to one message; the message is done exactly once, as acknowledged or refused. */
    private final class Delivery implements MqttActionListener {
        private final Spool.Entry e;

        Delivery(Spool.Entry e) {
            this.e = e;
        }

        /**
         * Paho 1.2.5 completes the token successfully for reason codes below 0x80 (0x10 No matching subscribers
         * included) and fails it for the others; only 0x00 means delivered.
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
            // message is still queued and is sent again after the reconnect.
            if (ex instanceof MqttException m && m.getReasonCode() >= 0x80 && m.getReasonCode() <= 0xFF) {
                outcome(m.getReasonCode(), describe(m));
            }
        }

        private void outcome(int rc, String detail) {
            switch (DeliveryTracker.verdict(rc)) {
                case DELIVERED -> {
                    long count = tracker.delivered(e);
                    if (count > 0) {
                        safely(() -> listener.onAcknowledged(e.firstSeq, count));
                    }
                }
                case RETRY -> {
                    long pause = tracker.notDelivered(e);
                    if (pause >= 0) {
                        String why = String.format("PUBACK reason code 0x%02X%s: not delivered, kept and sent again in %d ms",
                                rc, rc == 0x10 ? " (no matching subscribers: ingest is not subscribed)" : "", pause);
                        safely(() -> listener.onNotDelivered(e.firstSeq, rc, why));
                    }
                }
                case REFUSED -> {
                    String why = detail != null ? detail : String.format("PUBACK reason code 0x%02X", rc);
                    if (tracker.refused(e, why) > 0) {
                        safely(() -> listener.onDeliveryFailed(e.firstSeq, why));
                    }
                }
            }
        }
    }

    /**
     * Subscribes (QoS 1, without waiting) to {@link PublishOptions#noticeTopic()}, where ingest tells the device why
     * it refused data; the clean session needs it after every connect. A broker that does not allow it (no such
     * grant) simply refuses the subscription: publishing is unaffected.
     */
    private void subscribeNotices() {
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            c.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription(options.noticeTopic(), 1));
        } catch (MqttException | RuntimeException e) {
            // best effort: notices are informative only
        }
    }

    /** Rejection notices received from ingest so far (issue 16; {@link PublishListener#onRejectionNotice}). */
    public long rejectionNotices() {
        return notices.get();
    }

    /** Connection events: a loss sends every unacknowledged message again after the reconnect. */
    private final class Events implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            tracker.connectionLost();
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
            // only the device's rejection notices (issue 16): counted and passed on
            if (topic.equals(options.noticeTopic())) {
                notices.incrementAndGet();
                String text = new String(message.getPayload(), StandardCharsets.UTF_8);
                safely(() -> listener.onRejectionNotice(text));
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // counted by Delivery
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            tracker.connected();
            subscribeNotices();
            safely(() -> listener.onConnected(reconnect, serverURI));
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
