-- Tenantry schema v9 (issue 12, alert engine; design note 000 "alerts, alert_events", note 003 §7 active alert rules
-- per plan, §9 alerts_fired): alert rules, their per rule x device state, the events they produce, notification
-- channels and the deliveries of events to channels (an outbox written in the same transaction as the event).

-- A rule: kind-specific parameters in spec (JSONB, validated by the alert-engine), which devices it watches in
-- selector ({} = every device of the tenant; {"devices":[plc ids]}; {"type":..,"tags":{..}}).
-- last_tick: the last evaluation tick (epoch seconds / every_seconds) an instance claimed; the claim is an UPDATE
-- ... WHERE last_tick < :tick, so two instances never evaluate the same rule for the same tick.
CREATE TABLE alert_rules (
    id            UUID PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          VARCHAR(200) NOT NULL,
    kind          VARCHAR(16) NOT NULL,
    enabled       BOOLEAN NOT NULL,
    severity      VARCHAR(16) NOT NULL,
    measurement   VARCHAR(256) NOT NULL,
    selector      JSONB NOT NULL,
    spec          JSONB NOT NULL,
    labels        JSONB NOT NULL,
    description   VARCHAR(1000) NOT NULL,
    channels      JSONB NOT NULL,
    every_seconds INTEGER NOT NULL,
    last_tick     BIGINT NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT alert_rules_kind_check CHECK (kind IN ('threshold', 'rate_of_change', 'no_data', 'anomaly')),
    CONSTRAINT alert_rules_severity_check CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT alert_rules_every_check CHECK (every_seconds BETWEEN 1 AND 86400)
);
CREATE INDEX alert_rules_tenant_idx ON alert_rules (tenant_id);
CREATE INDEX alert_rules_enabled_idx ON alert_rules (enabled, last_tick);

-- Per rule x device: OK -> PENDING -> FIRING -> RESOLVED (then PENDING again on the next breach).
-- last_tick: the tick that wrote the row (a late writer of an older tick never overwrites a newer state).
CREATE TABLE alert_states (
    rule_id    UUID NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    device_id  UUID NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    state      VARCHAR(16) NOT NULL,
    since      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_value DOUBLE PRECISION,
    last_tick  BIGINT NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (rule_id, device_id),
    CONSTRAINT alert_states_state_check CHECK (state IN ('OK', 'PENDING', 'FIRING', 'RESOLVED'))
);

-- Fired / resolved transitions (metered as alerts_fired per tenant by the quota/usage service: kind = 'fired').
CREATE TABLE alert_events (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    rule_id         UUID NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    device_id       UUID NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    kind            VARCHAR(16) NOT NULL,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    severity        VARCHAR(16) NOT NULL,
    "values"        JSONB NOT NULL,
    message         VARCHAR(2000) NOT NULL,
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    acknowledged_by VARCHAR(200),
    CONSTRAINT alert_events_kind_check CHECK (kind IN ('fired', 'resolved'))
);
CREATE INDEX alert_events_tenant_idx ON alert_events (tenant_id, at);
CREATE INDEX alert_events_rule_idx ON alert_events (rule_id, device_id, at);

-- One row per evaluation of a rule (which tick, which instance, how late, how long): the two-instance test counts
-- them, the benchmark reads lag and CPU from them. Rows older than a day are pruned by the engine.
CREATE TABLE alert_rule_runs (
    id          BIGSERIAL PRIMARY KEY,
    rule_id     UUID NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    tick        BIGINT NOT NULL,
    instance    VARCHAR(200) NOT NULL,
    due_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE NOT NULL,
    devices     INTEGER NOT NULL,
    queries     INTEGER NOT NULL,
    cpu_nanos   BIGINT NOT NULL,
    error       VARCHAR(1000)
);
CREATE INDEX alert_rule_runs_rule_idx ON alert_rule_runs (rule_id, tick);
CREATE INDEX alert_rule_runs_started_idx ON alert_rule_runs (started_at);

-- Per-tenant notification channels: webhook (url, HMAC-SHA256 secret shown once at creation) or email (address).
CREATE TABLE alert_channels (
    id         UUID PRIMARY KEY,
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       VARCHAR(200) NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    url        VARCHAR(2000),
    email      VARCHAR(320),
    secret     VARCHAR(200),
    enabled    BOOLEAN NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT alert_channels_kind_check CHECK (kind IN ('webhook', 'email'))
);
CREATE INDEX alert_channels_tenant_idx ON alert_channels (tenant_id);

-- Outbox of notifications: one row per event x channel, inserted in the event's transaction; a delivery worker
-- sends it (retries with backoff) and records status and attempts. idempotency_key travels with every attempt.
CREATE TABLE alert_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
    channel_id      UUID NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    idempotency_key VARCHAR(100) NOT NULL UNIQUE,
    status          VARCHAR(16) NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error      VARCHAR(1000),
    delivered_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (next_attempt_at) WHERE status = 'pending';

/* [jooq ignore start] */
GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rules, alert_states, alert_channels TO ${appRole};
GRANT SELECT, INSERT, UPDATE ON alert_events, alert_deliveries TO ${appRole};
GRANT SELECT, INSERT, DELETE ON alert_rule_runs TO ${appRole};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole};
/* [jooq ignore stop] */
