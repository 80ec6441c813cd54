package io.tenantry.ingest;

import io.tenantry.adapters.mqtt.MosquittoDynsecBrokerAdmin;
import io.tenantry.core.broker.AclRule;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which topic string does Mosquitto 2.0's dynamic-security plugin check when a client subscribes to a shared
 * subscription? Measured here with two throw-away logins and a private share group (never the real
 * {@code ingest} group, so no message of other tests is taken): only an ACL on the full
 * {@code $share/<group>/<filter>} string grants it; an ACL on the bare filter does not.
 * {@code PlatformBootstrap.ingestAcls()} carries both, which keeps working on brokers that check either form.
 */
@ExtendWith(LocalStackExtension.class)
class SharedSubscriptionAclIT {
    private final StackEnv env;

    SharedSubscriptionAclIT(StackEnv env) {
        this.env = env;
    }

    @Test
    void dynsecChecksSharedSubscriptionsAgainstTheFullSharePath() throws Exception {
        String id = IngestFixtures.random(8);
        String group = "aclprobe" + id;
        String shared = "$share/" + group + "/plc/+/+";
        String withShare = "aclprobe-share-" + id;
        String bareOnly = "aclprobe-bare-" + id;
        try (MosquittoDynsecBrokerAdmin admin = new MosquittoDynsecBrokerAdmin(env.mqttUrl(), env.mqttAdminUser(),
                env.mqttAdminPassword(), Duration.ofSeconds(10))) {
            try {
                admin.ensureRole(withShare, List.of(AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, shared)));
                admin.ensureRole(bareOnly, List.of(AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, "plc/+/+")));
                admin.ensureClient(withShare, "pw-" + id, List.of(withShare));
                admin.ensureClient(bareOnly, "pw-" + id, List.of(bareOnly));
                assertThat(subscribeReason(withShare, "pw-" + id, shared)).isLessThan(0x80);
                assertThat(subscribeReason(bareOnly, "pw-" + id, shared)).isEqualTo(0x87); // not authorized
            } finally {
                admin.deleteClient(withShare);
                admin.deleteClient(bareOnly);
                admin.deleteRole(withShare);
                admin.deleteRole(bareOnly);
            }
        }
    }

    private int subscribeReason(String user, String password, String filter) throws Exception {
        MqttClient c = new MqttClient(env.mqttUrl(), user, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(true);
        c.connect(o);
        try {
            IMqttToken t = c.subscribe(new MqttSubscription[]{new MqttSubscription(filter, 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(topic, m) -> { }});
            return t.getReasonCodes()[0];
        } finally {
            c.disconnect();
            c.close();
        }
    }
}
