package io.tenantry.ingest.telemetry;

import java.util.Objects;
import java.util.UUID;

/**
 * Who a message comes from, derived from its topic {@code plc/<tenant_slug>/<plc_id>} and the directory: the
 * broker's ACL binds the topic to the device's login, so the topic (not the payload) is the source of truth
 * (docs/telemetry.md, "Identity").
 *
 * @param tenantId   the tenant UUID, the value of {@code locatario_id}
 * @param tenantSlug the tenant slug from the topic
 * @param plcId      the device's plc_id from the topic
 */
public record Identity(UUID tenantId, String tenantSlug, String plcId) {
    public Identity {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tenantSlug, "tenantSlug");
        Objects.requireNonNull(plcId, "plcId");
    }
}
