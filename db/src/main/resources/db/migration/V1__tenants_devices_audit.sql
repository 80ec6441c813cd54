-- Tenantry schema v1: tenants, plans, devices, credentials, outbox, audit chain, dead letters.
-- Rules from design note 003 (§2 identity, §3 devices, §6 naming, §7 plans) and note 000 (roles, alert events).
-- Runs as the owner role; the app role (placeholder appRole) gets only what it needs.

CREATE TABLE plans (
    code                      VARCHAR(16) PRIMARY KEY,
    max_devices               INTEGER NOT NULL,
    points_per_minute         INTEGER NOT NULL,
    raw_retention_days        INTEGER NOT NULL,
    aggregated_retention_days INTEGER NOT NULL,
    max_active_alerts         INTEGER NOT NULL,
    max_dashboards            INTEGER NOT NULL
);

-- note 003 §7: Free / Pro / Enterprise (points per minute = individual field values ingested per minute)
INSERT INTO plans VALUES ('FREE', 2, 500, 3, 30, 5, 5);
INSERT INTO plans VALUES ('PRO', 20, 5000, 7, 180, 50, 20);
INSERT INTO plans VALUES ('ENTERPRISE', 100, 50000, 30, 365, 200, 100);

CREATE TABLE tenants (
    id         UUID PRIMARY KEY,
    slug       VARCHAR(32) NOT NULL UNIQUE,
    name       VARCHAR(200) NOT NULL,
    status     VARCHAR(16) NOT NULL,
    plan       VARCHAR(16) NOT NULL REFERENCES plans (code),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tenants_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'TERMINATED'))
);
/* [jooq ignore start] */
ALTER TABLE tenants ADD CONSTRAINT tenants_slug_check CHECK (slug ~ '^[a-z0-9_-]{3,32}$');
/* [jooq ignore stop] */

CREATE TABLE devices (
    id               UUID PRIMARY KEY,
    tenant_id        UUID NOT NULL REFERENCES tenants (id),
    plc_id           VARCHAR(32) NOT NULL,
    type             VARCHAR(16) NOT NULL,
    tags             JSONB NOT NULL,
    active           BOOLEAN NOT NULL,
    last_seen_at     TIMESTAMP WITH TIME ZONE,
    firmware_version VARCHAR(64),
    -- t_<slug>_<plc_id>; globally unique: slug "a_b" + plc "c" and slug "a" + plc "b_c" would collide
    mqtt_username    VARCHAR(80) NOT NULL UNIQUE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT devices_tenant_plc_unique UNIQUE (tenant_id, plc_id),
    CONSTRAINT devices_type_check CHECK (type IN ('siemens_s7', 'modbus_tcp', 'opcua'))
);
/* [jooq ignore start] */
ALTER TABLE devices ADD CONSTRAINT devices_plc_id_check CHECK (plc_id ~ '^[a-z0-9_-]{3,32}$');
/* [jooq ignore stop] */
CREATE INDEX devices_tenant_idx ON devices (tenant_id);

-- MQTT logins: one per device (t_<slug>_<plc_id>) and one service login per tenant (t_<slug>_svc).
-- Only a bcrypt hash of the password is kept; the broker keeps its own salted hash.
CREATE TABLE mqtt_credentials (
    username      VARCHAR(80) PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id),
    device_id     UUID REFERENCES devices (id) ON DELETE CASCADE,
    password_hash VARCHAR(100) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    rotated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mqtt_credentials_tenant_idx ON mqtt_credentials (tenant_id);

-- Transactional outbox: broker/InfluxDB changes committed with the PostgreSQL change, applied afterwards and
-- retried until done. A new password travels AES-GCM encrypted and is wiped once applied.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    kind            VARCHAR(40) NOT NULL,
    tenant_id       UUID,
    aggregate_id    VARCHAR(80) NOT NULL,
    secret          BYTEA,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error      VARCHAR(1000),
    done_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE done_at IS NULL;

-- Append-only audit trail with a SHA-256 hash chain (hash = sha256(prev_hash | canonical row)).
CREATE TABLE audit_events (
    seq         BIGSERIAL PRIMARY KEY,
    id          UUID NOT NULL UNIQUE,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    tenant_id   UUID,
    action      VARCHAR(80) NOT NULL,
    target      VARCHAR(200) NOT NULL,
    request_id  VARCHAR(100),
    details     VARCHAR(4000),
    prev_hash   CHAR(64) NOT NULL,
    hash        CHAR(64) NOT NULL
);

-- Ingest: messages that could not become points (malformed, wrong type, oversized, spoofed, unknown device).
CREATE TABLE dead_letters (
    id          BIGSERIAL PRIMARY KEY,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    topic       VARCHAR(300) NOT NULL,
    tenant_id   UUID,
    reason      VARCHAR(60) NOT NULL,
    detail      VARCHAR(2000),
    payload     BYTEA NOT NULL
);
CREATE INDEX dead_letters_tenant_idx ON dead_letters (tenant_id, received_at);

/* [jooq ignore start] */
GRANT SELECT ON plans TO ${appRole};
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, devices, mqtt_credentials, outbox TO ${appRole};
GRANT SELECT, INSERT ON dead_letters TO ${appRole};
-- audit_events is append-only for the app: no UPDATE, no DELETE
GRANT SELECT, INSERT ON audit_events TO ${appRole};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole};
/* [jooq ignore stop] */
