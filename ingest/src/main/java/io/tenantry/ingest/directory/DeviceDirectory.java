package io.tenantry.ingest.directory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Cached tenant/device directory: slug → tenant (UUID, status) with all its devices (plc_id → id, type, tags,
 * active). Entries are dropped when provisioning announces a change ({@code NOTIFY tenantry_directory,
 * '<tenant uuid>'}, see {@link DirectoryListener}) and reloaded after a TTL in any case.
 * <p>
 * A slug or plc_id missing from the cache is looked up in PostgreSQL again before the caller rejects the
 * message, so the first messages of a device created a moment ago are not lost while its NOTIFY is still on the
 * way. Nothing negative is cached. Thread-safe.
 */
public final class DeviceDirectory {
    /** The answer for one topic. */
    public sealed interface Lookup permits Found, UnknownTenant, UnknownDevice {
    }

    /** Tenant and device exist (their status is for the caller to judge). */
    public record Found(TenantInfo tenant, DeviceInfo device) implements Lookup {
    }

    /** No tenant has the slug. */
    public record UnknownTenant() implements Lookup {
    }

    /** The tenant exists but has no such device. */
    public record UnknownDevice(TenantInfo tenant) implements Lookup {
    }

    private record Entry(TenantSnapshot snapshot, long loadedAtNanos) {
    }

    private final DirectoryStore store;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> bySlug = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong invalidations = new AtomicLong();

    /**
     * @param store     where tenants come from
     * @param ttl       reload a cached tenant after this long
     * @param nanoClock monotonic clock in ns ({@code System::nanoTime})
     */
    public DeviceDirectory(DirectoryStore store, Duration ttl, LongSupplier nanoClock) {
        this.store = Objects.requireNonNull(store);
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Resolves a topic's tenant slug and plc_id.
     *
     * @throws DirectoryUnavailableException when PostgreSQL is needed and unreachable
     */
    public Lookup lookup(String slug, String plcId) {
        Entry e = bySlug.get(slug);
        boolean loadedNow = false;
        if (e == null || nanoClock.getAsLong() - e.loadedAtNanos() > ttlNanos) {
            e = load(slug);
            loadedNow = true;
            if (e == null) {
                return new UnknownTenant();
            }
        }
        DeviceInfo d = e.snapshot().devices().get(plcId);
        if (d == null && !loadedNow) {
            e = load(slug);
            if (e == null) {
                return new UnknownTenant();
            }
            d = e.snapshot().devices().get(plcId);
        }
        return d == null ? new UnknownDevice(e.snapshot().tenant()) : new Found(e.snapshot().tenant(), d);
    }

    private Entry load(String slug) {
        long before = epoch.get();
        loads.incrementAndGet();
        var snapshot = store.load(slug);
        if (snapshot.isEmpty()) {
            bySlug.remove(slug);
            return null;
        }
        Entry e = new Entry(snapshot.get(), nanoClock.getAsLong());
        if (epoch.get() == before) {
            // an invalidation that raced with this load may describe a newer state: then do not cache
            bySlug.put(slug, e);
        }
        return e;
    }

    /** Drops the cached tenant with this UUID (and its devices). */
    public void invalidate(UUID tenantId) {
        epoch.incrementAndGet();
        invalidations.incrementAndGet();
        bySlug.values().removeIf(e -> e.snapshot().tenant().id().equals(tenantId));
    }

    /** Drops everything (e.g. after the LISTEN connection was lost and notifications may have been missed). */
    public void invalidateAll() {
        epoch.incrementAndGet();
        invalidations.incrementAndGet();
        bySlug.clear();
    }

    /**
     * The slug of a cached tenant, for metric tags; {@code unknown} when the id is null or not cached (no
     * PostgreSQL query).
     */
    public String slugOf(UUID tenantId) {
        if (tenantId != null) {
            for (Entry e : bySlug.values()) {
                if (e.snapshot().tenant().id().equals(tenantId)) {
                    return e.snapshot().tenant().slug();
                }
            }
        }
        return "unknown";
    }

    /** True when the tenant with this slug is in the cache (fresh or not). */
    public boolean isCached(String slug) {
        return bySlug.containsKey(slug);
    }

    /** Tenants currently cached. */
    public int size() {
        return bySlug.size();
    }

    /** Loads from the store so far. */
    public long loads() {
        return loads.get();
    }

    /** Invalidations so far (per NOTIFY and full ones). */
    public long invalidations() {
        return invalidations.get();
    }
}
