-- Tenantry schema v5 (issue 9 §1, "The bucket is a per-tenant property, not a constant"): a tenant's storage
-- placement, carried in the tenant directory snapshot (core StoragePlacement) so that one place decides which
-- buckets a tenant's points are written to and read from.
-- SHARED (every tenant today): the platform's shared buckets processo_raw / processo / processo_1m, points tagged
-- locatario_id. DEDICATED (design note 003 §12, migration of a heavy tenant): the tenant's own InfluxDB databases
-- named in raw_bucket, processed_bucket, one_minute_bucket (e.g. <slug>_raw, <slug>_proc), retention policy autogen.
ALTER TABLE tenants ADD COLUMN placement VARCHAR(16) NOT NULL DEFAULT 'SHARED';
ALTER TABLE tenants ADD COLUMN raw_bucket VARCHAR(64);
ALTER TABLE tenants ADD COLUMN processed_bucket VARCHAR(64);
ALTER TABLE tenants ADD COLUMN one_minute_bucket VARCHAR(64);

/* [jooq ignore start] */
ALTER TABLE tenants ADD CONSTRAINT tenants_placement_check CHECK (
    (placement = 'SHARED' AND raw_bucket IS NULL AND processed_bucket IS NULL AND one_minute_bucket IS NULL)
    OR (placement = 'DEDICATED'
        -- IS NOT NULL first: a NULL would make the regex test NULL, which a CHECK lets pass
        AND raw_bucket IS NOT NULL AND processed_bucket IS NOT NULL AND one_minute_bucket IS NOT NULL
        AND raw_bucket ~ '^[a-z0-9_-]{1,64}$' AND processed_bucket ~ '^[a-z0-9_-]{1,64}$'
        AND one_minute_bucket ~ '^[a-z0-9_-]{1,64}$'));
/* [jooq ignore stop] */
