-- Issue 7 "one tenant obtains another tenant's MQTT login": usernames t_<slug>_<plc_id> / t_<slug>_svc collided
-- (acme_corp's service login = acme's device corp_svc). New scheme (core MqttNames): device t_<slug>.<plc_id>,
-- service t_<slug>:svc; '.' and ':' never occur in slugs or PLC ids, so names cannot collide.
--
-- Migration: a device WITHOUT a credential simply takes its new name now. A login that already exists keeps its
-- legacy name (only the device knows its password, and the broker's hash cannot be copied to a new name); it keeps
-- working and is renamed the next time its credential is issued (CredentialManagement). The reconciler reports
-- how many legacy logins remain.
/* [jooq ignore start] */
UPDATE devices d
SET mqtt_username = 't_' || t.slug || '.' || d.plc_id
FROM tenants t
WHERE t.id = d.tenant_id
  AND NOT EXISTS (SELECT 1 FROM mqtt_credentials c WHERE c.device_id = d.id);

-- One login per device and one service login per tenant, whatever its name: a credential write can never touch a
-- second row, let alone another tenant's.
CREATE UNIQUE INDEX mqtt_credentials_one_per_device ON mqtt_credentials (device_id) WHERE device_id IS NOT NULL;
CREATE UNIQUE INDEX mqtt_credentials_one_service_per_tenant ON mqtt_credentials (tenant_id) WHERE device_id IS NULL;
/* [jooq ignore stop] */
