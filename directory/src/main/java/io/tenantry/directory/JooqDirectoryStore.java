package io.tenantry.directory;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.db.jooq.tables.records.DevicesRecord;
import io.tenantry.db.jooq.tables.records.PlansRecord;
import io.tenantry.db.jooq.tables.records.TenantsRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.DataAccessException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * {@link DirectoryStore} over the platform schema (db module, Flyway V1: {@code tenants}, {@code devices}; V3, V4:
 * the plan's schema limits and time bounds; V5: {@code tenants.placement}) with jOOQ, as the app role (SELECT only).
 */
public final class JooqDirectoryStore implements DirectoryStore {
    private static final ObjectMapper JSON_MAPPER = JsonMapper.builder().build();

    private final DSLContext dsl;

    /** @param dsl jOOQ over the app role's data source */
    public JooqDirectoryStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Three queries: the tenant by slug, its plan's schema limits and time bounds, then its devices.
     *
     * @throws DirectoryUnavailableException on any jOOQ/JDBC error (retriable)
     * @throws IllegalStateException         when a stored row breaks the schema's rules (a device type or placement
     *                                       its check constraints refuse): not retriable, the caller rejects the
     *                                       message instead of waiting for PostgreSQL forever
     */
    @Override
    public Optional<TenantSnapshot> load(TenantSlug slug) {
        try {
            TenantsRecord t = dsl.selectFrom(TENANTS).where(TENANTS.SLUG.eq(slug.value())).fetchOne();
            if (t == null) {
                return Optional.empty();
            }
            Map<PlcId, DeviceInfo> devices = new HashMap<>();
            for (DevicesRecord d : dsl.selectFrom(DEVICES).where(DEVICES.TENANT_ID.eq(t.getId())).fetch()) {
                DeviceType type = DeviceType.parse(d.getType()).orElseThrow(() -> new IllegalStateException(
                        "device " + d.getId() + " has unknown type '" + d.getType() + "' (devices_type_check)"));
                PlcId plcId = PlcId.of(d.getPlcId());
                devices.put(plcId, new DeviceInfo(DeviceId.of(d.getId()), plcId, type, tags(d.getTags()),
                        Boolean.TRUE.equals(d.getActive())));
            }
            PlansRecord plan = dsl.selectFrom(PLANS).where(PLANS.CODE.eq(t.getPlan())).fetchOne();
            TenantInfo.SchemaLimits limits = plan == null || plan.getMaxFieldsPerPoint() == null || plan.getMaxFieldKeys() == null
                    ? TenantInfo.SchemaLimits.DEFAULT
                    : new TenantInfo.SchemaLimits(plan.getMaxFieldsPerPoint(), plan.getMaxFieldKeys());
            Duration retention = plan == null ? null : Duration.ofDays(plan.getRawRetentionDays());
            Duration future = plan == null || plan.getMaxFutureMinutes() == null ? null : Duration.ofMinutes(plan.getMaxFutureMinutes());
            return Optional.of(new TenantSnapshot(new TenantInfo(TenantId.of(t.getId()), TenantSlug.of(t.getSlug()),
                    TenantStatus.parseOrSuspended(t.getStatus()), t.getPlan(), limits, retention, future,
                    placement(t, plan)), devices));
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot load tenant '" + slug + "' from PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * {@code tenants.placement} (Flyway V5): {@code SHARED} → {@link StoragePlacement#SHARED}; {@code DEDICATED} →
     * the databases named in {@code raw_bucket}, {@code processed_bucket}, {@code one_minute_bucket} (design note 003
     * §12: {@code <slug>_raw}, {@code <slug>_proc}), retention policy {@code autogen}, kept for the plan's raw and
     * aggregated retention.
     *
     * @throws IllegalStateException for another value or a dedicated placement without its buckets
     */
    static StoragePlacement placement(TenantsRecord t, PlansRecord plan) {
        String kind = t.getPlacement();
        if (kind == null || StoragePlacement.Kind.SHARED.name().equals(kind)) {
            return StoragePlacement.SHARED;
        }
        if (!StoragePlacement.Kind.DEDICATED.name().equals(kind) || t.getRawBucket() == null
                || t.getProcessedBucket() == null || t.getOneMinuteBucket() == null) {
            throw new IllegalStateException("tenant " + t.getId() + " has placement '" + kind
                    + "' without its three buckets (tenants_placement_check)");
        }
        Duration raw = plan == null ? TenantInfo.DEFAULT_RAW_RETENTION : Duration.ofDays(plan.getRawRetentionDays());
        Duration aggregated = plan == null ? Duration.ZERO : Duration.ofDays(plan.getAggregatedRetentionDays());
        return new StoragePlacement(StoragePlacement.Kind.DEDICATED,
                new Bucket(t.getRawBucket(), "autogen", raw),
                new Bucket(t.getProcessedBucket(), "autogen", aggregated),
                new Bucket(t.getOneMinuteBucket(), "autogen", aggregated));
    }

    /** {@code devices.tags}: a JSON object; string values as they are, other values as JSON text. */
    static Map<String, String> tags(JSONB json) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (json == null || json.data() == null || json.data().isBlank()) {
            return tags;
        }
        JsonNode root = JSON_MAPPER.readTree(json.data());
        if (root != null && root.isObject()) {
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                JsonNode v = e.getValue();
                if (!v.isNull()) {
                    tags.put(e.getKey(), v.isString() ? v.stringValue() : v.toString());
                }
            }
        }
        return tags;
    }
}
