package io.tenantry.gateway.rewrite;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The databases and measurement names as one tenant sees them through the gateway (issue 13 "Databases as the
 * tenant sees them"): {@code processo_raw}, {@code processo}, {@code processo_1m} are the tenant's
 * {@link StoragePlacement} (raw, processed, one-minute bucket; shared by default), each with retention policy
 * {@code autogen}; measurement {@code m} there is stored as {@code <tenant uuid>.m} ({@link TenantMeasurements}).
 * {@code platform_metrics} is the platform's metrics bucket, whose measurements are not namespaced: only the
 * tenant's rows ({@code locatario_id}) are visible there.
 *
 * @param tenant    the tenant's UUID (the {@code locatario_id} tag value)
 * @param placement where its points live
 */
public record TenantView(UUID tenant, StoragePlacement placement) {
    /** The visible databases, in the order {@code SHOW DATABASES} lists them. */
    public static final List<String> DATABASES = List.of("processo_raw", "processo", "processo_1m", "platform_metrics");
    /** The one visible retention policy of every visible database. */
    public static final String VISIBLE_RP = "autogen";

    public TenantView {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(placement, "placement");
    }

    /** The tenant's UUID as the tag holds it (lower case). */
    public String tenantTag() {
        return tenant.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * One visible database: its physical bucket and whether names there carry the tenant prefix.
     *
     * @param visible    the name the tenant uses
     * @param bucket     the physical database and retention policy
     * @param namespaced true when measurement {@code m} is stored as {@code <uuid>.m}
     */
    public record Namespace(String visible, Bucket bucket, boolean namespaced) {
    }

    /**
     * @param visibleDb the database the tenant named
     * @return its namespace; empty when the tenant has no such database
     */
    public Optional<Namespace> namespace(String visibleDb) {
        return switch (visibleDb) {
            case "processo_raw" -> Optional.of(new Namespace(visibleDb, placement.raw(), true));
            case "processo" -> Optional.of(new Namespace(visibleDb, placement.processed(), true));
            case "processo_1m" -> Optional.of(new Namespace(visibleDb, placement.oneMinute(), true));
            case "platform_metrics" -> Optional.of(new Namespace(visibleDb, SharedBuckets.PLATFORM_METRICS, false));
            default -> Optional.empty();
        };
    }

    /**
     * The stored name of the tenant's measurement {@code visible} in a namespace.
     *
     * @throws IllegalArgumentException for an empty name
     */
    public String stored(Namespace ns, String visible) {
        if (visible.isEmpty()) {
            throw new IllegalArgumentException("empty measurement name");
        }
        return ns.namespaced() ? TenantMeasurements.stored(tenant, visible) : visible;
    }

    /**
     * The tenant's name for a stored measurement, when the tenant may see it.
     *
     * @return empty for another tenant's name (or, in {@code platform_metrics}, any namespaced name)
     */
    public Optional<String> visible(Namespace ns, String stored) {
        if (ns.namespaced()) {
            return TenantMeasurements.tenantView(tenant, stored);
        }
        return TenantMeasurements.isNamespaced(stored) ? Optional.empty() : Optional.of(stored);
    }

    /** The tenant's prefix {@code <uuid>.}. */
    public String prefix() {
        return TenantMeasurements.prefix(tenant);
    }
}
