-- Tenantry schema v4 (issue 8, "One device must not stall or exhaust the platform").
-- 1. plans.max_future_minutes: how far ahead of ingest's receive time a point's timestamp may lie. Every distinct
--    future day makes InfluxDB open a shard group (processo_raw: one-day shards), so a device with a wrong clock or
--    a hostile batch could otherwise open hundreds. The past bound is the existing plans.raw_retention_days.
-- 2. dead_letters: one row per rejected message (not per element), with counts of its elements.
-- 3. dead_letters retention: ingest (app role) deletes rows older than tenantry.ingest.dead-letters.retention;
--    an index on received_at keeps that delete cheap.
ALTER TABLE plans ADD COLUMN max_future_minutes INTEGER NOT NULL DEFAULT 60;
UPDATE plans SET max_future_minutes = 15 WHERE code = 'FREE';
UPDATE plans SET max_future_minutes = 60 WHERE code IN ('PRO', 'ENTERPRISE');

ALTER TABLE dead_letters ADD COLUMN elements_rejected INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dead_letters ADD COLUMN elements_total INTEGER NOT NULL DEFAULT 1;
CREATE INDEX dead_letters_received_idx ON dead_letters (received_at);

/* [jooq ignore start] */
ALTER TABLE plans ADD CONSTRAINT plans_max_future_minutes_check CHECK (max_future_minutes BETWEEN 0 AND 10080);
GRANT DELETE ON dead_letters TO ${appRole};
/* [jooq ignore stop] */
