package io.tenantry.ingest.mqtt;

import io.tenantry.core.retry.Backoff;
import io.tenantry.core.id.MqttNames;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.pipeline.Acker;
import io.tenantry.ingest.pipeline.Envelope;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest service's MQTT v5 session (Eclipse Paho {@link MqttAsyncClient}):
 * <ul>
 *   <li>fixed client id, Clean Start = 0 and a long Session Expiry Interval (OASIS MQTT v5.0 §3.1.2.4,
 *       §3.1.2.11.2): the broker keeps the subscription and queues messages while the instance is away, and
 *       redelivers every unacknowledged QoS 1 message when it returns (§4.4);</li>
 *   <li>shared subscription {@code $share/ingest/plc/+/+} ({@link MqttNames#ingestSharedSubscription()}) at QoS 1 (§4.8.2), so instances split the load;</li>
 *   <li>Receive Maximum (§3.1.2.11.3) bounds the unacknowledged messages the broker sends us;</li>
 *   <li>manual acknowledgements ({@link MqttAsyncClient#setManualAcks(boolean)}): PUBACK is sent by
 *       {@link #ack(Envelope)} only after the message's points and dead letters are durable.</li>
 * </ul>
 * Every connection gets a new generation number; an acknowledgement for a message that arrived on an older
 * connection is not sent, because the broker has already re-sent that message on the new connection (possibly
 * under a packet id now used by another message) — the redelivered copy is acknowledged instead.
 * <p>
 * Reconnecting is ours, not Paho's automatic reconnect: Paho 1.2.5 keeps its reconnect delay in a static field
 * shared by every client of the JVM and doubles it up to {@code MqttConnectionOptions.getMaxReconnectDelay()}
 * (128 s unless set), so ingest came back many seconds after the broker (issue 8 measured 15 s). The control thread instead tries
 * every 100 ms, doubling up to {@code max-reconnect-delay} (1 s), and subscribes as soon as it is connected: Mosquitto
 * 2.0.11 does not persist shared subscriptions, so after a broker restart the session (and the messages queued in
 * it) is back but the subscription is not, and devices get PUBACK 0x10 (no matching subscribers) until ingest has
 * subscribed again; they keep and retry those messages (docs/telemetry.md, section 8).
 * <p>
 * Mosquitto 2.0.11's dynamic-security plugin checks a shared subscription against the ACL with the full
 * {@code $share/<group>/<filter>} string (verified by {@code SharedSubscriptionAclIT}); a refused subscription
 * (reason code ≥ 0x80) is logged as an error and retried.
 */
public final class MqttIngestClient implements MqttCallback, Acker {
    private static final Logger log = LoggerFactory.getLogger(MqttIngestClient.class);

    /** Receives each message on the Paho callback thread; may block (back-pressure). */
    @FunctionalInterface
    public interface Handler {
        /**
         * @throws InterruptedException when shutting down; the message is then left unacknowledged
         */
        void handle(String topic, MqttMessage message, long generation, Instant receivedAt) throws InterruptedException;
    }

    private final IngestProperties.Mqtt config;
    private final Handler handler;
    private final AtomicLong generation = new AtomicLong(1);
    private final AtomicInteger inflight = new AtomicInteger();
    private final ExecutorService control = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("ingest-mqtt-control").daemon(true).unstarted(r));
    private volatile MqttAsyncClient client;
    private volatile boolean running;
    private volatile boolean accepting;
    private volatile boolean subscribed;
    /** True while a connect loop is queued or running on the control thread. */
    private final java.util.concurrent.atomic.AtomicBoolean connecting = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param config  broker and session settings
     * @param handler receives every message on Paho's callback thread
     */
    public MqttIngestClient(IngestProperties.Mqtt config, Handler handler) {
        this.config = config;
        this.handler = handler;
    }

    /** The shared-subscription topic filter, {@code $share/ingest/plc/+/+} ({@link MqttNames#ingestSharedSubscription()}). */
    public String sharedFilter() {
        return MqttNames.ingestSharedSubscription();
    }

    /** Connects in the background (retrying until it succeeds) and subscribes. */
    public synchronized void start() throws MqttException {
        running = true;
        accepting = true;
        client = new MqttAsyncClient(config.url(), config.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(this);
        scheduleConnect();
    }

    /** Queues a connect loop on the control thread unless one is queued or running already. */
    private void scheduleConnect() {
        if (running && connecting.compareAndSet(false, true)) {
            try {
                control.submit(this::connectLoop);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                connecting.set(false); // stopping
            }
        }
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(config.username());
        o.setPassword(config.password().getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(false);
        o.setSessionExpiryInterval(config.sessionExpiry().toSeconds());
        o.setReceiveMaximum(config.receiveMaximum());
        o.setKeepAliveInterval((int) Math.max(1, config.keepAlive().toSeconds()));
        o.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
        o.setAutomaticReconnect(false); // see the class comment: connectLoop reconnects
        return o;
    }

    private void connectLoop() {
        Backoff backoff = new Backoff(100, Math.max(100, config.maxReconnectDelay().toMillis()));
        int failures = 0;
        try {
            while (running) {
                if (client.isConnected()) {
                    return;
                }
                try {
                    IMqttToken t = client.connect(options());
                    t.waitForCompletion(config.connectTimeout().toMillis() + 5000);
                    log.info("connected to {} as {} (client id {}, session present: {})", config.url(), config.username(),
                            config.clientId(), t.getSessionPresent());
                    return; // connectComplete subscribes
                } catch (MqttException e) {
                    if (failures++ % 10 == 0) { // the broker may be away for a while: not a line every 100 ms
                        log.warn("cannot connect to the broker at {} ({}); retrying every {} ms at most", config.url(),
                                e.getMessage(), config.maxReconnectDelay().toMillis());
                    }
                    try {
                        backoff.pause();
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        } finally {
            connecting.set(false);
            if (running && !client.isConnected()) {
                scheduleConnect(); // lost again while we were finishing
            }
        }
    }

    private void subscribe() {
        Backoff backoff = new Backoff(1000, 30_000);
        while (running && client.isConnected()) {
            try {
                IMqttToken t = client.subscribe(new MqttSubscription(sharedFilter(), 1));
                t.waitForCompletion(config.connectTimeout().toMillis());
                int[] codes = t.getReasonCodes();
                if (codes != null && Arrays.stream(codes).allMatch(c -> c < 0x80)) {
                    subscribed = true;
                    log.info("subscribed to {} (granted QoS {})", sharedFilter(), codes[0]);
                    return;
                }
                log.error("subscription to {} refused with reason code(s) {}; check the ingest client's broker ACL "
                        + "(PlatformBootstrap.ingestAcls)", sharedFilter(), Arrays.toString(codes));
            } catch (MqttException e) {
                log.warn("subscribe to {} failed: {}", sharedFilter(), e.getMessage());
            }
            try {
                backoff.pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Paho callback: counts the message as in flight and hands it to the handler (which may block: back-pressure).
     * Never throws, since an exception here would make Paho drop the connection; a message the handler could not
     * take stays unacknowledged and is redelivered after the next reconnect.
     */
    @Override
    public void messageArrived(String topic, MqttMessage message) {
        Instant receivedAt = Instant.now();
        if (!accepting) {
            return; // shutting down: left unacknowledged, the broker redelivers it
        }
        inflight.incrementAndGet();
        try {
            handler.handle(topic, message, generation.get(), receivedAt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // never let an exception reach Paho: it would drop the connection
            log.error("message handler failed for {}; message left unacknowledged", topic, e);
        }
    }

    /**
     * Acknowledges the envelope's message (QoS 1) if it arrived on the current connection.
     */
    @Override
    public void ack(Envelope e) {
        if (e.generation() != generation.get()) {
            return;
        }
        inflight.decrementAndGet();
        if (e.qos() == 0) {
            return;
        }
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            return;
        }
        try {
            c.messageArrivedComplete(e.messageId(), e.qos());
        } catch (MqttException ex) {
            log.debug("cannot acknowledge message {} ({}); the broker will redeliver it", e.messageId(), ex.getMessage());
        }
    }

    /**
     * Publishes a small notice to a device (issue 16, {@code RejectionNotices}): QoS 1, not retained, without
     * waiting for the PUBACK. Best effort.
     *
     * @return false when not connected or Paho refused it (e.g. too many publishes in flight)
     */
    public boolean publishNotice(String topic, byte[] payload) {
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            return false;
        }
        try {
            c.publish(topic, payload, 1, false);
            return true;
        } catch (MqttException ex) {
            log.debug("notice to {} not published: {}", topic, ex.getMessage());
            return false;
        }
    }

    /** Paho callback: a new connection generation begins; acknowledgements for the old one are dropped. */
    @Override
    public void disconnected(MqttDisconnectResponse response) {
        generation.incrementAndGet();
        inflight.set(0);
        subscribed = false;
        if (running) {
            log.warn("broker connection lost ({}); reconnecting", response);
            scheduleConnect();
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT error", exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    /** Paho callback: (re)subscribes on the control thread. */
    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        if (reconnect) {
            log.info("reconnected to {}", serverURI);
        }
        // re-subscribing is idempotent and covers an expired session (session present = 0)
        control.submit(this::subscribe);
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }

    /** Stops taking new messages; those arriving from now on stay unacknowledged. */
    public void stopIntake() {
        accepting = false;
    }

    /**
     * Disconnects normally; the session (and its queue) stays at the broker for {@code session-expiry}.
     */
    public synchronized void stop() {
        running = false;
        accepting = false;
        control.shutdownNow();
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnect(5000).waitForCompletion(6000);
            }
        } catch (MqttException e) {
            log.debug("disconnect failed: {}", e.getMessage());
            try {
                c.disconnectForcibly(0, 1000, false);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
        try {
            c.close(true);
        } catch (MqttException e) {
            log.debug("close failed: {}", e.getMessage());
        }
        try {
            control.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Messages received and not yet acknowledged on the current connection. */
    public int inflight() {
        return inflight.get();
    }

    /** True when every message the broker may send before we acknowledge some is already with us. */
    public boolean windowFull() {
        return inflight.get() >= config.receiveMaximum();
    }

    /** True while the broker connection is up. */
    public boolean connected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    /** True while connected and the shared subscription was granted. */
    public boolean subscribed() {
        return subscribed && connected();
    }
}
