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
 */
@ConfigurationProperties("tenantry.quota")
public record QuotaServiceProperties(@DefaultValue("10s") Duration rollupInterval, String influxUrl,
                                     String influxUsername, String influxPassword) {
}
