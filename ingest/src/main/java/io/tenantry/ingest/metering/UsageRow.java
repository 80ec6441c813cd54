package io.tenantry.ingest.metering;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One row of {@code ingest_usage} (Flyway V7): absolute counts of one ingest process for one tenant and minute.
 *
 * @param minute             start of the UTC minute of hand-off
 * @param tenantId           the tenant
 * @param instanceId         the ingest process ({@link UsageMeter#instanceId()})
 * @param messages           messages with at least one point handed off
 * @param points             points handed off
 * @param fieldValues        field values handed off (the unit of the plan's {@code points_per_minute})
 * @param refusedFieldValues field values the quota refused
 * @param rejected           reason code → messages refused
 * @param latencyHist        publish→stored histogram ({@link io.tenantry.core.quota.LatencyHistogram}), one sample per message
 */
public record UsageRow(Instant minute, UUID tenantId, UUID instanceId, long messages, long points, long fieldValues,
                       long refusedFieldValues, Map<String, Long> rejected, long[] latencyHist) {
}
