package io.tenantry.core.broker;

import java.util.Objects;

/**
 * One topic ACL entry of a broker role, in Mosquitto dynamic-security terms
 * (mosquitto.org/documentation/dynamic-security: "ACL types").
 *
 * @param type     which operation the rule governs
 * @param topic    topic or topic filter, literal (Mosquitto 2.0 dynsec has no {@code %c}/{@code %u} substitution)
 * @param allow    allow or deny
 * @param priority higher is checked first; -1 is the broker default
 */
public record AclRule(Type type, String topic, boolean allow, int priority) {
    public AclRule {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topic, "topic");
    }

    /** The dynsec ACL types. */
    public enum Type {
        PUBLISH_CLIENT_SEND("publishClientSend"),
        PUBLISH_CLIENT_RECEIVE("publishClientReceive"),
        SUBSCRIBE_LITERAL("subscribeLiteral"),
        SUBSCRIBE_PATTERN("subscribePattern"),
        UNSUBSCRIBE_LITERAL("unsubscribeLiteral"),
        UNSUBSCRIBE_PATTERN("unsubscribePattern");

        private final String dynsecName;

        Type(String dynsecName) {
            this.dynsecName = dynsecName;
        }

        /** The name used on {@code $CONTROL/dynamic-security/v1}. */
        public String dynsecName() {
            return dynsecName;
        }

        public static Type ofDynsecName(String name) {
            for (Type t : values()) {
                if (t.dynsecName.equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown ACL type " + name);
        }
    }

    public static AclRule allow(Type type, String topic) {
        return new AclRule(type, topic, true, 0);
    }
}
