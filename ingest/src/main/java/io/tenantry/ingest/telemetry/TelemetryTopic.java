package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.Slugs;

import java.util.Optional;

/**
 * A telemetry topic {@code plc/<tenant_slug>/<plc_id>} (design note 003 §4, {@code MqttNames.telemetryTopic}).
 *
 * @param tenantSlug the second level
 * @param plcId      the third level
 */
public record TelemetryTopic(String tenantSlug, String plcId) {

    /**
     * Parses a topic.
     *
     * @return empty unless the topic has exactly three levels, the first is {@code plc} and the others follow
     *         the naming rule {@code [a-z0-9-_]{3,32}} (note 003 §6)
     */
    public static Optional<TelemetryTopic> parse(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        String[] parts = topic.split("/", -1);
        if (parts.length != 3 || !"plc".equals(parts[0])
                || !Slugs.PATTERN.matcher(parts[1]).matches() || !Slugs.PATTERN.matcher(parts[2]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TelemetryTopic(parts[1], parts[2]));
    }
}
