package io.tenantry.adapters.mqtt;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.tls.MqttTls;
import io.tenantry.core.broker.BrokerCommandException;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The private Mosquitto is real: a client created through {@code $CONTROL/dynamic-security/v1} connects over
 * TLS, publishes and receives on its allowed topic, and is refused elsewhere.
 */
@ExtendWith(LocalStackExtension.class)
class MosquittoDynsecSmokeIT {
    private final StackEnv env;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String user = "smoke_" + id;
    private final String allowed = "smoke/" + id + "/data";
    private MosquittoDynsecBrokerAdmin admin;

    MosquittoDynsecSmokeIT(StackEnv env) {
        this.env = env;
    }

    @BeforeEach
    void setUp() {
        admin = new MosquittoDynsecBrokerAdmin(env.mqttUrl(), env.mqttAdminUser(), env.mqttAdminPassword(), Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        admin.deleteClient(user);
        admin.deleteRole(user);
        admin.deleteRole(user + "_other");
        admin.close();
    }

    private MqttClient tlsClient(String password) throws MqttException {
        return tlsClient(user, password);
    }

    private MqttClient tlsClient(String clientId, String password) throws MqttException {
        MqttClient c = new MqttClient(env.mqttTlsUrl(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(env.mqttCaFile()));
        o.setConnectionTimeout(5);
        c.connect(o);
        return c;
    }

    @Test
    void dynsecClientOverTlsIsConfinedToItsTopic() throws Exception {
        List<AclRule> acls = List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, allowed),
                AclRule.allow(AclRule.Type.SUBSCRIBE_LITERAL, allowed));
        admin.ensureRole(user, acls);
        admin.ensureRole(user, acls); // idempotent
        assertThat(admin.roleAcls(user)).hasValueSatisfying(a -> assertThat(a).containsExactlyInAnyOrderElementsOf(acls));
        String password = UUID.randomUUID().toString();
        admin.ensureClient(user, password, List.of(user));
        assertThat(admin.client(user)).hasValueSatisfying(c -> assertThat(c.roles()).containsExactly(user));
        assertThat(admin.clientNames()).contains(user, env.mqttAdminUser());
        // the bulk reads (one verbose listing each) say what the single reads say
        admin.disableClient(user);
        assertThat(admin.clients().get(user)).isEqualTo(admin.client(user).orElseThrow())
                .satisfies(c -> assertThat(c.disabled()).isTrue());
        admin.enableClient(user);
        assertThat(admin.clients().get(user).disabled()).isFalse();
        assertThat(admin.roles().get(user)).containsExactlyInAnyOrderElementsOf(acls);
        assertThat(admin.roles()).doesNotContainKey(user + "_other");

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient c = tlsClient(password);
        try {
            c.subscribe(new MqttSubscription[]{new MqttSubscription(allowed, 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(t, m) -> received.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});
            c.publish(allowed, "hello".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(allowed + " hello");

            // a forbidden subscription is refused with a failure reason code (>= 0x80)
            var token = c.subscribe(new MqttSubscription[]{new MqttSubscription("#", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(t, m) -> received.add("wild " + t)});
            assertThat(token.getReasonCodes()[0]).isGreaterThanOrEqualTo(0x80);

            // a publish on a forbidden topic is not delivered (the admin watches it)
            BlockingQueue<String> watched = new LinkedBlockingQueue<>();
            MqttClient watcher = new MqttClient(env.mqttUrl(), "smoke-watch-" + id, new MemoryPersistence());
            MqttConnectionOptions wo = new MqttConnectionOptions();
            wo.setUserName(env.mqttAdminUser());
            wo.setPassword(env.mqttAdminPassword().getBytes(StandardCharsets.UTF_8));
            watcher.connect(wo);
            try {
                watcher.subscribe(new MqttSubscription[]{new MqttSubscription("smoke/" + id + "/#", 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(t, m) -> watched.add(t)});
                // Mosquitto answers PUBACK 0x87 (not authorized) and does not forward the message
                MqttClient intruder = tlsClient(user + "-2", password);
                try {
                    intruder.publish("smoke/" + id + "/other", "x".getBytes(StandardCharsets.UTF_8), 1, false);
                } catch (MqttException expected) {
                    // refused: the broker did not accept the message
                } finally {
                    if (intruder.isConnected()) {
                        intruder.disconnectForcibly(1000);
                    }
                    intruder.close(true);
                }
                // the device listener uses the username as client id (bin/stack, issue 7): the intruder's
                // connection of the same login replaced the first one, whatever client id it asked for
                await().atMost(Duration.ofSeconds(5)).until(() -> !c.isConnected());
                MqttClient again = tlsClient(password);
                try {
                    again.publish(allowed, "marker".getBytes(StandardCharsets.UTF_8), 1, false);
                } finally {
                    again.disconnectForcibly(1000);
                    again.close(true);
                }
                assertThat(watched.poll(5, TimeUnit.SECONDS)).isEqualTo(allowed);
                assertThat(watched.poll(500, TimeUnit.MILLISECONDS)).isNull();
            } finally {
                watcher.disconnect();
                watcher.close();
            }
        } finally {
            if (c.isConnected()) {
                c.disconnectForcibly(1000);
            }
            c.close(true);
        }

        // a wrong password is refused
        assertThatThrownBy(() -> tlsClient("wrong")).isInstanceOf(MqttException.class);
    }

    @Test
    void setRolesChangesOnlyTheRolesAndCreateClientRefusesAnExistingName() throws Exception {
        String other = user + "_other";
        admin.ensureRole(user, List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, allowed)));
        admin.ensureRole(other, List.of());
        assertThatThrownBy(() -> admin.setRoles(user, List.of(user))).isInstanceOf(BrokerCommandException.class);
        String password = UUID.randomUUID().toString();
        admin.createClient(user, password, List.of(user));
        assertThatThrownBy(() -> admin.createClient(user, "another", List.of(user)))
                .isInstanceOf(BrokerCommandException.class);

        admin.setRoles(user, List.of(other));
        assertThat(admin.client(user)).hasValueSatisfying(c -> assertThat(c.roles()).containsExactly(other));
        admin.setRoles(user, List.of(user, other));
        assertThat(admin.client(user)).hasValueSatisfying(c -> assertThat(c.roles()).containsExactlyInAnyOrder(user, other));
        admin.setRoles(user, List.of(user));
        assertThat(admin.client(user)).hasValueSatisfying(c -> assertThat(c.roles()).containsExactly(user));

        // neither setRoles nor the refused createClient touched the password
        MqttClient c = tlsClient(password);
        try {
            assertThat(c.isConnected()).isTrue();
        } finally {
            c.disconnectForcibly(1000);
            c.close(true);
        }
    }
}
