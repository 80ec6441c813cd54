-- Tenantry schema v7.1 (issue 10, hard cap at the broker): a tenant whose field values received today (stored +
-- refused) reach 200 % of its daily budget loses its devices' publish right until the UTC day it was blocked on
-- has passed or its budget is raised. quota-service inserts/deletes the row and an outbox entry of kind
-- 'quota.broker' (aggregate = tenant id); provisioning-api's broker feature derives each device login's ACL from
-- it (BrokerSync), so the reconciler keeps it too.
/* [jooq ignore start] */
CREATE TABLE quota_blocks (
    tenant_id  UUID PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    detail     VARCHAR(1000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON quota_blocks TO ${appRole};
/* [jooq ignore stop] */
