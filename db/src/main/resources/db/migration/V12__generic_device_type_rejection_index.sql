-- Tenantry schema v12 (issue 16, "Day one for operators and device owners").
-- 1. Device type 'generic' besides the three PLC protocols: any device that publishes the telemetry JSON itself
--    (a gateway, a script, a sensor with an MQTT client).
-- 2. The tenant's rejection API and the per-device rejection counters read dead_letters by tenant and topic
--    (GET /api/v1/tenants/{id}/rejections?device=..., the device resource's "rejections").
CREATE INDEX dead_letters_tenant_topic_idx ON dead_letters (tenant_id, topic, received_at);

/* [jooq ignore start] */
ALTER TABLE devices DROP CONSTRAINT devices_type_check;
ALTER TABLE devices ADD CONSTRAINT devices_type_check CHECK (type IN ('siemens_s7', 'modbus_tcp', 'opcua', 'generic'));
/* [jooq ignore stop] */
