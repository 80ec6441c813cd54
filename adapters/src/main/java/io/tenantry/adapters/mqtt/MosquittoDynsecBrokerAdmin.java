package io.tenantry.adapters.mqtt;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.core.broker.BrokerClient;
import io.tenantry.core.broker.BrokerCommandException;
import io.tenantry.core.broker.BrokerLogin;
import io.tenantry.core.error.UnavailableException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link BrokerAdmin} for Mosquitto 2's dynamic-security plugin: commands are JSON published to
 * {@code $CONTROL/dynamic-security/v1}, answers arrive on {@code $CONTROL/dynamic-security/v1/response} and are
 * matched by {@code correlationData} (mosquitto.org/documentation/dynamic-security). Uses Paho MQTT v5 with
 * automatic reconnect; while the broker is away every call fails fast with {@link UnavailableException}.
 * Thread-safe.
 */
public final class MosquittoDynsecBrokerAdmin implements BrokerAdmin, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MosquittoDynsecBrokerAdmin.class);
    private static final String CONTROL = "$CONTROL/dynamic-security/v1";
    private static final String RESPONSE = CONTROL + "/response";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final MqttClient client;
    private final MqttConnectionOptions options;
    private final Duration timeout;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /**
     * Connects (and keeps reconnecting) to the broker's internal listener as the dynsec admin client. When the
     * broker is down at construction, the first command that finds it back connects.
     *
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     * @param timeout   how long one command may take before {@link UnavailableException}
     */
    public MosquittoDynsecBrokerAdmin(String serverUri, String username, String password, Duration timeout) {
        this.timeout = timeout;
        try {
            client = new MqttClient(serverUri, "tenantry-dynsec-" + UUID.randomUUID(), new MemoryPersistence());
            client.setTimeToWait(timeout.toMillis());
            client.setCallback(new Callback());
            options = new MqttConnectionOptions();
            MqttConnectionOptions o = options;
            o.setUserName(username);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            o.setCleanStart(true);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 5);
            // Paho 1.2.5 doubles its (JVM-wide, static) reconnect delay while it is below this bound, not the one
            // above: without it the delay grows to 128 s, for every Paho client of the JVM
            o.setMaxReconnectDelay(5000);
            o.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        } catch (MqttException e) {
            throw new IllegalArgumentException("invalid broker URI " + serverUri + ": " + e.getMessage(), e);
        }
        try {
            connect();
        } catch (MqttException e) {
            log.warn("broker at {} not reachable yet ({}); will connect on first use", serverUri, e.getMessage());
        }
    }

    private synchronized void connect() throws MqttException {
        if (!client.isConnected()) {
            client.connect(options);
            subscribe();
        }
    }

    private void subscribe() throws MqttException {
        client.subscribe(RESPONSE, 1);
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse r) {
            log.warn("dynsec admin disconnected: {}", r.getReasonString());
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("broker connection lost")));
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            log.warn("dynsec admin MQTT error", e);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            JsonNode root;
            try {
                root = JSON.readTree(message.getPayload());
            } catch (RuntimeException e) {
                log.warn("unparseable dynsec response", e);
                return;
            }
            for (JsonNode r : root.path("responses")) {
                CompletableFuture<JsonNode> f = pending.remove(r.path("correlationData").asString(""));
                if (f != null) {
                    f.complete(r);
                }
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
                try {
                    subscribe();
                } catch (MqttException e) {
                    log.warn("cannot resubscribe to dynsec responses", e);
                }
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    /**
     * Sends one command and waits for its answer.
     *
     * @return the response object (with {@code data} where the command returns some)
     * @throws BrokerCommandException when the broker answers with an {@code error}
     * @throws UnavailableException   when the broker is unreachable or silent past the timeout
     */
    JsonNode command(ObjectNode cmd) {
        JsonNode r = batch(List.of(cmd)).get(0);
        if (r.hasNonNull("error")) {
            throw new BrokerCommandException(cmd.path("command").asString(), r.get("error").asString());
        }
        return r;
    }

    /**
     * Sends several commands in one {@code $CONTROL} message (the plugin's {@code commands} array; it applies them
     * in order and answers them together) and waits for every answer: one round trip instead of one per command
     * (issue 15). Each modifying command still makes Mosquitto 2.0.11 save its whole configuration file.
     *
     * @return the response objects, in the order of {@code cmds}; an answer with {@code error} is returned, not
     *         thrown (the caller knows which errors are harmless)
     * @throws UnavailableException when the broker is unreachable or silent past the timeout
     */
    List<JsonNode> batch(List<ObjectNode> cmds) {
        ObjectNode envelope = JSON.createObjectNode();
        ArrayNode array = envelope.putArray("commands");
        List<String> correlations = new ArrayList<>(cmds.size());
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>(cmds.size());
        StringBuilder names = new StringBuilder();
        for (ObjectNode cmd : cmds) {
            String correlation = UUID.randomUUID().toString();
            cmd.put("correlationData", correlation);
            array.add(cmd);
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(correlation, f);
            correlations.add(correlation);
            answers.add(f);
            names.append(names.isEmpty() ? "" : "+").append(cmd.path("command").asString());
        }
        try {
            if (!client.isConnected()) {
                try {
                    connect();
                } catch (MqttException e) {
                    throw new UnavailableException("broker:unavailable", "broker not connected (" + names + "): " + e.getMessage(), e);
                }
            }
            client.publish(CONTROL, JSON.writeValueAsBytes(envelope), 1, false);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<JsonNode> out = new ArrayList<>(cmds.size());
            for (CompletableFuture<JsonNode> f : answers) {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } catch (MqttException | TimeoutException | ExecutionException e) {
            throw new UnavailableException("broker:unavailable", "dynsec " + names + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("broker:unavailable", "interrupted during dynsec " + names, e);
        } finally {
            correlations.forEach(pending::remove);
        }
    }

    /** Throws the answer's error unless it is absent or a harmless "not found" (when {@code notFoundIsFine}). */
    private static void check(ObjectNode cmd, JsonNode answer, boolean notFoundIsFine) {
        if (answer.hasNonNull("error")) {
            BrokerCommandException e = new BrokerCommandException(cmd.path("command").asString(), answer.get("error").asString());
            if (!(notFoundIsFine && notFound(e))) {
                throw e;
            }
        }
    }

    /** Sends {@code cmds} as one batch and throws the first error among the answers (see {@link #check}). */
    private void batchChecked(List<ObjectNode> cmds, boolean notFoundIsFine) {
        List<JsonNode> answers = batch(cmds);
        for (int i = 0; i < cmds.size(); i++) {
            check(cmds.get(i), answers.get(i), notFoundIsFine);
        }
    }

    /** {@code getClient} and {@code getRole} in one message. */
    @Override
    public BrokerLogin login(String username) {
        ObjectNode getClient = cmd("getClient").put("username", username);
        ObjectNode getRole = cmd("getRole").put("rolename", username);
        List<JsonNode> answers = batch(List.of(getClient, getRole));
        check(getClient, answers.get(0), true);
        check(getRole, answers.get(1), true);
        Optional<BrokerClient> client = answers.get(0).hasNonNull("error") ? Optional.empty()
                : Optional.of(clientOf(answers.get(0).path("data").path("client"), username));
        Optional<List<AclRule>> acls = answers.get(1).hasNonNull("error") ? Optional.empty()
                : Optional.of(acls(answers.get(1).path("data").path("role").path("acls")));
        return new BrokerLogin(client, acls);
    }

    /** {@code createRole}, {@code createClient} (and {@code disableClient}) in one message. */
    @Override
    public void createLogin(String username, String password, List<AclRule> acls, boolean enabled) {
        ObjectNode role = cmd("createRole").put("rolename", username);
        ArrayNode a = role.putArray("acls");
        acls.forEach(r -> a.add(acl(r)));
        ObjectNode client = cmd("createClient").put("username", username).put("password", password);
        client.putArray("roles").add(JSON.createObjectNode().put("rolename", username));
        List<ObjectNode> cmds = new ArrayList<>(List.of(role, client));
        if (!enabled) {
            cmds.add(cmd("disableClient").put("username", username));
        }
        batchChecked(cmds, false);
    }

    /** {@code setClientPassword}, {@code disableClient} (and {@code enableClient}) in one message. */
    @Override
    public void rotatePassword(String username, String password, boolean enabledAfter) {
        List<ObjectNode> cmds = new ArrayList<>(List.of(
                cmd("setClientPassword").put("username", username).put("password", password),
                cmd("disableClient").put("username", username)));
        if (enabledAfter) {
            cmds.add(cmd("enableClient").put("username", username));
        }
        batchChecked(cmds, false);
    }

    /** {@code deleteClient} then {@code deleteRole} in one message; absent ones are fine. */
    @Override
    public void deleteLogin(String username) {
        batchChecked(List.of(cmd("deleteClient").put("username", username), cmd("deleteRole").put("rolename", username)), true);
    }

    private static ObjectNode cmd(String name) {
        return JSON.createObjectNode().put("command", name);
    }

    private static boolean notFound(BrokerCommandException e) {
        return e.getMessage().toLowerCase().contains("not found");
    }

    private static ObjectNode acl(AclRule r) {
        return JSON.createObjectNode().put("acltype", r.type().dynsecName()).put("topic", r.topic())
                .put("priority", r.priority()).put("allow", r.allow());
    }

    @Override
    public void ensureRole(String role, List<AclRule> acls) {
        ensureRole(role, acls, roleAcls(role));
    }

    @Override
    public void ensureRole(String role, List<AclRule> acls, Optional<List<AclRule>> current) {
        if (current.isEmpty()) {
            ObjectNode c = cmd("createRole").put("rolename", role);
            ArrayNode a = c.putArray("acls");
            acls.forEach(r -> a.add(acl(r)));
            command(c);
            return;
        }
        Set<AclRule> want = new HashSet<>(acls);
        for (AclRule have : current.get()) {
            if (!want.contains(have)) {
                command(cmd("removeRoleACL").put("rolename", role).put("acltype", have.type().dynsecName())
                        .put("topic", have.topic()));
            }
        }
        Set<AclRule> have = new HashSet<>(current.get());
        for (AclRule w : acls) {
            if (!have.contains(w)) {
                ObjectNode c = acl(w).put("command", "addRoleACL").put("rolename", role);
                command(c);
            }
        }
    }

    @Override
    public void deleteRole(String role) {
        try {
            command(cmd("deleteRole").put("rolename", role));
        } catch (BrokerCommandException e) {
            if (!notFound(e)) {
                throw e;
            }
        }
    }

    @Override
    public void createClient(String username, String password, List<String> roles) {
        ObjectNode c = cmd("createClient").put("username", username).put("password", password);
        ArrayNode rs = c.putArray("roles");
        roles.forEach(r -> rs.add(JSON.createObjectNode().put("rolename", r)));
        command(c);
    }

    @Override
    public void setRoles(String username, List<String> roles) {
        BrokerClient current = client(username).orElseThrow(
                () -> new BrokerCommandException("setRoles", "Client not found: " + username));
        for (String r : current.roles()) {
            if (!roles.contains(r)) {
                command(cmd("removeClientRole").put("username", username).put("rolename", r));
            }
        }
        for (String r : roles) {
            if (!current.roles().contains(r)) {
                command(cmd("addClientRole").put("username", username).put("rolename", r));
            }
        }
    }

    @Override
    public void setPassword(String username, String password) {
        command(cmd("setClientPassword").put("username", username).put("password", password));
    }

    @Override
    public void enableClient(String username) {
        command(cmd("enableClient").put("username", username));
    }

    @Override
    public void disableClient(String username) {
        command(cmd("disableClient").put("username", username));
    }

    @Override
    public void deleteClient(String username) {
        try {
            command(cmd("deleteClient").put("username", username));
        } catch (BrokerCommandException e) {
            if (!notFound(e)) {
                throw e;
            }
        }
    }

    @Override
    public Optional<BrokerClient> client(String username) {
        JsonNode r;
        try {
            r = command(cmd("getClient").put("username", username));
        } catch (BrokerCommandException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(clientOf(r.path("data").path("client"), username));
    }

    private static BrokerClient clientOf(JsonNode c, String username) {
        List<String> roles = new ArrayList<>();
        c.path("roles").forEach(x -> roles.add(x.path("rolename").asString()));
        return new BrokerClient(c.path("username").asString(username), roles, c.path("disabled").asBoolean(false));
    }

    @Override
    public Set<String> clientNames() {
        Set<String> names = new HashSet<>();
        command(cmd("listClients").put("verbose", false).put("count", -1).put("offset", 0))
                .path("data").path("clients").forEach(n -> names.add(n.isObject() ? n.path("username").asString() : n.asString()));
        return names;
    }

    @Override
    public Set<String> roleNames() {
        Set<String> names = new HashSet<>();
        command(cmd("listRoles").put("verbose", false).put("count", -1).put("offset", 0))
                .path("data").path("roles").forEach(n -> names.add(n.isObject() ? n.path("rolename").asString() : n.asString()));
        return names;
    }

    /** One {@code listClients} with {@code verbose}: usernames, roles and the disabled flag of every client. */
    @Override
    public Map<String, BrokerClient> clients() {
        Map<String, BrokerClient> all = new java.util.HashMap<>();
        for (JsonNode c : command(cmd("listClients").put("verbose", true).put("count", -1).put("offset", 0))
                .path("data").path("clients")) {
            String u = c.path("username").asString();
            List<String> roles = new ArrayList<>();
            c.path("roles").forEach(x -> roles.add(x.path("rolename").asString()));
            all.put(u, new BrokerClient(u, roles, c.path("disabled").asBoolean(false)));
        }
        return all;
    }

    /** One {@code listRoles} with {@code verbose}: every role with its ACLs. */
    @Override
    public Map<String, List<AclRule>> roles() {
        Map<String, List<AclRule>> all = new java.util.HashMap<>();
        for (JsonNode r : command(cmd("listRoles").put("verbose", true).put("count", -1).put("offset", 0))
                .path("data").path("roles")) {
            all.put(r.path("rolename").asString(), acls(r.path("acls")));
        }
        return all;
    }

    private static List<AclRule> acls(JsonNode array) {
        List<AclRule> acls = new ArrayList<>();
        for (JsonNode a : array) {
            acls.add(new AclRule(AclRule.Type.ofDynsecName(a.path("acltype").asString()), a.path("topic").asString(),
                    a.path("allow").asBoolean(false), a.path("priority").asInt(0)));
        }
        return acls;
    }

    @Override
    public Optional<List<AclRule>> roleAcls(String role) {
        JsonNode r;
        try {
            r = command(cmd("getRole").put("rolename", role));
        } catch (BrokerCommandException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(acls(r.path("data").path("role").path("acls")));
    }

    /** True while connected to the broker. */
    public boolean connected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("closing dynsec admin", e);
        }
    }
}
