package io.tenantry.core.timeseries;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The per-tenant measurement namespace in the shared buckets (issue 7, "the shared measurement couples tenants";
 * docs/telemetry.md §4): tenant {@code T}'s measurement {@code m} is stored as {@code <T's UUID>.<m>}, e.g.
 * {@code 7f3c2a9e-1b2c-4d5e-8f90-123456789abc.telemetry}.
 * <p>
 * Why: InfluxDB 1.x keeps field names and field types per measurement and shard. With one shared
 * {@code telemetry} measurement a tenant saw every other tenant's field names ({@code SELECT *} columns), could
 * lock a field's type for everyone for a day, and could make everyone's reads slower by adding field keys. With
 * one measurement per tenant none of that crosses tenants. The prefix is the tenant's UUID (fixed length, lower
 * case, never reused, never renamed, unlike the slug), so one tenant's stored name can never equal another's:
 * the prefix up to the first {@code .} <i>is</i> the owner. The tag {@code locatario_id} stays on every point
 * (the data contract) and every query still filters on it.
 * <p>
 * Tenants never see the prefix: the telemetry API maps {@code telemetry} to {@code <their UUID>.telemetry}.
 */
public final class TenantMeasurements {
    /** The separator between tenant UUID and the tenant's own measurement name. */
    public static final char SEPARATOR = '.';
    /** A stored name in the namespace: lower-case UUID, {@code .}, at least one character. */
    public static final Pattern NAMESPACED = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\..+", Pattern.DOTALL);

    private TenantMeasurements() {
    }

    /**
     * The stored measurement for a tenant's measurement name.
     *
     * @param tenant      the tenant's UUID
     * @param measurement the tenant's name, e.g. {@code telemetry}; not empty
     * @return {@code <uuid>.<measurement>}
     */
    public static String stored(UUID tenant, String measurement) {
        if (measurement == null || measurement.isEmpty()) {
            throw new IllegalArgumentException("measurement must not be empty");
        }
        return prefix(tenant) + measurement;
    }

    /** {@code <uuid>.}: every stored name of the tenant starts with it. */
    public static String prefix(UUID tenant) {
        return tenant.toString().toLowerCase(Locale.ROOT) + SEPARATOR;
    }

    /** Whether a stored measurement name belongs to the namespace (else it is a legacy, shared name). */
    public static boolean isNamespaced(String stored) {
        return NAMESPACED.matcher(stored).matches();
    }

    /**
     * The tenant's own name for a stored measurement, when it is that tenant's.
     *
     * @return {@code telemetry} for {@code <tenant>.telemetry}; empty for another tenant's or a legacy name
     */
    public static Optional<String> tenantView(UUID tenant, String stored) {
        String p = prefix(tenant);
        return stored.startsWith(p) && stored.length() > p.length() ? Optional.of(stored.substring(p.length())) : Optional.empty();
    }
}
