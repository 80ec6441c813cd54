-- Tenantry schema v8 (issue 11, downsampling and per-plan retention; docs/rollups.md).
-- 1. rollup_watermarks: per tenant and tier ('10s' -> processo, '1m' -> processo_1m), the end (exclusive) of the
--    raw time already rolled up by the incremental pass. Every window ending at or before it is written. The
--    rollup job holds the tenant's rows locked (SELECT ... FOR UPDATE) while it rolls the tenant up, so two job
--    instances or a backfill never work on the same tenant's windows at the same time.
-- 2. rollup_dirty: raw time ranges written by ingest that may fall into windows the job already closed (late data:
--    edge store-and-forward, replays). One row per tenant and UTC hour of the point timestamps, with the min and
--    max timestamp seen in that hour; ingest merges into it after each successful batch write, the job recomputes
--    the covered windows and deletes the row when its version is unchanged. Bound: raw data older than the raw
--    bucket's retention (30 d) is refused by InfluxDB, so at most 30 * 24 = 720 rows per tenant.
CREATE TABLE rollup_watermarks (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    tier       VARCHAR(8) NOT NULL,
    watermark  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, tier)
);

CREATE TABLE rollup_dirty (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    hour_start TIMESTAMP WITH TIME ZONE NOT NULL,
    min_ts     TIMESTAMP WITH TIME ZONE NOT NULL,
    max_ts     TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    marked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, hour_start)
);

/* [jooq ignore start] */
ALTER TABLE rollup_watermarks ADD CONSTRAINT rollup_watermarks_tier_check CHECK (tier IN ('10s', '1m'));
ALTER TABLE rollup_dirty ADD CONSTRAINT rollup_dirty_range_check CHECK (min_ts <= max_ts);
GRANT SELECT, INSERT, UPDATE, DELETE ON rollup_watermarks, rollup_dirty TO ${appRole};
/* [jooq ignore stop] */
