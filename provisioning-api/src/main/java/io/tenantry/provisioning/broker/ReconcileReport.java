package io.tenantry.provisioning.broker;

import java.time.Instant;
import java.util.List;

/**
 * What one reconciliation found and did.
 *
 * @param startedAt  when it began
 * @param logins     broker logins checked
 * @param drift      changes made to bring broker and InfluxDB to the desired state ("deleted client t_a_x", …)
 * @param problems   what could not be fixed (e.g. broker unreachable)
 * @param durationMs how long it took, milliseconds
 * @param legacyLogins logins still named by the V1 scheme ({@code t_<slug>_<plc_id>}, {@code t_<slug>_svc}; see
 *                     {@link io.tenantry.core.id.MqttNames#isLegacyUsername}): they work, and move to their new
 *                     name when their credential is issued again
 */
public record ReconcileReport(Instant startedAt, int logins, List<String> drift, List<String> problems, long durationMs,
                              List<String> legacyLogins) {
}
