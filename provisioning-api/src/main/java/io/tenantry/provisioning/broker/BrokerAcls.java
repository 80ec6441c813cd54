package io.tenantry.provisioning.broker;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;

import java.util.List;

import static io.tenantry.core.broker.AclRule.Type.PUBLISH_CLIENT_RECEIVE;
import static io.tenantry.core.broker.AclRule.Type.PUBLISH_CLIENT_SEND;
import static io.tenantry.core.broker.AclRule.Type.SUBSCRIBE_PATTERN;
import static io.tenantry.core.broker.AclRule.allow;

/**
 * The topic ACLs of tenant logins (design note 003 §4, issue 3). Mosquitto 2.0 dynsec has no {@code %c}/{@code %u}
 * substitution, so every role carries literal topics.
 */
public final class BrokerAcls {
    private BrokerAcls() {
    }

    /**
     * A device may publish on exactly {@code plc/<slug>/<plc_id>} and subscribe to (and receive)
     * {@code plc/<slug>/<plc_id>/cmd/#}; nothing else.
     */
    public static List<AclRule> device(TenantSlug slug, PlcId plc) {
        String cmd = MqttNames.commandTopicFilter(slug, plc);
        return List.of(allow(PUBLISH_CLIENT_SEND, MqttNames.telemetryTopic(slug, plc)),
                allow(SUBSCRIBE_PATTERN, cmd),
                allow(PUBLISH_CLIENT_RECEIVE, cmd));
    }

    /** The tenant service login may subscribe to and receive {@code plc/<slug>/#}; it may not publish. */
    public static List<AclRule> tenantService(TenantSlug slug) {
        String all = MqttNames.tenantTopicFilter(slug);
        return List.of(allow(SUBSCRIBE_PATTERN, all), allow(PUBLISH_CLIENT_RECEIVE, all));
    }
}
