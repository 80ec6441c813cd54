package io.tenantry.alert.rule;

import io.tenantry.core.id.TenantId;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stored alert rule (table {@code alert_rules}, Flyway V9).
 *
 * @param kind        {@code threshold}, {@code rate_of_change}, {@code no_data} or {@code anomaly}
 * @param severity    {@code info}, {@code warning} or {@code critical}
 * @param measurement the tenant's measurement name (default {@code telemetry}), read as {@code <tenant uuid>.<name>}
 * @param selector    which devices: {@code {}} all, {@code {"devices":[plc ids]}}, or {@code {"type":..,"tags":{..}}}
 * @param description template: {@code {{device}}}, {@code {{value}}}, {@code {{threshold}}}, {@code {{rule}}},
 *                    {@code {{field}}}, {@code {{severity}}}, {@code {{state}}}
 * @param channels    notification channels (ids in {@code alert_channels}) a transition is sent to
 * @param every       evaluation period (default 30 s)
 */
public record AlertRule(UUID id, TenantId tenantId, String name, String kind, boolean enabled, String severity,
                        String measurement, JsonNode selector, RuleSpec spec, Map<String, String> labels, String description,
                        List<UUID> channels, Duration every, Instant createdAt, Instant updatedAt) {
}
