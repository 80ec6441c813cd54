package io.tenantry.adapters.grafana.query;

import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.Generated;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.GeneratedQuery;
import io.tenantry.adapters.grafana.dashboard.TenantModel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs every query of a tenant's generated dashboards as Grafana would (macros expanded by {@link GrafanaMacros},
 * then one GET per statement through the tenant's {@link InfluxQueryEndpoint}) and reports what came back (issue 14
 * "verified without a running Grafana"). Raw-tier and rollup queries run over the plan's raw window up to
 * {@code now} (rollup targets without their age bound, which would keep them to ages beyond the raw retention where
 * the main job has no data: {@link GeneratedQuery#withoutAgeWindow()}); {@code platform_metrics} over the last 24 h.
 * <p>
 * Counts: {@code checked} (run), {@code empty} (no rows among the queries whose data exists wherever ingest ran:
 * the {@code RAW} ones — must be 0), {@code upstreamEmpty} (rollup and {@code platform_metrics} queries without rows:
 * their data comes from the downsampling and quota jobs, issues 10 and 11), {@code errors}, and
 * {@code foreignPlcIds}: {@code plc_id} values in any answer that are not the tenant's devices (must be none).
 */
public final class DashboardQueryCheck {
    private DashboardQueryCheck() {
    }

    /** One query's result. */
    public record Line(GeneratedQuery query, String expanded, InfluxQueryEndpoint.Answer answer) {
    }

    /** The tenant's report. */
    public record Report(int checked, int empty, int upstreamEmpty, int errors, Set<String> foreignPlcIds,
                         List<Line> lines) {
    }

    /**
     * @param skipDatabases databases not to query (e.g. {@code platform_metrics} where the endpoint has no grant);
     *                      their queries count as upstream-empty, unrun
     */
    public static Report run(TenantModel model, List<Generated> dashboards, InfluxQueryEndpoint endpoint, Instant now,
                             Set<String> skipDatabases) {
        Set<String> own = new TreeSet<>();
        model.deviceTypes().forEach(t -> own.addAll(t.plcIds()));
        List<Line> lines = new ArrayList<>();
        int empty = 0;
        int upstream = 0;
        int errors = 0;
        int checked = 0;
        Set<String> foreign = new TreeSet<>();
        for (Generated g : dashboards) {
            // the plc_id variable as Grafana fills it: its query's values, All selected
            List<String> plcValues = new ArrayList<>();
            for (GeneratedQuery q : g.queries()) {
                if (q.panel().startsWith("variable:")) {
                    InfluxQueryEndpoint.Answer a = endpoint.query(q.database(), q.text());
                    plcValues.addAll(a.plcIds());
                }
            }
            Map<String, List<String>> vars = Map.of("plc_id", plcValues.isEmpty() ? List.of("__none__") : plcValues);
            for (GeneratedQuery q : g.queries()) {
                if (skipDatabases.contains(q.database())) {
                    upstream++;
                    lines.add(new Line(q, null, null));
                    continue;
                }
                Instant from = switch (q.source()) {
                    case RAW, ROLLUP -> now.minus(model.rawRetention()).plus(Duration.ofHours(1));
                    case PLATFORM_METRICS -> now.minus(Duration.ofHours(24));
                };
                // a rollup target reads only ages beyond the raw retention; the main job's data is recent, so the
                // check runs it without its age bound over the raw window: it answers once rollups exist (issue 11)
                String text = q.source() == DashboardGenerator.Source.ROLLUP ? q.withoutAgeWindow() : q.text();
                String expanded = GrafanaMacros.expand(text, from, now, 1000, vars);
                InfluxQueryEndpoint.Answer a = endpoint.query(q.database(), expanded);
                checked++;
                lines.add(new Line(q, expanded, a));
                for (String p : a.plcIds()) {
                    if (!own.contains(p)) {
                        foreign.add(p);
                    }
                }
                if (a.error() != null) {
                    errors++;
                } else if (a.rows() == 0) {
                    if (q.source() == DashboardGenerator.Source.RAW) {
                        empty++;
                    } else {
                        upstream++;
                    }
                }
            }
        }
        return new Report(checked, empty, upstream, errors, foreign, lines);
    }
}
