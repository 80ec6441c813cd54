package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;

import java.util.Objects;

/**
 * Who a message comes from, derived from its topic {@code plc/<tenant_slug>/<plc_id>} and the directory: the
 * broker's ACL binds the topic to the device's login, so the topic (not the payload) is the source of truth
 * (docs/telemetry.md, "Identity").
 *
 * @param tenantId   the tenant; its UUID is the value of {@code locatario_id}
 * @param tenantSlug the tenant slug from the topic
 * @param plcId      the device's plc_id from the topic
 */
public record Identity(TenantId tenantId, TenantSlug tenantSlug, PlcId plcId) {
    public Identity {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tenantSlug, "tenantSlug");
        Objects.requireNonNull(plcId, "plcId");
    }
}
