package io.tenantry.provisioning;

import io.tenantry.core.tls.MqttTls;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.db.jooq.tables.records.AuditEventsRecord;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
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

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tenantry.db.jooq.Tables.AUDIT_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The broker follows the API: device logins over TLS confined to their topic, rotation, suspension, termination,
 * recovery after a broker outage between the PostgreSQL commit and the dynsec call, and the audit chain.
 */
class BrokerFlowIT extends ProvisioningTestBase {
    @Autowired
    BrokerAdmin broker;

    record Credential(String username, String password, String topic, String ca) {
        @SuppressWarnings("unchecked")
        static Credential of(Map<String, Object> m) {
            return new Credential((String) m.get("username"), (String) m.get("password"), (String) m.get("topic"),
                    (String) m.get("caCertificate"));
        }
    }

    Credential deviceCredential(String tenant, Object deviceId) {
        Map<String, Object> m = post(token("owner", tenant), "/api/v1/tenants/" + tenant + "/devices/" + deviceId + "/credentials", null, 201);
        assertThat(m.get("brokerUrl")).isEqualTo(ENV.mqttTlsUrl());
        // the outbox is applied right after commit, before the response is written (broker up)
        assertThat(m.get("brokerSync")).isEqualTo("applied");
        return Credential.of(m);
    }

    static MqttClient connect(Credential c, String clientId, MqttConnectionOptions extra) throws MqttException {
        MqttClient client = new MqttClient(ENV.mqttTlsUrl(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = extra == null ? new MqttConnectionOptions() : extra;
        o.setUserName(c.username());
        o.setPassword(c.password().getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(c.ca()));
        o.setConnectionTimeout(5);
        client.connect(o);
        return client;
    }

    static MqttClient connect(Credential c) throws MqttException {
        return connect(c, c.username() + "-" + UUID.randomUUID().toString().substring(0, 6), null);
    }

    static void close(MqttClient c) {
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(500);
            }
            c.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }

    static void subscribe(MqttClient c, String filter, BlockingQueue<String> into) throws MqttException {
        var token = c.subscribe(new MqttSubscription[]{new MqttSubscription(filter, 1)},
                new IMqttMessageListener[]{(t, m) -> into.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});
        assertThat(token.getReasonCodes()[0]).as("subscription to %s accepted", filter).isLessThan(0x80);
    }

    @Test
    void deviceIsConfinedToItsTopicAndFollowsRotationAndLifecycle() throws Exception {
        String slugA = slug("fa");
        String slugB = slug("fb");
        String a = createTenant(slugA, "PRO");
        String b = createTenant(slugB, "PRO");
        Object d1 = createDevice(a, "press-1").get("id");
        createDevice(a, "press-2");
        Object bd = createDevice(b, "press-1").get("id");
        Credential c1 = deviceCredential(a, d1);
        Credential cb = deviceCredential(b, bd);
        assertThat(c1.username()).isEqualTo("t_" + slugA + ".press-1");
        assertThat(c1.topic()).isEqualTo("plc/" + slugA + "/press-1");
        Credential svc = Credential.of(post(token("owner", a), "/api/v1/tenants/" + a + "/service-credentials", null, 201));
        assertThat(svc.username()).isEqualTo("t_" + slugA + ":svc");

        BlockingQueue<String> tenantA = new LinkedBlockingQueue<>();
        BlockingQueue<String> tenantB = new LinkedBlockingQueue<>();
        BlockingQueue<String> wildcard = new LinkedBlockingQueue<>();
        MqttClient service = connect(svc);
        MqttClient bWatcher = connect(cb);
        MqttClient device = connect(c1);
        try {
            subscribe(service, "plc/" + slugA + "/#", tenantA);
            // B's own device may not read its tenant's topics either: the service login may, the device may not
            var denied = bWatcher.subscribe(new MqttSubscription[]{new MqttSubscription("plc/" + slugB + "/#", 1)},
                    new IMqttMessageListener[]{(t, m) -> tenantB.add(t)});
            assertThat(denied.getReasonCodes()[0]).isGreaterThanOrEqualTo(0x80);
            var wild = device.subscribe(new MqttSubscription[]{new MqttSubscription("#", 1)},
                    new IMqttMessageListener[]{(t, m) -> wildcard.add(t)});
            assertThat(wild.getReasonCodes()[0]).isGreaterThanOrEqualTo(0x80);

            device.publish(c1.topic(), "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(tenantA.poll(5, TimeUnit.SECONDS)).isEqualTo(c1.topic() + " {\"v\":1}");

            // another device's topic of A, and B's topic: refused by the broker, not delivered
            // (a second connection of the same login replaces the first on the device listener, where the client
            // id is the username: issue 7; the device reconnects afterwards)
            for (String forbidden : new String[]{"plc/" + slugA + "/press-2", "plc/" + slugB + "/press-1"}) {
                MqttClient intruder = connect(c1);
                try {
                    intruder.publish(forbidden, "x".getBytes(StandardCharsets.UTF_8), 1, false);
                } catch (MqttException refused) {
                    // PUBACK 0x87
                } finally {
                    close(intruder);
                }
            }
            MqttClient current = connect(c1);
            current.publish(c1.topic(), "marker".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(tenantA.poll(5, TimeUnit.SECONDS)).isEqualTo(c1.topic() + " marker");
            assertThat(tenantA.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(wildcard).isEmpty();
            assertThat(tenantB).isEmpty();

            // rotation: the old password stops working at once, the new one works
            Credential rotated = deviceCredential(a, d1);
            assertThat(rotated.password()).isNotEqualTo(c1.password());
            assertThatThrownBy(() -> connect(c1)).isInstanceOf(MqttException.class);
            MqttClient again = connect(rotated);
            close(again);
            await().atMost(Duration.ofSeconds(5)).until(() -> !current.isConnected()); // old session dropped

            // suspend: connected devices are dropped and cannot reconnect; activate restores
            MqttClient live = connect(rotated);
            post(adminToken(), "/api/v1/tenants/" + a + "/suspend", null, 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !live.isConnected());
            assertThatThrownBy(() -> connect(rotated)).isInstanceOf(MqttException.class);
            post(adminToken(), "/api/v1/tenants/" + a + "/activate", null, 200);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                MqttClient ok = connect(rotated);
                close(ok);
                return true;
            });
            close(live);

            // terminate: the tenant's logins and roles are gone from the broker
            post(adminToken(), "/api/v1/tenants/" + a + "/terminate", null, 200);
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    broker.clientNames().stream().noneMatch(n -> n.startsWith("t_" + slugA + ".") || n.startsWith("t_" + slugA + ":"))
                            && broker.roleNames().stream().noneMatch(n -> n.startsWith("t_" + slugA + ".") || n.startsWith("t_" + slugA + ":")));
            assertThatThrownBy(() -> connect(rotated)).isInstanceOf(MqttException.class);
            // B is untouched
            MqttClient bStill = connect(cb);
            close(bStill);
        } finally {
            close(service);
            close(bWatcher);
            close(device);
        }
    }

    @Test
    void brokerDownBetweenCommitAndDynsecCallIsRepairedAfterRestart() throws Exception {
        String t = createTenant(slug("outage"), "PRO");
        Object d = createDevice(t, "pump-1").get("id");
        Map<String, Object> issued;
        ENV.stack("stop", "mosquitto");
        try {
            issued = post(token("owner", t), "/api/v1/tenants/" + t + "/devices/" + d + "/credentials", null, 201);
            assertThat(issued.get("brokerSync")).isEqualTo("pending");
        } finally {
            ENV.stack("start", "mosquitto");
        }
        Credential c = Credential.of(issued);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            MqttClient ok = connect(c);
            close(ok);
            return true;
        });
    }

    @Test
    void auditChainVerifiesAndNamesAnEditedRow() throws Exception {
        String t = createTenant(slug("audit"), "FREE");
        createDevice(t, "dev-1");
        Map<String, Object> ok = get(adminToken(), "/api/v1/admin/audit/verify", 200);
        assertThat(ok).containsEntry("valid", true);
        get(token("owner", t), "/api/v1/admin/audit/verify", 403);

        try (Connection conn = DriverManager.getConnection(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword())) {
            DSLContext owner = DSL.using(conn, SQLDialect.POSTGRES);
            AuditEventsRecord row = owner.selectFrom(AUDIT_EVENTS).where(AUDIT_EVENTS.TENANT_ID.eq(UUID.fromString(t)))
                    .and(AUDIT_EVENTS.ACTION.eq("device.created")).fetchOne();
            String original = row.getTarget();
            owner.update(AUDIT_EVENTS).set(AUDIT_EVENTS.TARGET, "device:forged").where(AUDIT_EVENTS.SEQ.eq(row.getSeq())).execute();
            try {
                Map<String, Object> broken = get(adminToken(), "/api/v1/admin/audit/verify", 200);
                assertThat(broken).containsEntry("valid", false);
                assertThat(((Number) broken.get("brokenSeq")).longValue()).isEqualTo(row.getSeq());
                assertThat(broken.get("brokenId")).isEqualTo(row.getId().toString());
            } finally {
                owner.update(AUDIT_EVENTS).set(AUDIT_EVENTS.TARGET, original).where(AUDIT_EVENTS.SEQ.eq(row.getSeq())).execute();
            }
        }
        assertThat(get(adminToken(), "/api/v1/admin/audit/verify", 200)).containsEntry("valid", true);
    }

    @Test
    void deactivatingADeviceDisablesItsLoginAndDeletingRemovesIt() throws Exception {
        String t = createTenant(slug("deact"), "PRO");
        Object d = createDevice(t, "press-9").get("id");
        Credential c = deviceCredential(t, d);
        MqttClient live = connect(c);
        String owner = token("owner", t);
        http().patch().uri("/api/v1/tenants/" + t + "/devices/" + d).headers(h -> h.setBearerAuth(owner))
                .bodyValue(Map.of("active", false)).exchange().expectStatus().isOk();
        // applied after commit, before the response: the login is disabled when the PATCH answers
        assertThat(broker.client(c.username())).hasValueSatisfying(bc -> assertThat(bc.disabled()).isTrue());
        await().atMost(Duration.ofSeconds(10)).until(() -> !live.isConnected());
        assertThatThrownBy(() -> connect(c)).isInstanceOf(MqttException.class);
        http().patch().uri("/api/v1/tenants/" + t + "/devices/" + d).headers(h -> h.setBearerAuth(owner))
                .bodyValue(Map.of("active", true)).exchange().expectStatus().isOk();
        close(connect(c));
        close(live);
        // a viewer may not delete; the owner may, and the login and role disappear
        http().delete().uri("/api/v1/tenants/" + t + "/devices/" + d).headers(h -> h.setBearerAuth(token("viewer", t)))
                .exchange().expectStatus().isForbidden();
        http().delete().uri("/api/v1/tenants/" + t + "/devices/" + d).headers(h -> h.setBearerAuth(owner))
                .exchange().expectStatus().isNoContent();
        assertThat(broker.client(c.username())).isEmpty();
        assertThat(broker.roleAcls(c.username())).isEmpty();
        assertThatThrownBy(() -> connect(c)).isInstanceOf(MqttException.class);
        get(owner, "/api/v1/tenants/" + t + "/devices/" + d, 404);
    }
}
