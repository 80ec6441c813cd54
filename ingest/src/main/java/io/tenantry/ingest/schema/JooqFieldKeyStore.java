package io.tenantry.ingest.schema;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;

import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import static io.tenantry.db.jooq.Tables.TENANT_FIELD_KEYS;

/** {@link FieldKeyRegistry.Store} over {@code tenant_field_keys} (Flyway V3) as the app role (SELECT, INSERT). */
public final class JooqFieldKeyStore implements FieldKeyRegistry.Store {
    private final DSLContext dsl;

    /** @param dsl jOOQ over the app role's data source */
    public JooqFieldKeyStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Set<String> load(TenantId tenant) {
        try {
            return new HashSet<>(dsl.select(TENANT_FIELD_KEYS.FIELD_KEY).from(TENANT_FIELD_KEYS)
                    .where(TENANT_FIELD_KEYS.TENANT_ID.eq(tenant.value())).fetch(TENANT_FIELD_KEYS.FIELD_KEY));
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot read the field keys of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void add(TenantId tenant, Collection<String> keys) {
        try {
            OffsetDateTime now = OffsetDateTime.now();
            var insert = dsl.insertInto(TENANT_FIELD_KEYS, TENANT_FIELD_KEYS.TENANT_ID, TENANT_FIELD_KEYS.FIELD_KEY,
                    TENANT_FIELD_KEYS.FIRST_SEEN_AT);
            for (String k : keys) {
                insert = insert.values(tenant.value(), k, now);
            }
            insert.onConflictDoNothing().execute();
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot register field keys of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }
}
