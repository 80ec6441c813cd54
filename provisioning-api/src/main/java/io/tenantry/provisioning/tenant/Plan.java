package io.tenantry.provisioning.tenant;

/**
 * A plan and its limits, from the seeded {@code plans} table (design note 003 §7).
 *
 * @param code                    FREE | PRO | ENTERPRISE
 * @param maxDevices              devices per tenant
 * @param pointsPerMinute         field values ingested per minute (note 003 §7 "Pontos/min")
 * @param rawRetentionDays        days raw data is kept
 * @param aggregatedRetentionDays days downsampled data is kept
 * @param maxActiveAlerts         active alert rules
 * @param maxDashboards           dashboards
 */
public record Plan(String code, int maxDevices, int pointsPerMinute, int rawRetentionDays, int aggregatedRetentionDays,
                   int maxActiveAlerts, int maxDashboards) {
}
