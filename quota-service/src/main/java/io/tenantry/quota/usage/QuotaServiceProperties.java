package io.tenantry.quota.usage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code tenantry.quota.*} (issue 10).
 *
 * @param rollupInterval   how often ingest's counters are rolled up into usage_minute / usage_day
 * @param influxUrl        InfluxDB v1 HTTP API
 * @param influxUsername   the jobs service user (READ on the raw bucket, ALL on platform_metrics)
 * @param influxPassword   its password
 * @param brokerCapFactor  received field values, as a multiple of the daily budget, that remove the devices'
 *                         publish right at the broker (2.0 = 200 %)
 */
@ConfigurationProperties("tenantry.quota")
public record QuotaServiceProperties(@DefaultValue("10s") Duration rollupInterval, String influxUrl,
                                     String influxUsername, String influxPassword,
                                     @DefaultValue("2.0") double brokerCapFactor) {
}
