-- Tenantry schema v7 (issue 10: quotas, per-tenant metering, usage for billing; design note 003 §7–§9, §13).
-- Everything here is read and written with plain SQL (ingest, quota-service), hence hidden from jOOQ generation.
-- Usage rows carry no foreign key to tenants: billing records must outlive a tenant's deletion, and ingest's
-- metering flush must never fail because a tenant was deleted meanwhile.

/* [jooq ignore start] */

-- Plan prices for the MRR report (note 003 §13: MRR = plan base + overages). Amounts in cents of `currency`.
ALTER TABLE plans ADD COLUMN currency VARCHAR(3) NOT NULL DEFAULT 'USD';
ALTER TABLE plans ADD COLUMN base_price_cents BIGINT NOT NULL DEFAULT 0;
-- per extra million field values over the month's budget (points_per_minute × 1,440 × days of the month)
ALTER TABLE plans ADD COLUMN overage_per_million_cents BIGINT NOT NULL DEFAULT 0;
-- per device over max_devices (the month's highest devices_active)
ALTER TABLE plans ADD COLUMN overage_per_device_cents BIGINT NOT NULL DEFAULT 0;
UPDATE plans SET base_price_cents = 0, overage_per_million_cents = 0, overage_per_device_cents = 0 WHERE code = 'FREE';
UPDATE plans SET base_price_cents = 4900, overage_per_million_cents = 200, overage_per_device_cents = 300 WHERE code = 'PRO';
UPDATE plans SET base_price_cents = 49900, overage_per_million_cents = 100, overage_per_device_cents = 200
    WHERE code = 'ENTERPRISE';

-- Per-tenant overrides of any plan limit (as Mimir's per-tenant overrides / ThingsBoard tenant profiles);
-- NULL = the plan's value. Written by platform admins through the API, every change audited (audit_events).
CREATE TABLE tenant_plan_overrides (
    tenant_id                 UUID PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    max_devices               INTEGER CHECK (max_devices >= 0),
    points_per_minute         INTEGER CHECK (points_per_minute >= 0),
    raw_retention_days        INTEGER CHECK (raw_retention_days > 0),
    aggregated_retention_days INTEGER CHECK (aggregated_retention_days > 0),
    max_active_alerts         INTEGER CHECK (max_active_alerts >= 0),
    max_dashboards            INTEGER CHECK (max_dashboards >= 0),
    updated_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by                VARCHAR(200) NOT NULL
);

-- Ingest's own counters: one row per (UTC minute of hand-off, tenant, ingest process). A process writes the
-- ABSOLUTE values of its in-memory counters (upsert), so a repeated flush never double counts, and a restarted
-- process has a new instance_id. latency_hist: counts per bucket of LatencyHistogram (publish→stored, ms).
-- rejected: reason → messages refused (dead letters and quota refusals).
CREATE TABLE ingest_usage (
    minute               TIMESTAMP WITH TIME ZONE NOT NULL,
    tenant_id            UUID NOT NULL,
    instance_id          UUID NOT NULL,
    messages             BIGINT NOT NULL,
    points               BIGINT NOT NULL,
    field_values         BIGINT NOT NULL,
    refused_field_values BIGINT NOT NULL,
    rejected             JSONB NOT NULL,
    latency_hist         BIGINT[] NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (minute, tenant_id, instance_id)
);
CREATE INDEX ingest_usage_tenant_idx ON ingest_usage (tenant_id, minute);

-- quota-service's minute and day rows: the billing source of truth (survives InfluxDB loss).
CREATE TABLE usage_minute (
    tenant_id            UUID NOT NULL,
    minute               TIMESTAMP WITH TIME ZONE NOT NULL,
    messages             BIGINT NOT NULL,
    points               BIGINT NOT NULL,
    field_values         BIGINT NOT NULL,
    refused_field_values BIGINT NOT NULL,
    rejected             JSONB NOT NULL,
    latency_hist         BIGINT[] NOT NULL,
    latency_p95_ms       BIGINT,
    PRIMARY KEY (tenant_id, minute)
);

CREATE TABLE usage_day (
    tenant_id            UUID NOT NULL,
    day                  DATE NOT NULL,
    plan                 VARCHAR(16) NOT NULL,
    budget_field_values  BIGINT NOT NULL,
    messages             BIGINT NOT NULL,
    points               BIGINT NOT NULL,
    field_values         BIGINT NOT NULL,
    refused_field_values BIGINT NOT NULL,
    rejected             JSONB NOT NULL,
    latency_hist         BIGINT[] NOT NULL,
    latency_p95_ms       BIGINT,
    devices_active       INTEGER NOT NULL,
    cardinality_series   BIGINT,
    storage_bytes        BIGINT,
    PRIMARY KEY (tenant_id, day)
);

-- note 003 §8: > 90 % of the daily budget on 3 consecutive days → one recommendation per streak
CREATE TABLE upgrade_recommendations (
    id            BIGSERIAL PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    streak_start  DATE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    plan          VARCHAR(16) NOT NULL,
    suggested     VARCHAR(16),
    detail        VARCHAR(1000) NOT NULL,
    CONSTRAINT upgrade_recommendations_streak_unique UNIQUE (tenant_id, streak_start)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_plan_overrides, ingest_usage, usage_minute, usage_day,
    upgrade_recommendations TO ${appRole};
GRANT UPDATE ON plans TO ${appRole};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole};
/* [jooq ignore stop] */
