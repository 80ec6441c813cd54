package io.tenantry.tools.grafana;

import io.tenantry.adapters.grafana.GrafanaClient;
import io.tenantry.adapters.grafana.GrafanaProvisioner;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.GeneratedQuery;
import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.adapters.grafana.query.GrafanaMacros;
import io.tenantry.core.error.UnavailableException;
import io.tenantry.testsupport.grafana.GrafanaStub;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code bin/tenantry grafana-check}: the smoke test for a real Grafana (issue 14). Given {@code GRAFANA_URL} and
 * the provisioning user ({@code GRAFANA_ADMIN_USER}, {@code GRAFANA_ADMIN_PASSWORD}), it provisions a throw-away
 * test tenant's organisation (data sources to {@code TENANTRY_GRAFANA_GATEWAY_URL} with the gateway credential
 * {@code TENANTRY_GATEWAY_USER} / {@code TENANTRY_GATEWAY_PASSWORD} of an existing tenant {@code TENANTRY_CHECK_TENANT}
 * (UUID) with devices {@code TENANTRY_CHECK_PLC_IDS} and fields {@code TENANTRY_CHECK_FIELDS}), saves the generated
 * dashboards, runs every generated query through Grafana's {@code POST /api/ds/query} as a panel would, reports each
 * (frames / error), and deletes the organisation. Exit 0 when every query answered without error, 1 otherwise, and
 * 3 — saying so plainly — when no Grafana is reachable (nothing was checked). {@code --stub} runs it against the
 * built-in stub (which forwards each query to the data source URL as Grafana's backend would), to check the command.
 */
public final class GrafanaCheck {
    private GrafanaCheck() {
    }

    public static int run(String[] args) throws Exception {
        boolean useStub = List.of(args).contains("--stub");
        Map<String, String> env = System.getenv();
        GrafanaStub stub = null;
        String url = env.get("GRAFANA_URL");
        String user = env.getOrDefault("GRAFANA_ADMIN_USER", "admin");
        String password = env.getOrDefault("GRAFANA_ADMIN_PASSWORD", "admin");
        if (useStub) {
            stub = new GrafanaStub(0, user, password);
            url = stub.url();
        }
        if (url == null || url.isBlank()) {
            System.out.println("grafana-check: NOT RUN — GRAFANA_URL is not set, so no Grafana is reachable; nothing was "
                    + "checked against a real Grafana (see grafana/README.md).");
            return 3;
        }
        GrafanaClient client = new GrafanaClient(url, user, password, Duration.ofSeconds(15));
        try {
            JsonNode h = client.health();
            System.out.println("grafana-check: Grafana " + h.path("version").asString() + " at " + url);
        } catch (UnavailableException e) {
            System.out.println("grafana-check: NOT RUN — no Grafana reachable at " + url + ": " + e.getMessage());
            return 3;
        }
        String slug = "grafana-check-" + UUID.randomUUID().toString().substring(0, 8);
        UUID tenant = UUID.fromString(env.getOrDefault("TENANTRY_CHECK_TENANT", UUID.randomUUID().toString()));
        List<String> plcIds = List.of(env.getOrDefault("TENANTRY_CHECK_PLC_IDS", "plc-1").split(","));
        List<TenantModel.FieldSpec> fields = new ArrayList<>();
        for (String f : env.getOrDefault("TENANTRY_CHECK_FIELDS", "value").split(",")) {
            fields.add(new TenantModel.FieldSpec(f, null));
        }
        TenantModel model = new TenantModel(tenant, slug, "Grafana check " + slug, "PRO", 20, 5000,
                Duration.ofDays(7), List.of(new TenantModel.DeviceTypeModel("modbus_tcp", plcIds, fields)));
        String gateway = env.getOrDefault("TENANTRY_GRAFANA_GATEWAY_URL", "http://127.0.0.1:"
                + env.getOrDefault("TENANTRY_GATEWAY_PORT", "18085"));
        GrafanaProvisioner p = new GrafanaProvisioner(client, gateway, user, url);
        List<String> changes = new ArrayList<>();
        long org = p.ensureOrg(slug, changes);
        int failed = 0;
        int ok = 0;
        try {
            p.ensureDataSources(org, null, () -> new GrafanaProvisioner.Credential(
                    env.getOrDefault("TENANTRY_GATEWAY_USER", "t_check_grafana"),
                    env.getOrDefault("TENANTRY_GATEWAY_PASSWORD", "unset")), changes);
            p.ensureFolder(org, changes);
            var result = p.syncDashboards(org, model, uid -> null, changes);
            changes.forEach(c -> System.out.println("  " + c));
            Instant to = Instant.now();
            for (var o : result.outcomes()) {
                for (GeneratedQuery q : o.generated().queries()) {
                    Instant from = q.source() == DashboardGenerator.Source.ROLLUP ? to.minus(Duration.ofDays(365))
                            : to.minus(Duration.ofHours(6));
                    // Grafana expands the macros itself; variables are the browser's: fill plc_id as All
                    String text = GrafanaMacros.expandVariables(q.text(), Map.of("plc_id", plcIds));
                    String outcome;
                    try {
                        JsonNode r = client.dsQuery(org, DashboardGenerator.dataSourceUid(q.database()), text,
                                from.toEpochMilli(), to.toEpochMilli(), GrafanaMacros.intervalMs(from, to, 1000), 1000);
                        JsonNode a = r.path("results").path("A");
                        if (a.hasNonNull("error")) {
                            outcome = "ERROR " + a.get("error").asString();
                            failed++;
                        } else {
                            outcome = "ok, " + a.path("frames").size() + " frame(s)";
                            ok++;
                        }
                    } catch (RuntimeException e) {
                        outcome = "ERROR " + e.getMessage();
                        failed++;
                    }
                    System.out.printf(Locale.ROOT, "  %-22s %-28s %s %-12s %s%n", o.generated().uid(), q.panel(), q.refId(),
                            q.database(), outcome);
                }
            }
        } finally {
            client.deleteOrg(org);
            if (stub != null) {
                stub.close();
            }
        }
        System.out.printf(Locale.ROOT, "grafana-check: %d queries answered, %d failed (organisation %s removed)%n", ok, failed,
                GrafanaProvisioner.orgName(slug));
        return failed == 0 ? 0 : 1;
    }
}
