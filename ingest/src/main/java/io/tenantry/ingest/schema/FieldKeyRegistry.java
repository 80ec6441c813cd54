package io.tenantry.ingest.schema;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The field keys each tenant has (table {@code tenant_field_keys}, Flyway V3), enforcing the plan's
 * {@code max_field_keys} (issue 7: one tenant's schema growth must not be unbounded). A key is registered in
 * PostgreSQL before the first point carrying it is handed to InfluxDB, so the count survives restarts and is shared
 * by all ingest instances. Known keys are cached per tenant; only an element with a key not in the cache costs a
 * PostgreSQL round trip (re-reading the tenant's keys, so another instance's registrations count too).
 * <p>
 * Keys stay registered when their data expires (InfluxDB retention); an operator can delete rows to free them.
 * Two instances registering new keys for the same tenant at the same moment may together exceed the limit by
 * the keys of those elements. Thread-safe (one lock; new keys are rare).
 */
public final class FieldKeyRegistry {
    /** Where the keys live. */
    public interface Store {
        /**
         * @return the tenant's registered keys
         * @throws DirectoryUnavailableException when PostgreSQL cannot be asked
         */
        Set<String> load(TenantId tenant);

        /**
         * Registers keys (existing ones are ignored).
         *
         * @throws DirectoryUnavailableException when PostgreSQL cannot be asked
         */
        void add(TenantId tenant, Collection<String> keys);
    }

    private final Store store;
    private final Map<TenantId, Set<String>> known = new ConcurrentHashMap<>();

    /** @param store PostgreSQL ({@link JooqFieldKeyStore}) */
    public FieldKeyRegistry(Store store) {
        this.store = store;
    }

    /**
     * Admits an element's field keys: registers the new ones when the tenant stays within {@code maxKeys}.
     *
     * @param tenant  the tenant
     * @param keys    the element's field keys
     * @param maxKeys the plan's {@code max_field_keys}
     * @return null when admitted; otherwise why not (for the {@code schema_limit} dead letter), nothing registered
     * @throws DirectoryUnavailableException when PostgreSQL cannot be asked (the caller retries)
     */
    public synchronized String admit(TenantId tenant, Collection<String> keys, int maxKeys) {
        Set<String> cached = known.get(tenant);
        if (cached != null && cached.containsAll(keys)) {
            return null;
        }
        Set<String> current = new HashSet<>(store.load(tenant));
        known.put(tenant, current);
        List<String> fresh = keys.stream().filter(k -> !current.contains(k)).distinct().toList();
        if (fresh.isEmpty()) {
            return null;
        }
        if (current.size() + fresh.size() > maxKeys) {
            return "the tenant has " + current.size() + " field keys and this element adds " + fresh.size()
                    + " more; the plan allows " + maxKeys + " (max_field_keys)";
        }
        store.add(tenant, fresh);
        current.addAll(fresh);
        return null;
    }

    /** Forgets the cached keys of a tenant (they are re-read on the next new key). */
    public void invalidate(TenantId tenant) {
        known.remove(tenant);
    }
}
