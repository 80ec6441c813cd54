package io.tenantry.provisioning;

import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.provisioning.BrokerFlowIT.Credential;
import io.tenantry.provisioning.broker.BrokerSync;
import io.tenantry.provisioning.credential.SecretHash;
import io.tenantry.core.tls.MqttTls;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;
import static io.tenantry.provisioning.BrokerFlowIT.close;
import static io.tenantry.provisioning.BrokerFlowIT.connect;
import static io.tenantry.provisioning.BrokerFlowIT.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7, attacks on MQTT logins and sessions, replayed against the real Mosquitto through the API:
 * <ul>
 *   <li>login collision, read and write: tenant {@code X_corp}'s service login and tenant {@code X}'s device
 *       {@code corp_svc} were the same login {@code t_X_corp_svc} in the V1 scheme;</li>
 *   <li>existence oracle: a PLC id used by another tenant is not "taken";</li>
 *   <li>session takeover: a device connecting with the client id of an offline persistent session
 *       (ingest's) must not inherit it;</li>
 *   <li>client-id kick: a device connecting with another device's client id must not disconnect it;</li>
 *   <li>migration: a V1-named login keeps working and moves to its new name when issued again.</li>
 * </ul>
 */
class LoginIsolationIT extends ProvisioningTestBase {
    @Autowired
    BrokerAdmin broker;
    @Autowired
    BrokerSync sync;

    /** The stored hash of a login's secret, read as the table owner. */
    String storedHash(String username) throws java.sql.SQLException {
        try (Connection conn = DriverManager.getConnection(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword())) {
            return DSL.using(conn, SQLDialect.POSTGRES).select(MQTT_CREDENTIALS.PASSWORD_HASH).from(MQTT_CREDENTIALS)
                    .where(MQTT_CREDENTIALS.USERNAME.eq(username)).fetchOne(MQTT_CREDENTIALS.PASSWORD_HASH);
        }
    }

    Credential deviceCredential(String tenant, Object deviceId) {
        return Credential.of(post(token("owner", tenant), "/api/v1/tenants/" + tenant + "/devices/" + deviceId + "/credentials", null, 201));
    }

    Credential serviceCredential(String tenant) {
        return Credential.of(post(token("owner", tenant), "/api/v1/tenants/" + tenant + "/service-credentials", null, 201));
    }

    /** An async client over TLS: its publish tokens carry the PUBACK reason code. */
    static MqttAsyncClient connectAsync(Credential c, String clientId) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(ENV.mqttTlsUrl(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(c.username());
        o.setPassword(c.password().getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(c.ca()));
        o.setConnectionTimeout(5);
        client.connect(o).waitForCompletion(10_000);
        return client;
    }

    static MqttAsyncClient connectAsync(Credential c) throws MqttException {
        return connectAsync(c, c.username());
    }

    /** Publishes QoS 1 and returns the PUBACK reason code, or -1 when the broker dropped the connection instead. */
    static int publish(MqttAsyncClient c, String topic, String payload) {
        try {
            IMqttToken token = c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
            token.waitForCompletion(5000);
            int[] rc = token.getReasonCodes();
            return rc == null || rc.length == 0 ? 0 : rc[0];
        } catch (MqttException e) {
            return -1;
        }
    }

    static void closeAsync(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(500);
            }
            c.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }

    @Test
    void aDeviceNamedLikeAnotherTenantsServiceLoginGetsItsOwnLogin() throws Exception {
        String base = slug("acme");
        String corp = createTenant(base + "_corp", "PRO");   // slug acme-xxxx_corp
        String acme = createTenant(base, "PRO");             // slug acme-xxxx
        // read: X_corp's service login first, then X's device corp_svc
        Credential svc = serviceCredential(corp);
        Object dev = createDevice(acme, "corp_svc").get("id");
        Credential stolen = deviceCredential(acme, dev);
        assertThat(stolen.username()).isNotEqualTo(svc.username()).isEqualTo("t_" + base + ".corp_svc");
        assertThat(svc.username()).isEqualTo("t_" + base + "_corp:svc");

        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        MqttClient service = connect(svc);          // X_corp's password still works
        MqttClient attacker = connect(stolen);
        try {
            subscribe(service, "plc/" + base + "_corp/#", got);
            var denied = attacker.subscribe(new MqttSubscription[]{new MqttSubscription("plc/" + base + "_corp/#", 1)},
                    new IMqttMessageListener[]{(t, m) -> got.add("LEAK " + t)});
            assertThat(denied.getReasonCodes()[0]).isGreaterThanOrEqualTo(0x80);
            // X_corp's own device publishes: only X_corp's service sees it
            Object corpDev = createDevice(corp, "press-1").get("id");
            Credential corpDevice = deviceCredential(corp, corpDev);
            MqttAsyncClient d = connectAsync(corpDevice);
            try {
                assertThat(publish(d, corpDevice.topic(), "{\"v\":1}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
                assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(corpDevice.topic() + " {\"v\":1}");
                assertThat(got.poll(500, TimeUnit.MILLISECONDS)).isNull();
            } finally {
                closeAsync(d);
            }
        } finally {
            close(service);
            close(attacker);
        }
        // deleting X's device removes X's login only
        http().delete().uri("/api/v1/tenants/" + acme + "/devices/" + dev).headers(h -> h.setBearerAuth(token("owner", acme)))
                .exchange().expectStatus().isNoContent();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.client(stolen.username()).isEmpty());
        close(connect(svc));
        assertThatThrownBy(() -> connect(stolen)).isInstanceOf(MqttException.class);
    }

    @Test
    void aServiceLoginNamedLikeAnotherTenantsDeviceGetsItsOwnLogin() throws Exception {
        String base = slug("acme");
        String acme = createTenant(base, "PRO");
        String corp = createTenant(base + "_corp", "PRO");
        // write: X's device corp_svc first, then X_corp's service login
        Object dev = createDevice(acme, "corp_svc").get("id");
        Credential device = deviceCredential(acme, dev);
        Credential svc = serviceCredential(corp);
        assertThat(svc.username()).isNotEqualTo(device.username());
        // X's device is not locked out; X_corp's service login may not write X's topic
        MqttAsyncClient d = connectAsync(device);
        MqttAsyncClient s = connectAsync(svc);
        try {
            assertThat(publish(d, device.topic(), "{\"v\":2}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
            assertThat(publish(s, device.topic(), "{\"v\":666}")).as("refused: PUBACK >= 0x80 or disconnect")
                    .satisfiesAnyOf(rc -> assertThat(rc).isGreaterThanOrEqualTo(0x80), rc -> assertThat(rc).isEqualTo(-1));
        } finally {
            closeAsync(d);
            closeAsync(s);
        }
        Map<String, Object> row = get(token("owner", acme), "/api/v1/tenants/" + acme + "/devices/" + dev, 200);
        assertThat(((Map<?, ?>) row.get("mqtt")).get("username")).isEqualTo(device.username());
    }

    @Test
    void plcIdsAreUniquePerTenantOnlyAndTheConflictSaysNothingAboutOthers() {
        String a = createTenant(slug("ora"), "PRO");
        String b = createTenant(slug("orb"), "PRO");
        createDevice(a, "press-1");
        createDevice(b, "press-1");                   // another tenant's name is not "taken"
        Map<String, Object> problem = post(token("owner", a), "/api/v1/tenants/" + a + "/devices",
                Map.of("plcId", "press-1", "type", "modbus_tcp"), 409);
        assertThat(problem.get("errorCode")).isEqualTo("provisioning:device.plc-id-taken");
        assertThat(String.valueOf(problem.get("detail"))).contains("this tenant").doesNotContain("username");
        // 'svc' is an ordinary PLC id now: it cannot collide with the service login
        createDevice(a, "svc");
    }

    @Test
    void aDeviceCannotTakeOverAnOfflinePersistentSessionByItsClientId() throws Exception {
        String a = createTenant(slug("tka"), "PRO");
        String b = createTenant(slug("tkb"), "PRO");
        Credential attackerCred = deviceCredential(a, createDevice(a, "evil").get("id"));
        Map<String, Object> bDev = createDevice(b, "press-1");
        Credential bCred = deviceCredential(b, bDev.get("id"));
        String victimId = "ingest-it-" + UUID.randomUUID().toString().substring(0, 6);
        String bTopic = bCred.topic();

        // the victim: an ingest-like persistent session on the internal listener, subscribed to B's topic, offline
        MqttConnectionOptions persistent = new MqttConnectionOptions();
        persistent.setCleanStart(false);
        persistent.setSessionExpiryInterval(300L);
        persistent.setUserName(ENV.ingestMqttUser());
        persistent.setPassword(ENV.ingestMqttPassword().getBytes(StandardCharsets.UTF_8));
        MqttClient victim = new MqttClient(ENV.mqttUrl(), victimId, new MemoryPersistence());
        victim.connect(persistent);
        victim.subscribe(new MqttSubscription[]{new MqttSubscription(bTopic, 1)},
                new IMqttMessageListener[]{(t, m) -> { }});
        victim.disconnect();
        victim.close();

        MqttAsyncClient bDevice = connectAsync(bCred);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(publish(bDevice, bTopic, "{\"n\":" + i + "}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
            }
        } finally {
            closeAsync(bDevice);
        }

        // the attacker connects over TLS with the victim's client id and Clean Start 0
        BlockingQueue<String> stolen = new LinkedBlockingQueue<>();
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(300L);
        MqttClient attacker = new MqttClient(ENV.mqttTlsUrl(), victimId, new MemoryPersistence());
        attacker.setCallback(new MqttCallbackAdapter(stolen));
        o.setUserName(attackerCred.username());
        o.setPassword(attackerCred.password().getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(attackerCred.ca()));
        var token = attacker.connectWithResult(o);
        try {
            assertThat(token.getSessionPresent()).as("attacker must not inherit the victim's session").isFalse();
            assertThat(stolen.poll(2, TimeUnit.SECONDS)).isNull();
        } finally {
            close(attacker);
        }

        // the victim's session is intact: it gets B's three messages when it comes back
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient back = new MqttClient(ENV.mqttUrl(), victimId, new MemoryPersistence());
        back.setCallback(new MqttCallbackAdapter(received));
        var again = back.connectWithResult(persistent);
        try {
            assertThat(again.getSessionPresent()).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(bTopic + " {\"n\":" + i + "}");
            }
        } finally {
            MqttConnectionOptions end = new MqttConnectionOptions();
            back.disconnect();
            back.close();
            // clean up the persistent session
            MqttClient gone = new MqttClient(ENV.mqttUrl(), victimId, new MemoryPersistence());
            end.setCleanStart(true);
            end.setSessionExpiryInterval(0L);
            end.setUserName(ENV.ingestMqttUser());
            end.setPassword(ENV.ingestMqttPassword().getBytes(StandardCharsets.UTF_8));
            gone.connect(end);
            gone.disconnect();
            gone.close();
        }
    }

    @Test
    void aDeviceCannotKickAnotherDeviceOffByUsingItsClientId() throws Exception {
        String t = createTenant(slug("kick"), "PRO");
        Credential one = deviceCredential(t, createDevice(t, "dev-1").get("id"));
        Credential two = deviceCredential(t, createDevice(t, "dev-2").get("id"));
        MqttAsyncClient victim = connectAsync(one, one.username());
        MqttAsyncClient attacker = connectAsync(two, one.username());
        try {
            // the victim stays connected (a takeover would drop it within milliseconds)
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(victim::isConnected);
            assertThat(victim.isConnected()).as("victim still connected").isTrue();
            assertThat(attacker.isConnected()).isTrue();
            assertThat(publish(victim, one.topic(), "{\"v\":1}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
        } finally {
            closeAsync(victim);
            closeAsync(attacker);
        }
    }

    @Test
    void aV1NamedLoginKeepsWorkingAndMovesToItsNewNameWhenIssuedAgain() throws Exception {
        String s = slug("leg");
        String t = createTenant(s, "PRO");
        Object d = createDevice(t, "press-1").get("id");
        String legacy = "t_" + s + "_press-1";
        String password = "legacy-" + UUID.randomUUID();
        // the state a V1 installation left: device row and credential named t_<slug>_<plc_id>, broker login
        try (Connection conn = DriverManager.getConnection(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword())) {
            DSLContext owner = DSL.using(conn, SQLDialect.POSTGRES);
            owner.update(DEVICES).set(DEVICES.MQTT_USERNAME, legacy).where(DEVICES.ID.eq(UUID.fromString((String) d))).execute();
            owner.insertInto(MQTT_CREDENTIALS).set(MQTT_CREDENTIALS.USERNAME, legacy)
                    .set(MQTT_CREDENTIALS.TENANT_ID, UUID.fromString(t)).set(MQTT_CREDENTIALS.DEVICE_ID, UUID.fromString((String) d))
                    .set(MQTT_CREDENTIALS.PASSWORD_HASH, new BCryptPasswordEncoder(4).encode(password))
                    .set(MQTT_CREDENTIALS.CREATED_AT, OffsetDateTime.now()).set(MQTT_CREDENTIALS.ROTATED_AT, OffsetDateTime.now())
                    .execute();
        }
        sync.apply(legacy, password);
        // issue 15: the bcrypt hash such an installation stored still verifies (SecretHash understands both formats)
        assertThat(SecretHash.matches(password, storedHash(legacy))).isTrue();
        String ca = java.nio.file.Files.readString(ENV.mqttCaFile(), StandardCharsets.US_ASCII);
        Credential old = new Credential(legacy, password, "plc/" + s + "/press-1", ca);

        // the reconciler keeps it, lists it, and it still publishes on its topic
        @SuppressWarnings("unchecked")
        List<String> listed = (List<String>) post(adminToken(), "/api/v1/admin/reconcile", null, 200).get("legacyLogins");
        assertThat(listed).contains(legacy);
        MqttAsyncClient c = connectAsync(old);
        try {
            assertThat(publish(c, old.topic(), "{\"v\":1}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
        } finally {
            closeAsync(c);
        }

        // issuing again renames it; the V1 login disappears from the broker
        Credential renewed = deviceCredential(t, d);
        assertThat(renewed.username()).isEqualTo("t_" + s + ".press-1");
        // a new credential is stored as SHA-256 of its random password (issue 15 decision, SecretHash)
        assertThat(storedHash(renewed.username())).startsWith(SecretHash.SHA256_PREFIX);
        assertThat(SecretHash.matches(renewed.password(), storedHash(renewed.username()))).isTrue();
        assertThat(SecretHash.matches(password, storedHash(renewed.username()))).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.client(legacy).isEmpty() && broker.roleAcls(legacy).isEmpty());
        assertThatThrownBy(() -> connect(old)).isInstanceOf(MqttException.class);
        MqttAsyncClient n = connectAsync(renewed);
        try {
            assertThat(publish(n, renewed.topic(), "{\"v\":2}")).as("PUBACK success (< 0x80)").isBetween(0, 0x7f);
        } finally {
            closeAsync(n);
        }
        assertThat(((Map<?, ?>) get(token("owner", t), "/api/v1/tenants/" + t + "/devices/" + d, 200).get("mqtt")).get("username"))
                .isEqualTo(renewed.username());
        @SuppressWarnings("unchecked")
        List<String> after = (List<String>) post(adminToken(), "/api/v1/admin/reconcile", null, 200).get("legacyLogins");
        assertThat(after).doesNotContain(legacy);
    }

    /** Collects "topic payload" of every message that arrives. */
    record MqttCallbackAdapter(BlockingQueue<String> into) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
            into.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
        }
    }
}
