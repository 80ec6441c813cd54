package io.tenantry.ingest.directory;

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
 * {@link DirectoryStore} over the platform schema (db module, Flyway V1: {@code tenants}, {@code devices}; V4:
 * {@code plans.max_future_minutes}) with
 * jOOQ, as the app role (SELECT only).
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
     * @throws DirectoryUnavailableException on any jOOQ/JDBC error
     */
    @Override
    public Optional<TenantSnapshot> load(String slug) {
        try {
            TenantsRecord t = dsl.selectFrom(TENANTS).where(TENANTS.SLUG.eq(slug)).fetchOne();
            if (t == null) {
                return Optional.empty();
            }
            Map<String, DeviceInfo> devices = new HashMap<>();
            for (DevicesRecord d : dsl.selectFrom(DEVICES).where(DEVICES.TENANT_ID.eq(t.getId())).fetch()) {
                devices.put(d.getPlcId(), new DeviceInfo(d.getId(), d.getPlcId(), d.getType(), tags(d.getTags()),
                        Boolean.TRUE.equals(d.getActive())));
            }
            PlansRecord plan = dsl.selectFrom(PLANS).where(PLANS.CODE.eq(t.getPlan())).fetchOne();
            TenantInfo.SchemaLimits limits = plan == null || plan.getMaxFieldsPerPoint() == null || plan.getMaxFieldKeys() == null
                    ? TenantInfo.SchemaLimits.DEFAULT
                    : new TenantInfo.SchemaLimits(plan.getMaxFieldsPerPoint(), plan.getMaxFieldKeys());
            Duration retention = plan == null ? null : Duration.ofDays(plan.getRawRetentionDays());
            Duration future = plan == null || plan.getMaxFutureMinutes() == null ? null : Duration.ofMinutes(plan.getMaxFutureMinutes());
            return Optional.of(new TenantSnapshot(new TenantInfo(t.getId(), t.getSlug(),
                    TenantInfo.Status.parse(t.getStatus()), limits, retention, future), devices));
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot load tenant '" + slug + "' from PostgreSQL: " + e.getMessage(), e);
        }
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
