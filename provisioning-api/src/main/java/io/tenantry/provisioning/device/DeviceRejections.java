package io.tenantry.provisioning.device;

import io.tenantry.core.id.TenantId;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * What the device resource shows about data ingest refused from a device (issue 16). Implemented by the rejection
 * feature (its {@code RejectionQuery} reads {@code dead_letters}); the device feature only asks through this port.
 */
public interface DeviceRejections {
    /**
     * Per-device rejection counters.
     *
     * @param messages24h    rejected MQTT messages in the last 24 h
     * @param elements24h    rejected elements (points) in the last 24 h
     * @param messages       rejected messages still kept (ingest's dead-letter retention, 7 days by default)
     * @param lastRejectedAt the newest one (UTC), or null
     * @param lastReason     its reason code, or null
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "DeviceRejectionCounters", description = "What ingest refused from the device")
    record Counters(long messages24h, long elements24h, long messages, OffsetDateTime lastRejectedAt, String lastReason) {
        /** No rejection kept. */
        public static Counters none() {
            return new Counters(0, 0, 0, null, null);
        }
    }

    /**
     * Counters of every device of the tenant that has rejections kept, keyed by the device's topic
     * ({@code plc/<slug>/<plc_id>}); devices without any are absent. The caller has checked visibility.
     */
    Map<String, Counters> byTopic(TenantId tenant);
}
