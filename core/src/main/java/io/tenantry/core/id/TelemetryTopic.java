package io.tenantry.core.id;

import java.util.Objects;
import java.util.Optional;

/**
 * A device's telemetry topic {@code plc/<tenant_slug>/<plc_id>} (design note 003 §4), built by
 * {@link MqttNames#telemetryTopic} and parsed here: the one definition of the format.
 *
 * @param tenantSlug the second level
 * @param plcId      the third level
 */
public record TelemetryTopic(TenantSlug tenantSlug, PlcId plcId) {
    public TelemetryTopic {
        Objects.requireNonNull(tenantSlug, "tenantSlug");
        Objects.requireNonNull(plcId, "plcId");
    }

    /**
     * Parses a topic.
     *
     * @return empty unless the topic has exactly three levels, the first is {@code plc} and the others follow
     *         the naming rule {@code [a-z0-9-_]{3,32}} (note 003 §6); never throws
     */
    public static Optional<TelemetryTopic> parse(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        String[] parts = topic.split("/", -1);
        if (parts.length != 3 || !MqttNames.TOPIC_ROOT.equals(parts[0])
                || !Slugs.PATTERN.matcher(parts[1]).matches() || !Slugs.PATTERN.matcher(parts[2]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TelemetryTopic(new TenantSlug(parts[1]), new PlcId(parts[2])));
    }

    /** The topic text, {@code plc/<slug>/<plc_id>}. */
    @Override
    public String toString() {
        return MqttNames.telemetryTopic(tenantSlug, plcId);
    }
}
