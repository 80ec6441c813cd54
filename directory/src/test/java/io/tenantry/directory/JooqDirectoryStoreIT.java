package io.tenantry.directory;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.db.Schema;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.TENANTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The directory over the real PostgreSQL (Flyway V1..V5): the app role reads tenants with their plan, placement and
 * devices as typed values; V5's check refuses a dedicated placement without its buckets; a {@code NOTIFY} on
 * {@link TenantDirectory#CHANGE_CHANNEL} drops exactly the named tenant from the cache.
 */
@ExtendWith(LocalStackExtension.class)
class JooqDirectoryStoreIT {
    static Connection owner;
    static Connection app;
    static DSLContext asOwner;
    static DSLContext asApp;
    static final List<UUID> created = new ArrayList<>();

    @BeforeAll
    static void setUp(StackEnv env) throws Exception {
        Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser());
        owner = DriverManager.getConnection(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword());
        app = DriverManager.getConnection(env.pgUrl(), env.pgAppUser(), env.pgAppPassword());
        asOwner = DSL.using(owner, SQLDialect.POSTGRES);
        asApp = DSL.using(app, SQLDialect.POSTGRES);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (asOwner != null) {
            asOwner.deleteFrom(DEVICES).where(DEVICES.TENANT_ID.in(created)).execute();
            asOwner.deleteFrom(TENANTS).where(TENANTS.ID.in(created)).execute();
            owner.close();
            app.close();
        }
    }

    static TenantSlug tenant(String plan) {
        UUID id = UUID.randomUUID();
        String slug = "dir-" + id.toString().substring(0, 8);
        OffsetDateTime now = OffsetDateTime.now();
        asOwner.insertInto(TENANTS, TENANTS.ID, TENANTS.SLUG, TENANTS.NAME, TENANTS.STATUS, TENANTS.PLAN,
                TENANTS.CREATED_AT, TENANTS.UPDATED_AT).values(id, slug, "IT " + slug, "ACTIVE", plan, now, now).execute();
        created.add(id);
        return TenantSlug.of(slug);
    }

    static UUID device(TenantSlug t, String plcId, String type, String tags, boolean active) {
        UUID tenantId = asOwner.select(TENANTS.ID).from(TENANTS).where(TENANTS.SLUG.eq(t.value())).fetchOne(TENANTS.ID);
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now();
        asOwner.insertInto(DEVICES, DEVICES.ID, DEVICES.TENANT_ID, DEVICES.PLC_ID, DEVICES.TYPE, DEVICES.TAGS,
                        DEVICES.ACTIVE, DEVICES.MQTT_USERNAME, DEVICES.CREATED_AT, DEVICES.UPDATED_AT)
                .values(id, tenantId, plcId, type, JSONB.valueOf(tags), active, "t_" + t.value() + "." + plcId, now, now)
                .execute();
        return id;
    }

    @Test
    void loadsATenantWithPlanSharedPlacementAndTypedDevices() {
        TenantSlug t = tenant("FREE");
        UUID d = device(t, "press-1", "siemens_s7", "{\"line\": \"L1\", \"n\": 3}", true);
        device(t, "press-2", "opcua", "{}", false);
        TenantSnapshot s = new JooqDirectoryStore(asApp).load(t).orElseThrow();
        TenantInfo info = s.tenant();
        assertThat(info.slug()).isEqualTo(t);
        assertThat(info.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(info.plan()).isEqualTo("FREE");
        assertThat(info.placement()).isEqualTo(StoragePlacement.SHARED);
        assertThat(info.rawRetention()).isEqualTo(Duration.ofDays(3)); // Flyway V1: FREE keeps raw data 3 days
        assertThat(info.maxFuture()).isEqualTo(Duration.ofMinutes(15)); // V4
        assertThat(s.devices()).containsOnlyKeys(PlcId.of("press-1"), PlcId.of("press-2"));
        assertThat(s.devices().get(PlcId.of("press-1"))).isEqualTo(new DeviceInfo(DeviceId.of(d), PlcId.of("press-1"),
                DeviceType.SIEMENS_S7, Map.of("line", "L1", "n", "3"), true));
        assertThat(s.devices().get(PlcId.of("press-2")).active()).isFalse();
        assertThat(new JooqDirectoryStore(asApp).load(TenantSlug.of("no-such-tenant"))).isEmpty();
    }

    @Test
    void aDedicatedPlacementNamesItsBucketsAndNeedsAllThree() {
        TenantSlug t = tenant("PRO");
        assertThatThrownBy(() -> asOwner.update(TENANTS).set(TENANTS.PLACEMENT, "DEDICATED")
                .where(TENANTS.SLUG.eq(t.value())).execute())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("tenants_placement_check");
        assertThatThrownBy(() -> asOwner.update(TENANTS).set(TENANTS.PLACEMENT, "ELSEWHERE")
                .where(TENANTS.SLUG.eq(t.value())).execute())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("tenants_placement_check");
        asOwner.update(TENANTS).set(TENANTS.PLACEMENT, "DEDICATED")
                .set(TENANTS.RAW_BUCKET, t.value() + "_raw").set(TENANTS.PROCESSED_BUCKET, t.value() + "_proc")
                .set(TENANTS.ONE_MINUTE_BUCKET, t.value() + "_1m").where(TENANTS.SLUG.eq(t.value())).execute();
        StoragePlacement p = new JooqDirectoryStore(asApp).load(t).orElseThrow().tenant().placement();
        assertThat(p.kind()).isEqualTo(StoragePlacement.Kind.DEDICATED);
        assertThat(p.raw().database()).isEqualTo(t.value() + "_raw");
        assertThat(p.raw().retention()).isEqualTo(Duration.ofDays(7)); // PRO: 7 days raw
        assertThat(p.processed().database()).isEqualTo(t.value() + "_proc");
        assertThat(p.oneMinute().database()).isEqualTo(t.value() + "_1m");
        assertThat(p.oneMinute().retention()).isEqualTo(Duration.ofDays(180));
    }

    @Test
    void aNotifyDropsExactlyTheNamedTenant(StackEnv env) {
        TenantSlug a = tenant("PRO");
        TenantSlug b = tenant("PRO");
        device(a, "p-1", "modbus_tcp", "{}", true);
        device(b, "p-1", "modbus_tcp", "{}", true);
        CachedTenantDirectory dir = new CachedTenantDirectory(new JooqDirectoryStore(asApp), Duration.ofHours(1),
                System::nanoTime);
        DirectoryListener listener = new DirectoryListener(env.pgUrl(), env.pgAppUser(), env.pgAppPassword(),
                "directory-it-listener", Duration.ofMillis(100), Duration.ofMillis(200), dir);
        listener.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(listener::listening);
            TenantInfo before = ((TenantDirectory.Found) dir.lookup(a, PlcId.of("p-1"))).tenant();
            dir.lookup(b, PlcId.of("p-1"));
            asOwner.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                tx.update(TENANTS).set(TENANTS.STATUS, "SUSPENDED").where(TENANTS.SLUG.eq(a.value())).execute();
                tx.fetch("SELECT pg_notify(?, ?)", TenantDirectory.CHANGE_CHANNEL, before.id().toString());
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !dir.isCached(a));
            assertThat(dir.isCached(b)).isTrue();
            assertThat(dir.tenant(a).orElseThrow().status()).isEqualTo(TenantStatus.SUSPENDED);
        } finally {
            listener.stop();
        }
    }
}
