-- Tenantry schema v10 (issue 13): tenant credentials for the tenant-enforcing InfluxQL query gateway, the tenant's
-- "scoped Influx token" of design note 003 §6/§10. Username t_<slug>_<suffix> (suffix: 10 lower-case hex digits),
-- description locatario:<slug>:<use>. The secret (32 random bytes, base64url) is shown once; only its SHA-256 is
-- stored (a random 256-bit secret needs no slow hash; the gateway checks it on every request). Revoked rows stay
-- (revoked_at) so the audit trail can name them; the gateway accepts only rows with revoked_at IS NULL of an
-- ACTIVE tenant.
CREATE TABLE query_credentials (
    username     VARCHAR(80) PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    use_name     VARCHAR(32) NOT NULL,
    description  VARCHAR(120) NOT NULL,
    secret_hash  VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX query_credentials_tenant_idx ON query_credentials (tenant_id, use_name);

/* [jooq ignore start] */
ALTER TABLE query_credentials ADD CONSTRAINT query_credentials_use_check CHECK (use_name ~ '^[a-z0-9-]{1,32}$');
ALTER TABLE query_credentials ADD CONSTRAINT query_credentials_hash_check CHECK (secret_hash ~ '^[0-9a-f]{64}$');
GRANT SELECT, INSERT, UPDATE ON query_credentials TO ${appRole};
/* [jooq ignore stop] */
