package io.tenantry.directory;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.StoragePlacement;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachedTenantDirectoryTest {
    static final TenantSlug ACME = TenantSlug.of("acme");
    static final PlcId P1 = PlcId.of("plc-1");
    static final PlcId P2 = PlcId.of("plc-2");

    /** Tenants in memory, counting loads; {@code down} makes every load fail like an unreachable PostgreSQL. */
    static final class MemoryStore implements DirectoryStore {
        final Map<TenantSlug, TenantSnapshot> rows = new HashMap<>();
        int loads;
        boolean down;
        Runnable duringLoad = () -> { };

        @Override
        public Optional<TenantSnapshot> load(TenantSlug slug) {
            if (down) {
                throw new DirectoryUnavailableException("down", null);
            }
            loads++;
            TenantSnapshot s = rows.get(slug);
            duringLoad.run();
            return Optional.ofNullable(s);
        }

        void put(TenantInfo t, DeviceInfo... devices) {
            Map<PlcId, DeviceInfo> m = new HashMap<>();
            for (DeviceInfo d : devices) {
                m.put(d.plcId(), d);
            }
            rows.put(t.slug(), new TenantSnapshot(t, m));
        }
    }

    static DeviceInfo device(PlcId plc) {
        return new DeviceInfo(DeviceId.random(), plc, DeviceType.MODBUS_TCP, Map.of("line", "l1"), true);
    }

    final MemoryStore store = new MemoryStore();
    final AtomicLong now = new AtomicLong(1_000);
    final CachedTenantDirectory dir = new CachedTenantDirectory(store, Duration.ofSeconds(30), now::get);
    final TenantInfo acme = TenantInfo.of(TenantId.random(), ACME, TenantStatus.ACTIVE);

    @Test
    void servesFromTheCacheUntilTheTtlThenReloads() {
        DeviceInfo d1 = device(P1);
        store.put(acme, d1);
        assertThat(dir.lookup(ACME, P1)).isEqualTo(new TenantDirectory.Found(acme, d1));
        assertThat(dir.lookup(ACME, P1)).isInstanceOf(TenantDirectory.Found.class);
        assertThat(store.loads).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        TenantInfo suspended = TenantInfo.of(acme.id(), ACME, TenantStatus.SUSPENDED);
        store.put(suspended, d1);
        assertThat(((TenantDirectory.Found) dir.lookup(ACME, P1)).tenant().status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(store.loads).isEqualTo(2);
    }

    @Test
    void aDeviceMissingFromTheCacheIsLookedUpAgainOnceAndNothingNegativeIsCached() {
        store.put(acme, device(P1));
        dir.lookup(ACME, P1);
        DeviceInfo d2 = device(P2);
        store.put(acme, device(P1), d2); // created a moment ago, NOTIFY still on the way
        assertThat(dir.lookup(ACME, P2)).isEqualTo(new TenantDirectory.Found(acme, d2));
        assertThat(store.loads).isEqualTo(2);
        PlcId unknown = PlcId.of("nope");
        assertThat(dir.lookup(ACME, unknown)).isEqualTo(new TenantDirectory.UnknownDevice(acme));
        assertThat(dir.lookup(ACME, unknown)).isEqualTo(new TenantDirectory.UnknownDevice(acme));
        assertThat(store.loads).as("each miss asks PostgreSQL once").isEqualTo(4);
        assertThat(dir.lookup(TenantSlug.of("ghost"), P1)).isEqualTo(new TenantDirectory.UnknownTenant());
        assertThat(dir.isCached(TenantSlug.of("ghost"))).isFalse();
    }

    @Test
    void invalidationDropsOnlyThatTenantAndARacingLoadIsNotCached() {
        TenantInfo other = TenantInfo.of(TenantId.random(), TenantSlug.of("other"), TenantStatus.ACTIVE);
        store.put(acme, device(P1));
        store.put(other, device(P1));
        dir.lookup(ACME, P1);
        dir.lookup(other.slug(), P1);
        dir.invalidate(acme.id());
        assertThat(dir.isCached(ACME)).isFalse();
        assertThat(dir.isCached(other.slug())).isTrue();
        assertThat(dir.slugOf(other.id())).isEqualTo("other");
        assertThat(dir.slugOf(acme.id())).as("not cached: no query").isEqualTo("unknown");
        assertThat(dir.slugOf(null)).isEqualTo("unknown");

        // a NOTIFY that arrives while a load is running may describe a newer state than the load read
        store.duringLoad = () -> dir.invalidate(acme.id());
        assertThat(dir.lookup(ACME, P1)).isInstanceOf(TenantDirectory.Found.class);
        assertThat(dir.isCached(ACME)).isFalse();
        store.duringLoad = () -> { };
        dir.invalidateAll();
        assertThat(dir.isCached(other.slug())).isFalse();
    }

    @Test
    void tenantBySlugCarriesThePlacementAndUnavailabilityPropagates() {
        StoragePlacement dedicated = new StoragePlacement(StoragePlacement.Kind.DEDICATED,
                new io.tenantry.core.timeseries.Bucket("acme_raw", "autogen", Duration.ofDays(7)),
                new io.tenantry.core.timeseries.Bucket("acme_proc", "autogen", Duration.ofDays(180)),
                new io.tenantry.core.timeseries.Bucket("acme_1m", "autogen", Duration.ofDays(180)));
        TenantInfo placed = new TenantInfo(acme.id(), ACME, TenantStatus.ACTIVE, "PRO", null, null, null, dedicated);
        store.put(placed);
        assertThat(dir.tenant(ACME)).contains(placed);
        assertThat(dir.tenant(ACME).orElseThrow().placement().raw().database()).isEqualTo("acme_raw");
        assertThat(acme.placement()).as("shared unless PostgreSQL says otherwise").isEqualTo(StoragePlacement.SHARED);
        assertThat(dir.tenant(TenantSlug.of("ghost"))).isEmpty();

        store.down = true;
        assertThat(dir.tenant(ACME)).as("fresh cache entries need no PostgreSQL").contains(placed);
        assertThatThrownBy(() -> dir.lookup(TenantSlug.of("ghost"), P1)).isInstanceOf(DirectoryUnavailableException.class);
    }
}
