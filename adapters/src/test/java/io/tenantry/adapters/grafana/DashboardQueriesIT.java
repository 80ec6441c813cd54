package io.tenantry.adapters.grafana;

import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.QueryNaming;
import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.DeviceTypeModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.FieldSpec;
import io.tenantry.adapters.grafana.query.DashboardQueryCheck;
import io.tenantry.adapters.grafana.query.GrafanaMacros;
import io.tenantry.adapters.grafana.query.InfluxQueryEndpoint;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import io.tenantry.testsupport.grafana.GrafanaStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every generated dashboard query, expanded as Grafana expands it and sent as Grafana sends it, against the real
 * InfluxDB holding two tenants' points in the shared raw bucket: the raw-tier queries return rows, and only the
 * caller's (its devices, its values). Here the queries go to InfluxDB directly, and through {@link GrafanaStub}'s
 * {@code /api/ds/query} (Grafana's backend path, the one {@code bin/tenantry grafana-check} uses); through the query
 * gateway (issue 13) the same check runs with the tenant's gateway credential ({@link InfluxQueryEndpoint}).
 * <p>
 * The generated queries name the tenant's view of its data (measurement {@code telemetry}; the gateway maps it to
 * the stored {@code <uuid>.telemetry}). Sent straight to InfluxDB they read a plain {@code telemetry} measurement,
 * where this test writes both tenants' points: only the queries' {@code locatario_id} filter keeps B's rows out.
 */
@ExtendWith(LocalStackExtension.class)
class DashboardQueriesIT {
    private final StackEnv env;

    DashboardQueriesIT(StackEnv env) {
        this.env = env;
    }

    static List<Point> points(UUID tenant, String plc, double base, Instant now) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TreeMap<String, String> tags = new TreeMap<>(Map.of("locatario_id", tenant.toString(), "plc_id", plc,
                    "type", "siemens_s7"));
            out.add(new Point(QueryNaming.TELEMETRY, tags,
                    Map.of("Pressure", base + i, "Volume Flow", base), now.minusSeconds(60L * i).toEpochMilli() * 1_000_000L));
        }
        return out;
    }

    @Test
    void generatedQueriesReturnTheTenantsDataAndOnlyIts() throws Exception {
        InfluxV1Client admin = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(), Duration.ofSeconds(10));
        admin.execute("CREATE DATABASE " + SharedBuckets.RAW.database());
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Instant now = Instant.now();
        String plcA = "a-" + a.toString().substring(0, 6);
        String plcB = "b-" + b.toString().substring(0, 6);
        List<Point> all = new ArrayList<>(points(a, plcA, 10, now));
        all.addAll(points(b, plcB, 5000, now));
        // tenant B also writes into A's measurement name with A's device id: only the locatario_id filter keeps it out
        all.addAll(points(b, plcA, 9000, now).stream().map(p -> new Point(QueryNaming.TELEMETRY,
                p.tags(), p.fields(), p.timestampNanos())).toList());
        admin.write(SharedBuckets.RAW.database(), "autogen", LineProtocol.toLines(all));
        // rollups as the downsampling jobs will write them (QueryNaming: <field>_mean etc., same measurement and tags)
        for (String db : List.of(SharedBuckets.PROCESSED.database(), SharedBuckets.ONE_MINUTE.database())) {
            admin.execute("CREATE DATABASE " + db);
            List<Point> rollups = new ArrayList<>();
            for (Point p : all) {
                Map<String, Object> f = new TreeMap<>();
                p.fields().forEach((k, v) -> f.put(k + "_mean", v));
                rollups.add(new Point(p.measurement(), p.tags(), f, p.timestampNanos()));
            }
            admin.write(db, "autogen", LineProtocol.toLines(rollups));
        }

        TenantModel model = new TenantModel(a, "tenant-a", "Tenant A", "PRO", 20, 5000, Duration.ofDays(7),
                List.of(new DeviceTypeModel("siemens_s7", List.of(plcA), List.of(new FieldSpec("Pressure", "pressurebar"),
                        new FieldSpec("Volume Flow", null)))));
        var dashboards = DashboardGenerator.generate(model);
        InfluxQueryEndpoint endpoint = new InfluxQueryEndpoint(env.influxUrl(), env.influxAdminUser(),
                env.influxAdminPassword(), "influxdb-direct");
        DashboardQueryCheck.Report r = DashboardQueryCheck.run(model, dashboards, endpoint, now.plusSeconds(1),
                Set.of(SharedBuckets.PLATFORM_METRICS.database()));
        assertThat(r.checked()).isGreaterThan(5);
        assertThat(r.errors()).as(r.lines().toString()).isZero();
        assertThat(r.empty()).as("every raw-tier query answers").isZero();
        assertThat(r.foreignPlcIds()).isEmpty();
        assertThat(r.lines()).filteredOn(l -> l.query().source() == DashboardGenerator.Source.ROLLUP)
                .as("rollup targets (run without their age bound) answer from the rollup buckets").hasSize(4)
                .allSatisfy(l -> assertThat(l.answer().rows()).isPositive());
        assertThat(r.upstreamEmpty()).as("only the two unrun platform_metrics queries").isEqualTo(2);

        // the same queries through Grafana's /api/ds/query (the stub runs them as Grafana's backend does: macros
        // expanded server-side, GET to the data source URL with its stored credential). Test only: the data sources
        // point at InfluxDB with the admin credential, standing in for the gateway and the tenant's credential.
        try (GrafanaStub stub = new GrafanaStub(0, "admin", "pw")) {
            GrafanaClient grafana = new GrafanaClient(stub.url(), "admin", "pw", Duration.ofSeconds(10));
            GrafanaProvisioner p = new GrafanaProvisioner(grafana, env.influxUrl(), "admin", stub.url());
            List<String> changes = new ArrayList<>();
            long org = p.ensureOrg("tenant-a", changes);
            p.ensureDataSources(org, null, () -> new GrafanaProvisioner.Credential(env.influxAdminUser(),
                    env.influxAdminPassword()), changes);
            p.ensureFolder(org, changes);
            p.syncDashboards(org, model, uid -> null, changes);
            Instant to = now.plusSeconds(1);
            Instant from = now.minus(Duration.ofHours(2));
            int answered = 0;
            for (var g : dashboards) {
                for (var gq : g.queries()) {
                    if (gq.source() != DashboardGenerator.Source.RAW) {
                        continue;
                    }
                    var res = grafana.dsQuery(org, DashboardGenerator.dataSourceUid(gq.database()),
                            GrafanaMacros.expandVariables(gq.text(), Map.of("plc_id", List.of(plcA))),
                            from.toEpochMilli(), to.toEpochMilli(), GrafanaMacros.intervalMs(from, to, 1000), 1000);
                    var ans = res.path("results").path("A");
                    assertThat(ans.hasNonNull("error")).as(gq + " → " + ans).isFalse();
                    assertThat(ans.path("frames").size()).as(gq.toString()).isPositive();
                    assertThat(ans.toString()).doesNotContain(plcB).doesNotContain(b.toString());
                    answered++;
                }
            }
            assertThat(answered).isEqualTo(5); // devices, messages/min, variable, 2 fields
            assertThat(stub.violations()).isEmpty();
        }

        // values: A's Pressure is 10..39; anything ≥ 5000 would be B's
        String q = dashboards.get(1).queries().stream().filter(x -> x.panel().equals("Pressure") && x.refId().equals("A"))
                .findFirst().orElseThrow().text().replace("mean(", "max(");
        String expanded = GrafanaMacros.expand(q, now.minus(Duration.ofHours(2)), now.plusSeconds(1), 1000,
                Map.of("plc_id", List.of(plcA)));
        var rows = admin.query(expanded, SharedBuckets.RAW.database()).get(0).rows();
        assertThat(rows).isNotEmpty();
        assertThat(rows.stream().filter(row -> row.get(1) != null).mapToDouble(row -> ((Number) row.get(1)).doubleValue()).max().orElseThrow())
                .isLessThan(100);
    }
}
