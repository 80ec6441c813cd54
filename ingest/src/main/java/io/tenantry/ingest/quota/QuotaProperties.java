package io.tenantry.ingest.quota;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Quota and metering settings of ingest, {@code tenantry.ingest.quota.*} (issue 10).
 *
 * @param enabled          enforce quotas ({@link PlanQuotaCheck}); metering runs either way
 * @param capFactor        hard cap as a multiple of the daily budget (note 003 §8: 110 %, configurable)
 * @param burstFactor      burst guard rate as a multiple of the plan's field values/min; 0 disables it
 * @param burstWindow      burst guard capacity as time at that rate
 * @param samplesPerMinute refused messages kept as {@code quota_exceeded} dead letters, per tenant and minute
 * @param refreshInterval  how often plan limits (and overrides) and other instances' usage are re-read: the delay
 *                         after which a plan change is effective
 * @param flushInterval    periodic metering flush to PostgreSQL (≤ 10 s)
 * @param flushBeforeAck   also flush after each batch, before its acknowledgements (crash bound: in flight)
 * @param lastSeenInterval how often {@code devices.last_seen_at} is written
 */
@Validated
@ConfigurationProperties("tenantry.ingest.quota")
public record QuotaProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1.10") @DecimalMin("1.0") double capFactor,
        @DefaultValue("10") @DecimalMin("0") double burstFactor,
        @NotNull @DefaultValue("10m") Duration burstWindow,
        @DefaultValue("1") @Min(0) int samplesPerMinute,
        @NotNull @DefaultValue("2s") Duration refreshInterval,
        @NotNull @DefaultValue("5s") Duration flushInterval,
        @DefaultValue("true") boolean flushBeforeAck,
        @NotNull @DefaultValue("10s") Duration lastSeenInterval) {
}
