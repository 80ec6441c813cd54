package io.tenantry.provisioning.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the OpenAPI document explain itself (issue 16): every operation gets a resource tag ("Tenants", not
 * {@code tenant-controller}), a stable {@code operationId}, a description with the roles that may call it, its real
 * success status (201 for creation, 204 for deletion) and its error responses as RFC 9457 problems with their
 * {@code errorCode}s; every schema property and parameter gets a description, allowed values, examples and units.
 * <p>
 * The texts live here, in one table per schema, rather than in annotations spread over the features: one place to
 * read and keep complete. {@code OpenApiDocumentIT} walks the served document and fails on any operation, property
 * or parameter without a description, so a new field cannot go undocumented.
 */
@Configuration
public class OpenApiDocs {
    /** The problem schema every error response refers to. */
    public static final String PROBLEM = "Problem";

    /** What one operation is: its tag, id, description, success status and the error codes it may answer. */
    record Op(String tag, String id, String description, String success, List<String> errors) {
    }

    /** Text, allowed values and example of one property or parameter. */
    record Doc(String description, List<String> allowed, Object example) {
        static Doc of(String description) {
            return new Doc(description, null, null);
        }

        static Doc of(String description, Object example) {
            return new Doc(description, null, example);
        }

        static Doc oneOf(String description, List<String> allowed, Object example) {
            return new Doc(description, allowed, example);
        }
    }

    static final List<String> PLANS = List.of("FREE", "PRO", "ENTERPRISE");
    static final List<String> DEVICE_TYPES = List.of("siemens_s7", "modbus_tcp", "opcua", "generic");
    static final List<String> STATUSES = List.of("ACTIVE", "SUSPENDED", "TERMINATED");
    static final String ROLES_ADMIN = " Role: platform_admin.";
    static final String ROLES_READ = " Roles: owner, staff or viewer of the tenant, or platform_admin; another tenant answers 404.";
    static final String ROLES_WRITE = " Roles: owner or staff of the tenant, or platform_admin (viewer: 403); another tenant answers 404.";

    static final Map<String, Tag> TAGS = tags(
            new Tag().name("Tenants").description("Customers of the platform and their lifecycle (ACTIVE → SUSPENDED ⇄ ACTIVE → TERMINATED)"),
            new Tag().name("Devices").description("A tenant's devices (PLCs, gateways): each publishes on its own MQTT topic plc/<slug>/<plc_id>"),
            new Tag().name("Credentials").description("MQTT logins of devices and of the tenant's service; the password is shown once"),
            new Tag().name("Telemetry").description("Reading a device's stored points back, strictly within the caller's tenant"),
            new Tag().name("Rejections").description("Data ingest refused from the tenant's devices: reason, element, time, payload sample"),
            new Tag().name("Query credentials").description("The tenant's credentials for the query gateway (InfluxDB 1.x read API, e.g. for Grafana): t_<slug>_<suffix>, secret shown once"),
            new Tag().name("Plan limits").description("Per-tenant overrides of the plan's limits (platform_admin), audited"),
            new Tag().name("Grafana").description("The tenant's Grafana organisation, data sources and generated dashboards"),
            new Tag().name("Platform administration").description("Operator tasks across tenants (platform_admin only)"),
            new Tag().name("Authentication").description("Public keys of the local token issuer"));

    /** "METHOD path" → operation. */
    static final Map<String, Op> OPS = Map.ofEntries(
            Map.entry("GET /api/v1/tenants", new Op("Tenants", "listTenants",
                    "Lists the tenants the caller may see: all for platform_admin, its own for a tenant role.", "200",
                    List.of())),
            Map.entry("POST /api/v1/tenants", new Op("Tenants", "createTenant",
                    "Creates a tenant with its slug (part of every MQTT topic and login; cannot change), name and plan." + ROLES_ADMIN,
                    "201", List.of("400 provisioning:tenant.invalid, api:request.malformed", "409 provisioning:tenant.slug-taken"))),
            Map.entry("GET /api/v1/tenants/{id}", new Op("Tenants", "getTenant", "Reads one tenant." + ROLES_READ, "200",
                    List.of("404 provisioning:tenant.not-found"))),
            Map.entry("PATCH /api/v1/tenants/{id}", new Op("Tenants", "updateTenant",
                    "Changes the name and/or the plan; absent fields stay unchanged. A smaller plan is refused while the tenant has more devices than it allows." + ROLES_ADMIN,
                    "200", List.of("400 provisioning:tenant.invalid, api:request.malformed", "404 provisioning:tenant.not-found",
                            "409 provisioning:tenant.terminated, provisioning:plan.device-limit"))),
            Map.entry("POST /api/v1/tenants/{id}/suspend", new Op("Tenants", "suspendTenant",
                    "Suspends the tenant: its broker logins are disabled and connected devices dropped; data is kept and ingest refuses new data (tenant_suspended)." + ROLES_ADMIN,
                    "200", List.of("404 provisioning:tenant.not-found", "409 provisioning:tenant.terminated"))),
            Map.entry("POST /api/v1/tenants/{id}/activate", new Op("Tenants", "activateTenant",
                    "Activates a suspended tenant again: its broker logins are re-enabled." + ROLES_ADMIN,
                    "200", List.of("404 provisioning:tenant.not-found", "409 provisioning:tenant.terminated"))),
            Map.entry("POST /api/v1/tenants/{id}/terminate", new Op("Tenants", "terminateTenant",
                    "Terminates the tenant for good: its broker logins and roles are deleted. Final." + ROLES_ADMIN,
                    "200", List.of("404 provisioning:tenant.not-found", "409 provisioning:tenant.terminated"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/devices", new Op("Devices", "listDevices",
                    "Lists the tenant's devices, ordered by plc_id, each with its rejection counters." + ROLES_READ, "200",
                    List.of("404 provisioning:tenant.not-found"))),
            Map.entry("POST /api/v1/tenants/{tenantId}/devices", new Op("Devices", "createDevice",
                    "Creates a device; limited by the plan's device count. Issue its MQTT credential next." + ROLES_WRITE, "201",
                    List.of("400 provisioning:device.invalid, api:request.malformed", "404 provisioning:tenant.not-found",
                            "409 provisioning:device.plc-id-taken, provisioning:plan.device-limit, provisioning:tenant.not-active"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/devices/{deviceId}", new Op("Devices", "getDevice",
                    "Reads one device with its status and rejection counters." + ROLES_READ, "200",
                    List.of("404 provisioning:tenant.not-found, provisioning:device.not-found"))),
            Map.entry("PATCH /api/v1/tenants/{tenantId}/devices/{deviceId}", new Op("Devices", "updateDevice",
                    "Changes type, tags, active flag or firmware version; absent fields stay unchanged. Deactivating disables the device's MQTT login." + ROLES_WRITE,
                    "200", List.of("400 provisioning:device.invalid, api:request.malformed",
                            "404 provisioning:tenant.not-found, provisioning:device.not-found", "409 provisioning:tenant.terminated"))),
            Map.entry("DELETE /api/v1/tenants/{tenantId}/devices/{deviceId}", new Op("Devices", "deleteDevice",
                    "Deletes the device and its MQTT login; its stored telemetry stays until retention removes it." + ROLES_WRITE,
                    "204", List.of("404 provisioning:tenant.not-found, provisioning:device.not-found"))),
            Map.entry("POST /api/v1/tenants/{tenantId}/devices/{deviceId}/credentials", new Op("Credentials", "issueDeviceCredential",
                    "Issues the device's MQTT login, or rotates it (the old password stops working). The answer holds the broker URL, topic, username, the password (only here), the CA certificate and a ready mosquitto_pub example." + ROLES_WRITE,
                    "201", List.of("404 provisioning:tenant.not-found, provisioning:device.not-found",
                            "409 provisioning:tenant.terminated, provisioning:tenant.not-active"))),
            Map.entry("POST /api/v1/tenants/{tenantId}/service-credentials", new Op("Credentials", "issueServiceCredential",
                    "Issues or rotates the tenant's service login t_<slug>:svc, which may subscribe to (read) every topic of the tenant, plc/<slug>/#, and publish nothing." + ROLES_WRITE,
                    "201", List.of("404 provisioning:tenant.not-found", "409 provisioning:tenant.terminated, provisioning:tenant.not-active"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/devices/{deviceId}/telemetry", new Op("Telemetry", "readTelemetry",
                    "Reads a device's points in a time window (default: the last hour), oldest first, raw or aggregated per interval; JSON or CSV." + ROLES_READ,
                    "200", List.of("400 telemetry:query.invalid, telemetry:query.rejected, api:request.malformed",
                            "404 provisioning:tenant.not-found, provisioning:device.not-found", "503 telemetry:influx.unavailable"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/devices/{deviceId}/telemetry/latest", new Op("Telemetry", "latestTelemetry",
                    "The latest value of every field of the device, each with its time (the newest 1000 points over the whole retention are looked at)." + ROLES_READ,
                    "200", List.of("400 telemetry:query.invalid", "404 provisioning:tenant.not-found, provisioning:device.not-found",
                            "503 telemetry:influx.unavailable"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/rejections", new Op("Rejections", "listRejections",
                    "Lists what ingest refused from the tenant's devices, newest first, with counts by reason (reason codes: docs/telemetry.md section 9; kept 7 days by default)." + ROLES_READ,
                    "200", List.of("400 rejections:query.invalid, api:request.malformed",
                            "404 provisioning:tenant.not-found, provisioning:device.not-found"))),
            Map.entry("GET /api/v1/tenants/{id}/limits", new Op("Plan limits", "getLimits",
                    "The tenant's plan limits, its overrides and the effective limits (override, else plan)." + ROLES_ADMIN, "200",
                    List.of("404 provisioning:tenant.not-found"))),
            Map.entry("PUT /api/v1/tenants/{id}/limits", new Op("Plan limits", "setLimits",
                    "Replaces the tenant's overrides (limit name → value; an absent limit follows the plan again); audited. Ingest applies a new field values/min limit within seconds." + ROLES_ADMIN,
                    "200", List.of("400 provisioning:plan-overrides.invalid, api:request.malformed", "404 provisioning:tenant.not-found",
                            "409 provisioning:tenant.terminated, provisioning:plan.device-limit"))),
            Map.entry("GET /api/v1/tenants/{tenantId}/query-credentials", new Op("Query credentials", "listQueryCredentials",
                    "Lists the tenant's query-gateway credentials (never their secrets), revoked ones included." + ROLES_READ, "200",
                    List.of("404 provisioning:tenant.not-found"))),
            Map.entry("POST /api/v1/tenants/{tenantId}/query-credentials", new Op("Query credentials", "issueQueryCredential",
                    "Issues a query-gateway credential for a use (e.g. grafana); the secret is in this answer only, only its SHA-256 is stored. Use it as Basic auth or 'Authorization: Token <user>:<secret>' against the gateway." + ROLES_WRITE,
                    "201", List.of("400 provisioning:query-credential.invalid, api:request.malformed", "404 provisioning:tenant.not-found",
                            "409 provisioning:tenant.not-active"))),
            Map.entry("DELETE /api/v1/tenants/{tenantId}/query-credentials", new Op("Query credentials", "revokeQueryCredentialsOfUse",
                    "Revokes every credential of the tenant for one use; the gateway refuses them within seconds. Idempotent." + ROLES_WRITE,
                    "204", List.of("400 provisioning:query-credential.invalid", "404 provisioning:tenant.not-found"))),
            Map.entry("DELETE /api/v1/tenants/{tenantId}/query-credentials/{username}", new Op("Query credentials", "revokeQueryCredential",
                    "Revokes one credential; the gateway refuses it within seconds. Idempotent." + ROLES_WRITE,
                    "204", List.of("404 provisioning:tenant.not-found"))),
            Map.entry("GET /api/v1/tenants/{id}/grafana", new Op("Grafana", "getGrafana",
                    "The tenant's Grafana organisation: its state, the generated dashboards with versions and URLs, and the plan's dashboard limit when it was hit." + ROLES_READ,
                    "200", List.of("404 provisioning:tenant.not-found, grafana:org.not-found"))),
            Map.entry("POST /api/v1/admin/grafana/reconcile", new Op("Grafana", "reconcileGrafana",
                    "Compares every tenant's Grafana organisation with PostgreSQL now, repairs drift and reports it; otherwise this runs every minute." + ROLES_ADMIN,
                    "200", List.of())),
            Map.entry("GET /api/v1/admin/grafana/org-mapping", new Op("Grafana", "grafanaOrgMapping",
                    "The org_attribute_path / org_mapping settings for Grafana's JWT sign-in ([auth.jwt]) that send each tenant's users to their organisation." + ROLES_ADMIN,
                    "200", List.of())),
            Map.entry("POST /api/v1/admin/reconcile", new Op("Platform administration", "reconcile",
                    "Re-applies the desired state (PostgreSQL) to the broker and InfluxDB now and reports drift and problems; otherwise this runs every 30 s." + ROLES_ADMIN,
                    "200", List.of())),
            Map.entry("GET /api/v1/admin/audit/verify", new Op("Platform administration", "verifyAudit",
                    "Verifies the audit log's hash chain and names the first broken link, if any." + ROLES_ADMIN, "200", List.of())),
            Map.entry("GET /oauth2/jwks", new Op("Authentication", "jwks",
                    "The local token issuer's public keys (JWK set), for services that verify its tokens. Public; the local issuer is for local stacks only.",
                    "200", List.of())));

    /** Schema → property → text. */
    static final Map<String, Map<String, Doc>> PROPERTIES = Map.ofEntries(
            Map.entry("CreateTenant", props(
                    "slug", Doc.of("Short name: 3 to 32 of a-z, 0-9, - and _. Part of every MQTT topic (plc/<slug>/...) and login; cannot change", "acme"),
                    "name", Doc.of("Display name, 1 to 200 printable characters", "ACME Plant"),
                    "plan", Doc.oneOf("Plan: retention (raw data: FREE 3 days, PRO 30, ENTERPRISE 30), device limit and schema limits", PLANS, "PRO"))),
            Map.entry("UpdateTenant", props(
                    "name", Doc.of("New display name; absent = unchanged", "ACME Plant Nord"),
                    "plan", Doc.oneOf("New plan; absent = unchanged", PLANS, "ENTERPRISE"))),
            Map.entry("TenantView", props(
                    "id", Doc.of("The tenant's id (UUID); also the locatario_id tag on every point it stores"),
                    "slug", Doc.of("Short name used in MQTT topics and logins", "acme"),
                    "name", Doc.of("Display name", "ACME Plant"),
                    "status", Doc.oneOf("Lifecycle state", STATUSES, "ACTIVE"),
                    "plan", Doc.oneOf("Plan", PLANS, "PRO"),
                    "createdAt", Doc.of("When it was created (RFC 3339, UTC)"),
                    "updatedAt", Doc.of("When it last changed (RFC 3339, UTC)"))),
            Map.entry("CreateDevice", props(
                    "plcId", Doc.of("The device's id within the tenant: 3 to 32 of a-z, 0-9, - and _; part of its topic plc/<slug>/<plcId> and login", "press-01"),
                    "type", Doc.oneOf("Device type, stored as tag 'type' on its points; generic for anything that publishes the JSON itself", DEVICE_TYPES, "modbus_tcp"),
                    "tags", Doc.of("Tags stored on every point of the device (key → value, at most 20; names as in docs/telemetry.md)", Map.of("line", "L1")))),
            Map.entry("UpdateDevice", props(
                    "type", Doc.oneOf("New device type; absent = unchanged", DEVICE_TYPES, "opcua"),
                    "tags", Doc.of("New tags (replace all); absent = unchanged", Map.of("line", "L2")),
                    "active", Doc.of("false disables the device's MQTT login (ingest also refuses its data: device_inactive); true enables it", true),
                    "firmwareVersion", Doc.of("Firmware version, informational, at most 64 characters", "2.4.1"))),
            Map.entry("DeviceView", props(
                    "id", Doc.of("The device's id (UUID)"),
                    "tenantId", Doc.of("Its tenant's id"),
                    "plcId", Doc.of("The device's id within the tenant, as in its topic", "press-01"),
                    "type", Doc.oneOf("Device type", DEVICE_TYPES, "modbus_tcp"),
                    "tags", Doc.of("Tags stored on every point of the device", Map.of("line", "L1")),
                    "active", Doc.of("Whether its MQTT login is enabled"),
                    "lastSeenAt", Doc.of("Reserved: not maintained yet (null); see activity.lastPointAt for the newest stored point"),
                    "firmwareVersion", Doc.of("Firmware version as last set; null when unknown"),
                    "mqtt", Doc.of("The device's MQTT identity"),
                    "createdAt", Doc.of("When it was created (RFC 3339, UTC)"),
                    "updatedAt", Doc.of("When it last changed (RFC 3339, UTC)"),
                    "rejections", Doc.of("Counters of data ingest refused from it (GET only; null in create/update answers)"),
                    "activity", Doc.of("Its recent data as stored (GET of one device only; null in lists, in create/update answers, and while InfluxDB is unreachable)"))),
            Map.entry("DeviceActivity", props(
                    "lastPointAt", Doc.of("Sample time of the newest stored point (RFC 3339, UTC); null when none"),
                    "fieldValues24h", Doc.of("Field values stored with a sample time in the last 24 hours (summed over its fields)", 2880))),
            Map.entry("Mqtt", props(
                    "username", Doc.of("MQTT username (and client id) once a credential was issued; null before", "t_acme.press-01"),
                    "topic", Doc.of("The one topic the device may publish on", "plc/acme/press-01"))),
            Map.entry("DeviceRejectionCounters", props(
                    "messages24h", Doc.of("Rejected MQTT messages in the last 24 hours", 0),
                    "elements24h", Doc.of("Rejected elements (points) in the last 24 hours", 0),
                    "messages", Doc.of("Rejected messages still kept (7 days by default)", 0),
                    "lastRejectedAt", Doc.of("When the newest rejection happened (RFC 3339, UTC); null when none"),
                    "lastReason", Doc.of("Reason code of the newest rejection; null when none", "wrong_type"))),
            Map.entry("RejectionPage", props(
                    "tenantId", Doc.of("The tenant"),
                    "deviceId", Doc.of("The device filter; null for all devices"),
                    "reason", Doc.of("The reason filter; null for all reasons"),
                    "from", Doc.of("Window start (RFC 3339, UTC)"),
                    "to", Doc.of("Window end (RFC 3339, UTC)"),
                    "total", Doc.of("Rejected messages matching the filters (may exceed the items returned)", 1),
                    "byReason", Doc.of("Counts per reason code over the device and time filters", Map.of("wrong_type", Map.of("count", 1, "elements", 1))),
                    "items", Doc.of("The rejections, newest first, at most limit"))),
            Map.entry("ReasonCount", props(
                    "count", Doc.of("Rejected messages", 1),
                    "elements", Doc.of("Rejected elements (points) in them", 1))),
            Map.entry("Rejection", props(
                    "id", Doc.of("Row id, increasing"),
                    "receivedAt", Doc.of("When ingest received the message (RFC 3339, UTC)"),
                    "plcId", Doc.of("The device (from the topic)", "press-01"),
                    "topic", Doc.of("The MQTT topic it came on", "plc/acme/press-01"),
                    "reason", Doc.oneOf("Why (the most frequent reason when a batch had several; detail lists all)", List.of(
                            "malformed_json", "oversized", "wrong_type", "invalid_value", "bad_timestamp", "future_timestamp",
                            "expired_timestamp", "too_many_elements", "spoofed_tenant", "spoofed_device", "unknown_device",
                            "device_inactive", "tenant_suspended", "tenant_terminated", "influx_rejected", "internal_error",
                            "schema_limit", "quota_exceeded"), "wrong_type"),
                    "detail", Doc.of("Explanation naming the refused element(s)", "element 0: field 'temperature' is an object"),
                    "elementsRejected", Doc.of("Elements of the message that were refused", 1),
                    "elementsTotal", Doc.of("Elements the message held (1 for a single object)", 1),
                    "payloadBytes", Doc.of("Size of the kept payload in bytes", 46),
                    "payloadSample", Doc.of("The first 1024 bytes of the refused payload (for a batch: its refused elements)", "{\"fields\":{\"temperature\":{\"celsius\":21.5}}}"),
                    "payloadEncoding", Doc.oneOf("How payloadSample is written", List.of("utf-8", "base64"), "utf-8"),
                    "payloadTruncated", Doc.of("Whether the payload is longer than the sample", false))),
            Map.entry("IssuedCredential", Map.of()), // annotated on the record itself
            Map.entry("ReconcileReport", props(
                    "startedAt", Doc.of("When the run started (RFC 3339, UTC)"),
                    "logins", Doc.of("Broker logins checked", 12),
                    "drift", Doc.of("Differences found and repaired (login → what was changed)"),
                    "problems", Doc.of("What could not be repaired (e.g. broker unreachable)"),
                    "durationMs", Doc.of("How long it took, in milliseconds", 140),
                    "legacyLogins", Doc.of("Logins still using the old naming scheme; they work and move to the new name when their credential is issued again"))),
            Map.entry("AuditVerification", props(
                    "valid", Doc.of("Whether the whole chain verifies", true),
                    "checked", Doc.of("Audit events checked", 240),
                    "brokenSeq", Doc.of("Sequence number of the first broken link; null when valid"),
                    "brokenId", Doc.of("Id of the first broken event; null when valid"),
                    "reason", Doc.of("Why it is broken; null when valid"))),
            Map.entry("TelemetryResult", props(
                    "tenantId", Doc.of("The tenant"),
                    "deviceId", Doc.of("The device"),
                    "plcId", Doc.of("The device's plc_id", "press-01"),
                    "measurement", Doc.of("The measurement read (default telemetry)", "telemetry"),
                    "from", Doc.of("Window start (RFC 3339, UTC)"),
                    "to", Doc.of("Window end (RFC 3339, UTC)"),
                    "aggregate", Doc.oneOf("The aggregate applied; null for raw points", List.of("mean", "min", "max", "sum", "count", "first", "last", "median", "stddev", "spread"), "mean"),
                    "interval", Doc.of("The aggregation interval (e.g. 10s, 1m, 1h); null for raw points", "1m"),
                    "columns", Doc.of("Field names, in column order"),
                    "points", Doc.of("The points, oldest first"),
                    "tier", Doc.oneOf("The tier the answer was read from: raw points, 10-second or 1-minute rollups (docs/rollups.md)", List.of("raw", "10s", "1m"), "raw"))),
            Map.entry("Limits", props(
                    "plan", Doc.oneOf("The tenant's plan", PLANS, "PRO"),
                    "planLimits", Doc.of("The plan's limits (name → value; field values per minute, devices, retention days, alert rules, dashboards)"),
                    "overrides", Doc.of("The tenant's overrides (name → value); empty when none"),
                    "effective", Doc.of("What applies: the override where there is one, else the plan's value"))),
            Map.entry("IssueRequest", props(
                    "use", Doc.of("What the credential is for: 1 to 32 of a-z, 0-9 and -; part of its description locatario:<slug>:<use>", "grafana"))),
            Map.entry("Issued", props(
                    "username", Doc.of("The gateway user name t_<slug>_<suffix>", "t_acme_3f9a0c1b2d"),
                    "secret", Doc.of("The secret, shown only in this answer (43 characters, base64url of 32 random bytes)"),
                    "description", Doc.of("locatario:<slug>:<use>", "locatario:acme:grafana"))),
            Map.entry("Listed", props(
                    "username", Doc.of("The gateway user name", "t_acme_3f9a0c1b2d"),
                    "description", Doc.of("locatario:<slug>:<use>", "locatario:acme:grafana"),
                    "use", Doc.of("What it is for", "grafana"),
                    "createdAt", Doc.of("When it was issued (RFC 3339, UTC)"),
                    "revokedAt", Doc.of("When it was revoked (RFC 3339, UTC); null while it works"))),
            Map.entry("Report", props(
                    "drift", Doc.of("Per tenant slug: what differed in Grafana and was repaired"),
                    "problems", Doc.of("What could not be repaired (e.g. Grafana unreachable)"))),
            Map.entry("View", props(
                    "orgId", Doc.of("The Grafana organisation id; null before it exists"),
                    "state", Doc.of("The organisation's state as last synchronised (e.g. active, suspended)", "active"),
                    "limitError", Doc.of("The plan's dashboard limit error when generation was cut short; null otherwise"),
                    "dashboards", Doc.of("The generated dashboards"))),
            Map.entry("Dashboard", props(
                    "uid", Doc.of("Grafana dashboard uid", "tn-overview"),
                    "title", Doc.of("Dashboard title"),
                    "url", Doc.of("Path of the dashboard in Grafana"),
                    "version", Doc.of("Grafana's version of the dashboard as last written by the platform", 3),
                    "edited", Doc.of("Whether a tenant user edited it since (the platform then leaves it alone)", false))),
            Map.entry("OrgMapping", props(
                    "orgAttributePath", Doc.of("JMESPath of the token claim holding the tenant (Grafana [auth.jwt] org_attribute_path)", "tenant_id"),
                    "orgMapping", Doc.of("Grafana [auth.jwt] org_mapping: tenant id → organisation and role"))),
            Map.entry("LatestTelemetry", props(
                    "tenantId", Doc.of("The tenant"),
                    "deviceId", Doc.of("The device"),
                    "plcId", Doc.of("The device's plc_id", "press-01"),
                    "measurement", Doc.of("The measurement read (default telemetry)", "telemetry"),
                    "lastTime", Doc.of("The newest point's time (RFC 3339, UTC); null when the device has no data"),
                    "fields", Doc.of("Field → its latest value and that value's time"))),
            Map.entry("LatestValue", props(
                    "value", Doc.of("The value as stored (number, boolean or string); units are the device's", 21.5),
                    "time", Doc.of("Time of the point it came from (RFC 3339, UTC)"))),
            Map.entry("TelemetryPoint", props(
                    "time", Doc.of("The point's time (RFC 3339, UTC, nanosecond precision)"),
                    "fields", Doc.of("Field → value (number, boolean or string) as sent; units are the device's", Map.of("temperature", 21.5)))),
            Map.entry(PROBLEM, props(
                    "type", Doc.of("urn:tenantry:problem:<errorCode>", "urn:tenantry:problem:provisioning:tenant.not-found"),
                    "title", Doc.of("The HTTP status text", "Not Found"),
                    "status", Doc.of("The HTTP status", 404),
                    "detail", Doc.of("What went wrong, for a human", "tenant 6a1c… not found"),
                    "instance", Doc.of("The request path", "/api/v1/tenants/6a1c…"),
                    "errorCode", Doc.of("Stable machine-readable code (listed per operation)", "provisioning:tenant.not-found"),
                    "requestId", Doc.of("The request's id (also in the X-Request-Id header and, for 5xx, in the server log)", "4f2a9c1e"),
                    "errors", Doc.of("For invalid input: one entry per field"))),
            Map.entry("FieldProblem", props(
                    "field", Doc.of("The field or parameter", "slug"),
                    "message", Doc.of("What is wrong with it", "must be 3 to 32 of a-z, 0-9, - and _"),
                    "rejected", Doc.of("The value given, when it helps", "ACME!"))));

    /** Parameter name → text (path and query parameters of every operation). */
    static final Map<String, Doc> PARAMETERS = Map.ofEntries(
            Map.entry("id", Doc.of("The tenant's id (UUID)")),
            Map.entry("tenantId", Doc.of("The tenant's id (UUID); must be the token's tenant unless platform_admin (else 404)")),
            Map.entry("deviceId", Doc.of("The device's id (UUID), of this tenant")),
            Map.entry("from", Doc.of("Window start: RFC 3339 or epoch milliseconds", "2026-01-31T09:00:00Z")),
            Map.entry("to", Doc.of("Window end: RFC 3339 or epoch milliseconds; default now", "2026-01-31T10:00:00Z")),
            Map.entry("fields", Doc.of("Comma-separated field names to return; default all", "temperature,pressure")),
            Map.entry("aggregate", Doc.oneOf("Aggregate per interval; needs interval", List.of("mean", "min", "max", "sum", "count", "first", "last", "median", "stddev", "spread"), "mean")),
            Map.entry("interval", Doc.of("Aggregation interval: a number (1 to 999999) with unit ms, s, m, h, d or w, at most 3650d; only with aggregate", "1m")),
            Map.entry("measurement", Doc.of("The tenant's measurement; default telemetry", "telemetry")),
            Map.entry("limit", Doc.of("Most points (telemetry: 1 to 100000, default 10000) or rows (rejections: 1 to 1000, default 100)", 100)),
            Map.entry("format", Doc.oneOf("Answer format", List.of("json", "csv"), "json")),
            Map.entry("device", Doc.of("Only this device (its id); another tenant's device answers 404")),
            Map.entry("reason", Doc.of("Only this reason code (see the Rejection schema)", "wrong_type")),
            Map.entry("tier", Doc.oneOf("Which data to read: raw points, 10-second or 1-minute rollups, or auto (the coarsest tier whose resolution fits the interval and whose retention covers the range); docs/rollups.md", List.of("raw", "10s", "1m", "auto"), "auto")),
            Map.entry("use", Doc.of("The credentials' use to revoke", "grafana")),
            Map.entry("username", Doc.of("The gateway user name to revoke", "t_acme_3f9a0c1b2d")));

    private static final java.util.regex.Pattern PLACEHOLDER =
            java.util.regex.Pattern.compile("(?<![`\\w])([^\\s`(]*<[a-zA-Z_]+>[^\\s`,;).]*)");

    /**
     * Descriptions are CommonMark: a placeholder such as {@code plc/<slug>/<plc_id>} would be read as an HTML tag and
     * vanish in Swagger UI, so such words are set as code.
     */
    static String md(String s) {
        if (s == null) {
            return null;
        }
        String[] parts = s.split("`", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) { // odd parts are already code
            out.append(i == 0 ? "" : "`").append(i % 2 == 0 ? PLACEHOLDER.matcher(parts[i]).replaceAll("`$1`") : parts[i]);
        }
        return out.toString();
    }

    @Bean
    OpenApiCustomizer tenantryOpenApiDocs() {
        return this::customize;
    }

    /** Applies the tables to the generated document (public for the unit test of the tables). */
    public void customize(OpenAPI api) {
        api.setTags(TAGS.values().stream().map(t -> new Tag().name(t.getName()).description(md(t.getDescription()))).toList());
        if (api.getComponents().getSecuritySchemes() != null && api.getComponents().getSecuritySchemes().get("bearer") != null) {
            api.getComponents().getSecuritySchemes().get("bearer").description("A JWT in the Authorization header: "
                    + "'Bearer <token>'. Claims: roles (platform_admin, or owner/staff/viewer), tenant_id for tenant roles, "
                    + "exp at most 24 h after iat, aud tenantry-api. Locally: bin/tenantry token --role owner --tenant <uuid>. "
                    + "Missing or invalid token: 401 api:auth.unauthenticated; a role that may not: 403.");
        }
        problemSchemas(api);
        for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> e : p.getValue().readOperationsMap().entrySet()) {
                Op op = OPS.get(e.getKey().name() + " " + p.getKey());
                Operation o = e.getValue();
                if (op != null) {
                    o.setTags(List.of(op.tag()));
                    o.setOperationId(op.id());
                    o.setDescription(md(op.description()));
                    if (o.getSummary() == null || o.getSummary().isBlank()) {
                        int dot = op.description().indexOf(". ");
                        o.setSummary(dot < 0 ? op.description() : op.description().substring(0, dot));
                    }
                    responses(o, op, !p.getKey().equals("/oauth2/jwks"));
                }
                if (o.getParameters() != null) {
                    for (Parameter param : o.getParameters()) {
                        Doc d = PARAMETERS.get(param.getName());
                        if (d != null && (param.getDescription() == null || param.getDescription().isBlank())) {
                            param.setDescription(md(d.description()));
                        }
                        if (d != null) {
                            apply(param.getSchema(), d, false);
                            if (d.example() != null && param.getExample() == null) {
                                param.setExample(d.example());
                            }
                        }
                    }
                }
            }
        }
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        if (schemas != null) {
            for (Map.Entry<String, Schema> s : schemas.entrySet()) {
                Map<String, Doc> docs = PROPERTIES.getOrDefault(s.getKey(), Map.of());
                if (s.getValue().getProperties() == null) {
                    continue;
                }
                for (Map.Entry<String, Schema> prop : ((Map<String, Schema>) s.getValue().getProperties()).entrySet()) {
                    Doc d = docs.get(prop.getKey());
                    if (d != null) {
                        apply(prop.getValue(), d, true);
                    }
                }
            }
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void apply(Schema schema, Doc d, boolean description) {
        if (schema == null) {
            return;
        }
        if (description && (schema.getDescription() == null || schema.getDescription().isBlank())) {
            schema.setDescription(md(d.description()));
        }
        if (d.allowed() != null && (schema.getEnum() == null || schema.getEnum().isEmpty()) && schema.getItems() == null) {
            schema.setEnum(new ArrayList<>(d.allowed()));
        }
        if (d.example() != null && schema.getExample() == null) {
            schema.setExample(d.example());
        }
    }

    private static void responses(Operation o, Op op, boolean secured) {
        ApiResponses rs = o.getResponses() == null ? new ApiResponses() : o.getResponses();
        ApiResponse ok = rs.get("200");
        if (ok != null && !"200".equals(op.success())) {
            rs.remove("200");
            if ("204".equals(op.success())) {
                ok = new ApiResponse();
            }
            rs.addApiResponse(op.success(), ok);
        }
        ApiResponse success = rs.get(op.success());
        if (success != null) {
            success.setDescription(switch (op.success()) {
                case "201" -> "Created";
                case "204" -> "Deleted (no body)";
                default -> "OK";
            });
        }
        List<String> errors = new ArrayList<>(op.errors());
        if (secured) {
            errors.add("401 api:auth.unauthenticated (no token, or an invalid, expired or too long-lived one)");
            errors.add("403 api:auth.forbidden, provisioning:role.forbidden, provisioning:role.none (the role may not do this)");
        }
        errors.add("500 api:internal (the requestId is in the server log)");
        for (String e : errors) {
            String code = e.substring(0, 3);
            String text = e.substring(4);
            ApiResponse r = rs.get(code);
            if (r == null) {
                r = new ApiResponse().description(md("Problem (RFC 9457), errorCode: " + text))
                        .content(new Content().addMediaType("application/problem+json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
                rs.addApiResponse(code, r);
            }
        }
        o.setResponses(rs);
    }

    @SuppressWarnings("rawtypes")
    private static void problemSchemas(OpenAPI api) {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("type", new StringSchema().format("uri"));
        props.put("title", new StringSchema());
        props.put("status", new IntegerSchema());
        props.put("detail", new StringSchema());
        props.put("instance", new StringSchema().format("uri"));
        props.put("errorCode", new StringSchema());
        props.put("requestId", new StringSchema());
        props.put("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldProblem")));
        Schema problem = new ObjectSchema().description("RFC 9457 problem details (application/problem+json)");
        problem.setProperties(props);
        Map<String, Schema> fprops = new LinkedHashMap<>();
        fprops.put("field", new StringSchema());
        fprops.put("message", new StringSchema());
        fprops.put("rejected", new Schema<>());
        Schema field = new ObjectSchema().description("One invalid field or parameter");
        field.setProperties(fprops);
        api.getComponents().addSchemas(PROBLEM, problem);
        api.getComponents().addSchemas("FieldProblem", field);
    }

    private static Map<String, Tag> tags(Tag... tags) {
        Map<String, Tag> m = new LinkedHashMap<>();
        for (Tag t : tags) {
            m.put(t.getName(), t);
        }
        return m;
    }

    private static Map<String, Doc> props(Object... kv) {
        Map<String, Doc> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Doc) kv[i + 1]);
        }
        return m;
    }
}
