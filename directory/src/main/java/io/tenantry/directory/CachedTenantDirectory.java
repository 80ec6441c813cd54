package io.tenantry.directory;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link TenantDirectory} with a cache: slug → tenant (id, status, plan, placement) with all its devices (PLC id →
 * id, type, tags, active). Entries are dropped when provisioning announces a change ({@code NOTIFY
 * tenantry_directory, '<tenant uuid>'}, see {@link DirectoryListener}) and reloaded after a TTL in any case.
 * <p>
 * A slug or PLC id missing from the cache is looked up in PostgreSQL again before the caller rejects the
 * message, so the first messages of a device created a moment ago are not lost while its NOTIFY is still on the
 * way. Nothing negative is cached. Thread-safe.
 */
public final class CachedTenantDirectory implements TenantDirectory {
    private record Entry(TenantSnapshot snapshot, long loadedAtNanos) {
    }

    private final DirectoryStore store;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<TenantSlug, Entry> bySlug = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    /**
     * @param store     where tenants come from
     * @param ttl       reload a cached tenant after this long
     * @param nanoClock monotonic clock in ns ({@code System::nanoTime})
     */
    public CachedTenantDirectory(DirectoryStore store, Duration ttl, LongSupplier nanoClock) {
        this.store = Objects.requireNonNull(store);
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Served from the cache while fresh; a stale or missing tenant, or a PLC id the cached tenant lacks, is
     * (re)loaded from the store once.
     */
    @Override
    public Lookup lookup(TenantSlug slug, PlcId plcId) {
        Entry e = bySlug.get(slug);
        boolean loadedNow = false;
        if (e == null || stale(e)) {
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

    /** {@inheritDoc} Served from the cache while fresh, else loaded from the store. */
    @Override
    public Optional<TenantInfo> tenant(TenantSlug slug) {
        Entry e = bySlug.get(slug);
        if (e == null || stale(e)) {
            e = load(slug);
        }
        return e == null ? Optional.empty() : Optional.of(e.snapshot().tenant());
    }

    private boolean stale(Entry e) {
        return nanoClock.getAsLong() - e.loadedAtNanos() > ttlNanos;
    }

    /** @throws DirectoryUnavailableException from the store */
    private Entry load(TenantSlug slug) {
        long before = epoch.get();
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

    /** Drops the cached tenant with this id (and its devices). */
    public void invalidate(TenantId tenantId) {
        epoch.incrementAndGet();
        bySlug.values().removeIf(e -> e.snapshot().tenant().id().equals(tenantId));
    }

    /** Drops everything (e.g. after the LISTEN connection was lost and notifications may have been missed). */
    public void invalidateAll() {
        epoch.incrementAndGet();
        bySlug.clear();
    }

    /**
     * The slug of a cached tenant, for metric tags; {@code unknown} when the id is null or not cached (no
     * PostgreSQL query).
     */
    public String slugOf(TenantId tenantId) {
        if (tenantId != null) {
            for (Entry e : bySlug.values()) {
                if (e.snapshot().tenant().id().equals(tenantId)) {
                    return e.snapshot().tenant().slug().value();
                }
            }
        }
        return "unknown";
    }

    /** True when the tenant with this slug is in the cache (fresh or not). */
    public boolean isCached(TenantSlug slug) {
        return bySlug.containsKey(slug);
    }
}
