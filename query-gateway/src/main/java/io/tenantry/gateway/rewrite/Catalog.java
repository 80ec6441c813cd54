package io.tenantry.gateway.rewrite;

import java.util.List;

/**
 * The tenant's own measurements in one of its databases, for what InfluxQL resolves by regex or over all
 * measurements (regex sources, {@code SHOW FIELD KEYS} without {@code FROM}). Implemented over InfluxDB with
 * {@code SHOW MEASUREMENTS … WITH MEASUREMENT =~ /^<uuid>\./ WHERE "locatario_id" = '<uuid>'}.
 */
@FunctionalInterface
public interface Catalog {
    /**
     * @return the tenant's measurement names as the tenant sees them (no prefix), sorted
     */
    List<String> measurements(TenantView view, TenantView.Namespace namespace);
}
