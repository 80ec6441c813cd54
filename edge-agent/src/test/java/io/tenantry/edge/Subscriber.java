package io.tenantry.edge;

import io.tenantry.testsupport.StackEnv;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper: watches a topic filter as the stack's admin over the loopback listener, with a persistent session
 * (cleanStart=false, session expiry) and automatic reconnect, so messages queued while it is reconnecting are
 * delivered too. Batches (JSON arrays) are flattened into their objects. {@link #close()} ends the session.
 */
final class Subscriber implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One telemetry object as received, in arrival order. */
    record Received(String topic, JsonNode object, boolean batch) {
        long seq() {
            return object.get("seq").asLong();
        }
    }

    private final MqttAsyncClient client;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, ConcurrentLinkedQueue<Long>> seqsByTopic = new ConcurrentHashMap<>();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger reconnects = new AtomicInteger();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    Subscriber(StackEnv env, String filter) throws MqttException {
        client = new MqttAsyncClient(env.mqttUrl(), "edge-it-sub-" + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                errors.add(e.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                messages.incrementAndGet();
                try {
                    JsonNode n = JSON.readTree(new String(m.getPayload(), StandardCharsets.UTF_8));
                    if (n.isArray()) {
                        for (JsonNode o : n) {
                            add(topic, o, true);
                        }
                    } else {
                        add(topic, n, false);
                    }
                } catch (RuntimeException e) {
                    errors.add(topic + ": " + e);
                }
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
                if (reconnect) {
                    reconnects.incrementAndGet();
                }
            }

            @Override
            public void authPacketArrived(int rc, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(env.mqttAdminUser());
        o.setPassword(env.mqttAdminPassword().getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(false);
        o.setSessionExpiryInterval(600L);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 2);
        o.setReceiveMaximum(1000);
        client.connect(o).waitForCompletion(10_000);
        IMqttToken sub = client.subscribe(new MqttSubscription(filter, 1));
        sub.waitForCompletion(10_000);
        if (sub.getReasonCodes()[0] >= 0x80) {
            throw new IllegalStateException("subscription to " + filter + " refused: " + sub.getReasonCodes()[0]);
        }
    }

    private void add(String topic, JsonNode o, boolean batch) {
        received.add(new Received(topic, o, batch));
        seqsByTopic.computeIfAbsent(topic, t -> new ConcurrentLinkedQueue<>()).add(o.get("seq").asLong());
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Seqs of one topic in arrival order (duplicates included). */
    List<Long> seqs(String topic) {
        ConcurrentLinkedQueue<Long> q = seqsByTopic.get(topic);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /** Distinct seqs of one topic. */
    long distinct(String topic) {
        return seqs(topic).stream().distinct().count();
    }

    Map<String, Integer> countsByTopic() {
        Map<String, Integer> m = new TreeMap<>();
        seqsByTopic.forEach((t, q) -> m.put(t, q.size()));
        return m;
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                MqttProperties p = new MqttProperties();
                p.setSessionExpiryInterval(0L); // end the persistent session
                client.disconnect(2000, null, null, 0, p).waitForCompletion(5000);
            }
        } finally {
            client.close(true);
        }
    }
}
