package io.tenantry.ingest.directory;

import java.util.Optional;

/**
 * Where tenants and devices come from (PostgreSQL in production: {@link JooqDirectoryStore}).
 */
public interface DirectoryStore {
    /**
     * Loads a tenant by slug with all its devices.
     *
     * @return empty when no tenant has that slug
     * @throws DirectoryUnavailableException when the store cannot be reached
     */
    Optional<TenantSnapshot> load(String slug);
}
