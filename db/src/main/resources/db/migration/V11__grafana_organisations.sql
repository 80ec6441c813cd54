-- Tenantry schema v11 (issue 14, "Grafana per tenant"): what the provisioning API's grafana feature has made in
-- Grafana for each tenant, so that the reconciler can compare Grafana's state with PostgreSQL and a dashboard a
-- tenant user edited is detected by its version (never overwritten).

-- one Grafana organisation per tenant; state follows the tenant (ACTIVE, SUSPENDED, REMOVED after termination)
CREATE TABLE grafana_orgs (
    tenant_id       UUID PRIMARY KEY REFERENCES tenants (id),
    org_id          BIGINT,
    state           VARCHAR(16) NOT NULL,
    -- the gateway credential the data sources hold (user name only; Grafana keeps the secret, we keep none)
    credential_user VARCHAR(80),
    -- the plan's dashboard limit refused some generated dashboards: which and why (null = within the limit)
    limit_error     VARCHAR(1000),
    synced_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT grafana_orgs_state_check CHECK (state IN ('ACTIVE', 'SUSPENDED', 'REMOVED'))
);

-- every generated dashboard as last saved by us: Grafana's version after our save and the content hash
CREATE TABLE grafana_dashboards (
    tenant_id         UUID NOT NULL REFERENCES tenants (id),
    uid               VARCHAR(40) NOT NULL,
    title             VARCHAR(300) NOT NULL,
    url               VARCHAR(400) NOT NULL,
    content_hash      CHAR(64) NOT NULL,
    generator_version INTEGER NOT NULL,
    grafana_version   BIGINT NOT NULL,
    -- Grafana's version moved past ours: a tenant user saved it; we keep their edit and stop regenerating it
    edited            BOOLEAN NOT NULL DEFAULT FALSE,
    saved_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, uid)
);

/* [jooq ignore start] */
GRANT SELECT, INSERT, UPDATE, DELETE ON grafana_orgs, grafana_dashboards TO ${appRole};
/* [jooq ignore stop] */
