package io.tenantry.provisioning.grafana;

import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.DeviceTypeModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.FieldSpec;
import io.tenantry.provisioning.tenant.Tenant;
import org.jooq.DSLContext;
import org.jooq.Record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANT_FIELD_KEYS;

/**
 * Reads what the dashboards are generated from (PostgreSQL is the source): the tenant's plan
 * ({@code max_dashboards}, {@code points_per_minute}, {@code raw_retention_days}), its devices grouped by type, and
 * its field keys ({@code tenant_field_keys}, written by ingest before the first point that carries a key; ingest
 * keeps them per tenant, so every device type's dashboard lists every field of the tenant). The device model has
 * no units yet: {@link FieldSpec#unit()} is null until it does. Read-only on tables other features own (declared
 * in {@code FeatureBoundariesTest}).
 */
class DeviceModelReader {
    private final DSLContext dsl;

    DeviceModelReader(DSLContext dsl) {
        this.dsl = dsl;
    }

    TenantModel read(Tenant t) {
        Record plan = dsl.select(PLANS.MAX_DASHBOARDS, PLANS.POINTS_PER_MINUTE, PLANS.RAW_RETENTION_DAYS).from(PLANS)
                .where(PLANS.CODE.eq(t.plan())).fetchOne();
        if (plan == null) {
            throw new IllegalStateException("plan " + t.plan() + " of tenant " + t.id() + " not found");
        }
        Map<String, List<String>> byType = new TreeMap<>();
        dsl.select(DEVICES.TYPE, DEVICES.PLC_ID).from(DEVICES).where(DEVICES.TENANT_ID.eq(t.id().value()))
                .orderBy(DEVICES.TYPE, DEVICES.PLC_ID)
                .forEach(r -> byType.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2()));
        List<FieldSpec> fields = dsl.select(TENANT_FIELD_KEYS.FIELD_KEY).from(TENANT_FIELD_KEYS)
                .where(TENANT_FIELD_KEYS.TENANT_ID.eq(t.id().value())).orderBy(TENANT_FIELD_KEYS.FIELD_KEY)
                .fetch(r -> new FieldSpec(r.value1(), null));
        List<DeviceTypeModel> types = new ArrayList<>();
        byType.forEach((type, plcs) -> types.add(new DeviceTypeModel(type, plcs, fields)));
        return new TenantModel(t.id().value(), t.slug().value(), t.name(), t.plan(), plan.get(PLANS.MAX_DASHBOARDS),
                plan.get(PLANS.POINTS_PER_MINUTE), Duration.ofDays(plan.get(PLANS.RAW_RETENTION_DAYS)), types);
    }
}
