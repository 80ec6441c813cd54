package io.tenantry.directory;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantSlug;

import java.util.Optional;

/**
 * Where {@link CachedTenantDirectory} loads tenants and devices from (PostgreSQL in production:
 * {@link JooqDirectoryStore}).
 */
public interface DirectoryStore {
    /**
     * Loads a tenant by slug with all its devices.
     *
     * @return empty when no tenant has that slug
     * @throws DirectoryUnavailableException when the store cannot be reached
     */
    Optional<TenantSnapshot> load(TenantSlug slug);
}
