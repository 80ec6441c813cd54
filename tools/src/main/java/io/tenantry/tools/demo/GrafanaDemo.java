package io.tenantry.tools.demo;

import io.tenantry.adapters.grafana.GrafanaClient;
import io.tenantry.adapters.grafana.GrafanaProvisioner;
import io.tenantry.adapters.grafana.GrafanaProvisioner.Outcome;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.DeviceTypeModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.FieldSpec;
import io.tenantry.adapters.grafana.query.DashboardQueryCheck;
import io.tenantry.adapters.grafana.query.InfluxQueryEndpoint;
import io.tenantry.testsupport.grafana.GrafanaStub;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * The main job's Grafana step (issue 14): provisions each demo tenant's Grafana organisation (data sources,
 * folder, dashboards generated from its device model read from PostgreSQL) against a real Grafana when
 * {@code GRAFANA_URL} is set (with {@code GRAFANA_ADMIN_USER} / {@code GRAFANA_ADMIN_PASSWORD}), else against the
 * {@link GrafanaStub} on {@code TENANTRY_GRAFANA_STUB_PORT} (18089; it lives as long as the demo process), prints
 * the dashboards' URLs, then runs every generated query as Grafana would through a {@link InfluxQueryEndpoint}.
 * <p>
 * The data sources carry the tenant's own query-gateway credential (issued through the provisioning API, use
 * {@code grafana}) and the generated queries run through the real query gateway with it, exactly as Grafana's
 * data source would send them ({@code dashboard_queries_via}).
 */
final class GrafanaDemo {
    private GrafanaDemo() {
    }

    /** A demo tenant as the demo knows it. */
    record DemoTenant(String id, String slug) {
    }

    /** Runs the step; returns the summary keys (in order) to append to the demo's JSON line. */
    static Map<String, Object> run(Map<String, String> env, List<DemoTenant> tenants, String gateway,
                                   Function<DemoTenant, GrafanaProvisioner.Credential> credentials) throws Exception {
        String grafanaUrl = System.getenv("GRAFANA_URL");
        GrafanaStub stub = null;
        String user;
        String password;
        if (grafanaUrl == null || grafanaUrl.isBlank()) {
            int port = Integer.parseInt(System.getenv().getOrDefault("TENANTRY_GRAFANA_STUB_PORT", "18089"));
            user = "tenantry-provisioner";
            password = UUID.randomUUID().toString();
            stub = new GrafanaStub(port, user, password);
            grafanaUrl = stub.url();
            say("Grafana: no GRAFANA_URL, using the stub of Grafana 12.2's documented API on %s", grafanaUrl);
        } else {
            user = System.getenv().getOrDefault("GRAFANA_ADMIN_USER", "admin");
            password = System.getenv().getOrDefault("GRAFANA_ADMIN_PASSWORD", "admin");
            say("Grafana: %s", grafanaUrl);
        }
        String gatewayUrl = gateway;
        GrafanaClient client = new GrafanaClient(grafanaUrl, user, password, Duration.ofSeconds(10));
        GrafanaProvisioner provisioner = new GrafanaProvisioner(client, gatewayUrl, user, grafanaUrl);
        int generated = 0;
        int checked = 0;
        int empty = 0;
        int upstream = 0;
        int errors = 0;
        Set<String> foreign = new TreeSet<>();
        InfluxQueryEndpoint endpoint = null;
        try {
            for (DemoTenant t : tenants) {
                TenantModel model = model(env, t);
                List<String> changes = new ArrayList<>();
                long org = provisioner.ensureOrg(t.slug(), changes);
                GrafanaProvisioner.Credential credential = credentials.apply(t);
                provisioner.ensureDataSources(org, null, () -> credential, changes);
                provisioner.ensureFolder(org, changes);
                GrafanaProvisioner.DashboardsResult r = provisioner.syncDashboards(org, model, uid -> null, changes);
                for (Outcome o : r.outcomes()) {
                    if (o.url() != null) {
                        generated++;
                        System.out.println("  Grafana dashboard: " + o.url() + "?orgId=" + org + "   (" + o.generated().title() + ")");
                    }
                }
                if (r.limitError() != null) {
                    System.out.println("  " + r.limitError());
                }
                endpoint = new InfluxQueryEndpoint(gatewayUrl, credential.user(), credential.secret(), "query-gateway");
                var skip = Set.<String>of();
                DashboardQueryCheck.Report rep = DashboardQueryCheck.run(model,
                        r.outcomes().stream().filter(o -> o.url() != null).map(Outcome::generated).toList(),
                        endpoint, Instant.now(), skip);
                checked += rep.checked();
                empty += rep.empty();
                upstream += rep.upstreamEmpty();
                errors += rep.errors();
                foreign.addAll(rep.foreignPlcIds());
                for (DashboardQueryCheck.Line l : rep.lines()) {
                    if (l.answer() != null && (l.answer().error() != null
                            || (l.answer().rows() == 0 && l.query().source() == DashboardGenerator.Source.RAW))) {
                        System.out.println("  query " + (l.answer().error() != null ? "error" : "empty") + ": "
                                + l.query().dashboardUid() + " / " + l.query().panel() + " " + l.query().refId() + ": "
                                + l.expanded() + (l.answer().error() != null ? " → " + l.answer().error() : ""));
                    }
                }
            }
            if (stub != null && !stub.violations().isEmpty()) {
                System.out.println("  Grafana stub refused off-contract requests: " + stub.violations());
                errors += stub.violations().size();
            }
        } finally {
            if (stub != null) {
                stub.close();
            }
        }
        System.out.printf(Locale.ROOT, "  Grafana: %d dashboards; %d generated queries run (%s): %d empty, %d waiting for "
                        + "rollups/platform metrics, %d errors, foreign plc_ids %s%n", generated, checked,
                endpoint == null ? "-" : endpoint.label(), empty, upstream, errors, foreign);
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("dashboards_generated", generated);
        keys.put("dashboard_queries_checked", checked);
        keys.put("dashboard_queries_empty", empty);
        keys.put("dashboard_queries_upstream_empty", upstream);
        keys.put("dashboard_queries_errors", errors);
        keys.put("dashboard_queries_foreign_plc_ids", foreign.size());
        keys.put("dashboard_queries_via", endpoint == null ? "none" : endpoint.label());
        return keys;
    }

    /** The keys as JSON members to append inside the demo's summary object: {@code ,"k":v,...}. */
    static String json(Map<String, Object> keys) {
        StringBuilder b = new StringBuilder();
        keys.forEach((k, v) -> b.append(",\"").append(k).append("\":")
                .append(v instanceof Number ? v.toString() : "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        return b.toString();
    }

    /** The tenant's model from PostgreSQL (the same columns as the API's DeviceModelReader). */
    static TenantModel model(Map<String, String> env, DemoTenant t) throws Exception {
        try (Connection c = DriverManager.getConnection(env.get("TENANTRY_PG_URL"), env.get("TENANTRY_PG_APP_USER"),
                env.get("TENANTRY_PG_APP_PASSWORD"))) {
            UUID id = UUID.fromString(t.id());
            String name;
            String plan;
            int maxDashboards;
            int ppm;
            int rawDays;
            try (PreparedStatement s = c.prepareStatement("SELECT t.name, t.plan, p.max_dashboards, p.points_per_minute, "
                    + "p.raw_retention_days FROM tenants t JOIN plans p ON p.code = t.plan WHERE t.id = ?")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    name = r.getString(1);
                    plan = r.getString(2);
                    maxDashboards = r.getInt(3);
                    ppm = r.getInt(4);
                    rawDays = r.getInt(5);
                }
            }
            List<FieldSpec> fields = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT field_key FROM tenant_field_keys WHERE tenant_id = ? ORDER BY field_key")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        fields.add(new FieldSpec(r.getString(1), null));
                    }
                }
            }
            Map<String, List<String>> byType = new TreeMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT type, plc_id FROM devices WHERE tenant_id = ? ORDER BY type, plc_id")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        byType.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
                    }
                }
            }
            List<DeviceTypeModel> types = new ArrayList<>();
            byType.forEach((type, plcs) -> types.add(new DeviceTypeModel(type, plcs, fields)));
            return new TenantModel(id, t.slug(), name, plan, maxDashboards, ppm, Duration.ofDays(rawDays), types);
        }
    }

    private static void say(String fmt, Object... args) {
        System.out.println("[demo] " + String.format(Locale.ROOT, fmt, args));
    }
}
