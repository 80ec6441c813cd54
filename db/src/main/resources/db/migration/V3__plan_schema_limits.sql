-- Tenantry schema v3 (issue 7, "the shared measurement couples tenants"): schema limits per plan and the registry
-- of each tenant's field keys, so one tenant's schema growth is bounded and refused with a clear reason
-- (dead letter `schema_limit`, docs/telemetry.md §9) instead of being paid by every tenant.

-- fields in one telemetry point, and distinct field keys a tenant may have (over all its measurements)
ALTER TABLE plans ADD COLUMN max_fields_per_point INTEGER NOT NULL DEFAULT 100;
ALTER TABLE plans ADD COLUMN max_field_keys INTEGER NOT NULL DEFAULT 1000;
UPDATE plans SET max_fields_per_point = 64, max_field_keys = 256 WHERE code = 'FREE';
UPDATE plans SET max_fields_per_point = 256, max_field_keys = 2048 WHERE code = 'PRO';
UPDATE plans SET max_fields_per_point = 1024, max_field_keys = 10000 WHERE code = 'ENTERPRISE';

-- every field key ingest has accepted for a tenant; ingest inserts a key before the first point that carries it
CREATE TABLE tenant_field_keys (
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    field_key     VARCHAR(256) NOT NULL,
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, field_key)
);

/* [jooq ignore start] */
GRANT SELECT, INSERT, DELETE ON tenant_field_keys TO ${appRole};
/* [jooq ignore stop] */
