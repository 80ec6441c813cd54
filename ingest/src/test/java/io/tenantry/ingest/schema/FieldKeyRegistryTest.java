package io.tenantry.ingest.schema;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;

import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldKeyRegistryTest {
    /** An in-memory store that counts loads, standing in for PostgreSQL (TenantIsolationIT uses the real table). */
    static final class MemoryStore implements FieldKeyRegistry.Store {
        final Map<TenantId, Set<String>> rows = new HashMap<>();
        int loads;
        boolean down;

        @Override
        public Set<String> load(TenantId tenant) {
            if (down) {
                throw new DirectoryUnavailableException("down", null);
            }
            loads++;
            return new HashSet<>(rows.getOrDefault(tenant, Set.of()));
        }

        @Override
        public void add(TenantId tenant, Collection<String> keys) {
            rows.computeIfAbsent(tenant, t -> new HashSet<>()).addAll(keys);
        }
    }

    @Test
    void admitsWithinTheLimitRefusesBeyondAndCountsPerTenant() {
        MemoryStore store = new MemoryStore();
        FieldKeyRegistry r = new FieldKeyRegistry(store);
        TenantId a = TenantId.random();
        TenantId b = TenantId.random();
        assertThat(r.admit(a, List.of("x", "y"), 3)).isNull();
        assertThat(r.admit(a, List.of("x", "y"), 3)).isNull();
        int loads = store.loads;
        assertThat(r.admit(a, List.of("y"), 3)).isNull();
        assertThat(store.loads).as("known keys need no PostgreSQL round trip").isEqualTo(loads);
        assertThat(r.admit(a, List.of("z", "w"), 3)).contains("max_field_keys").contains("has 2 field keys");
        assertThat(store.rows.get(a)).containsExactlyInAnyOrder("x", "y"); // nothing registered on refusal
        assertThat(r.admit(a, List.of("z"), 3)).isNull();
        assertThat(r.admit(b, List.of("p", "q", "r"), 3)).as("another tenant's count is its own").isNull();
        // keys registered by another instance count too
        store.rows.get(b).add("s");
        assertThat(r.admit(b, List.of("t"), 4)).contains("max_field_keys");
    }

    @Test
    void postgresUnavailableIsReportedForRetry() {
        MemoryStore store = new MemoryStore();
        store.down = true;
        assertThatThrownBy(() -> new FieldKeyRegistry(store).admit(TenantId.random(), List.of("x"), 3))
                .isInstanceOf(DirectoryUnavailableException.class);
    }
}
