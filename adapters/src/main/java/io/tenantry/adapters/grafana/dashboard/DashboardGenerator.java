package io.tenantry.adapters.grafana.dashboard;

import io.tenantry.adapters.grafana.dashboard.DashboardModel.AnnotationQuery;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.Annotations;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.Dashboard;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.DataSourceRef;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.FieldConfig;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.FieldConfigSource;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.GridPos;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.InfluxTarget;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.Panel;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.Templating;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.TimeRange;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.Variable;
import io.tenantry.adapters.grafana.dashboard.DashboardModel.VariableOption;
import io.tenantry.adapters.grafana.dashboard.QueryNaming.Tier;
import io.tenantry.adapters.grafana.dashboard.TenantModel.DeviceTypeModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.FieldSpec;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.SharedBuckets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tenantry.adapters.grafana.dashboard.QueryNaming.quoteIdent;

/**
 * Generates a tenant's dashboards from its device model (issue 14): a tenant overview and one dashboard per
 * device type, as typed {@link DashboardModel} records. Deterministic: the same model gives the same dashboards
 * (the provisioning feature compares content hashes to decide whether to save a new version).
 * <ul>
 *   <li><b>Overview</b> ({@code tn-overview}): last seen per device (table: device, type, last value, time =
 *       last point), messages per minute per device, ingestion vs the plan's points/min quota and refusals by
 *       reason (both from {@code platform_metrics}).</li>
 *   <li><b>Per device type</b> ({@code tn-type-<type>}): template variable {@code plc_id}
 *       ({@code SHOW TAG VALUES WITH KEY = "plc_id" WHERE "type" = '<type>'}, multi, All) and one time-series panel
 *       per field on Grafana's Mixed data source with three targets, one per tier ({@link QueryNaming}): raw for
 *       the part of the range younger than the plan's raw retention, {@code processo} up to 30 d,
 *       {@code processo_1m} beyond; unit from the device model when it has one.</li>
 * </ul>
 * Every query is an InfluxQL raw query with Grafana's macros ({@code $timeFilter}, {@code $__interval},
 * {@code $plc_id}), filtered on the tenant's {@code locatario_id}; {@link #queries} lists them for checks.
 */
public final class DashboardGenerator {
    /** Bumped whenever the generated shape changes; written as tag {@code tenantry-gen:<n>}. */
    public static final int GENERATOR_VERSION = 1;
    /** The overview dashboard's uid (uids are per organisation, one organisation per tenant). */
    public static final String OVERVIEW_UID = "tn-overview";
    /** Tag on every generated dashboard. */
    public static final String TAG = "tenantry";

    /** A generated dashboard with the queries it holds. */
    public record Generated(String uid, String title, Dashboard dashboard, List<GeneratedQuery> queries) {
    }

    /**
     * One query of a generated dashboard.
     *
     * @param dashboardUid the dashboard
     * @param panel        panel title, or {@code variable:<name>}
     * @param refId        target ref id ({@code A} for variables)
     * @param database     the data source's database (bucket, tenant view)
     * @param text         InfluxQL with Grafana macros
     * @param source       what provides the data: {@code RAW} (ingest, on every branch), {@code ROLLUP}
     *                     (downsampling, issue 11; only for ranges older than the raw retention),
     *                     {@code PLATFORM_METRICS} (quota-service, issue 10)
     * @param ageWindow    the tier's age bound as it appears in {@code text} (e.g. {@code  AND time > now() - 7d}),
     *                     or empty: a check can run the query without it to test it on recent data
     */
    public record GeneratedQuery(String dashboardUid, String panel, String refId, String database, String text,
                                 Source source, String ageWindow) {
        /** The query without its tier's age bound. */
        public String withoutAgeWindow() {
            return ageWindow.isEmpty() ? text : text.replace(ageWindow, "");
        }
    }

    /** What writes the data a query reads. */
    public enum Source { RAW, ROLLUP, PLATFORM_METRICS }

    private DashboardGenerator() {
    }

    /** The data source uid for a database (bucket) in the tenant's organisation: {@code tn-<database>}. */
    public static String dataSourceUid(String database) {
        return "tn-" + database;
    }

    /** The dashboard uid of a device type: {@code tn-type-<type>}. */
    public static String typeDashboardUid(String type) {
        return "tn-type-" + type;
    }

    /** All dashboards of the tenant: the overview first, then one per device type in the model's order. */
    public static List<Generated> generate(TenantModel m) {
        List<Generated> out = new ArrayList<>();
        out.add(overview(m));
        for (DeviceTypeModel t : m.deviceTypes()) {
            out.add(deviceType(m, t));
        }
        return out;
    }

    /** The queries of a generated dashboard (variables first, then panels in order). */
    public static List<GeneratedQuery> queries(Generated g) {
        return g.queries();
    }

    static Generated overview(TenantModel m) {
        String uid = OVERVIEW_UID;
        String title = m.name() + " — overview";
        List<Panel> panels = new ArrayList<>();
        List<GeneratedQuery> queries = new ArrayList<>();
        String meas = quoteIdent(QueryNaming.measurement(m.tenantId()));
        String tenant = QueryNaming.tenantFilter(m.tenantId());
        DataSourceRef raw = ref(Tier.RAW.database());
        DataSourceRef metrics = ref(SharedBuckets.PLATFORM_METRICS.database());
        String firstField = m.deviceTypes().stream().flatMap(t -> t.fields().stream()).map(FieldSpec::name)
                .sorted().findFirst().orElse(null);
        int id = 1;
        int y = 0;
        if (firstField != null) {
            String f = quoteIdent(firstField);
            String lastSeen = "SELECT last(" + f + ") AS \"last_value\" FROM " + meas + " WHERE " + tenant
                    + " AND $timeFilter GROUP BY " + quoteIdent(PlatformTags.DEVICE) + ", " + quoteIdent(PlatformTags.DEVICE_TYPE);
            panels.add(tablePanel(id++, "Devices: type, last seen (time of the last point), last value", raw,
                    new GridPos(8, 12, 0, y), target("A", raw, lastSeen, "table", null)));
            queries.add(new GeneratedQuery(uid, "Devices", "A", Tier.RAW.database(), lastSeen, Source.RAW, ""));
            String perMinute = "SELECT count(" + f + ") FROM " + meas + " WHERE " + tenant
                    + " AND $timeFilter GROUP BY time(1m), " + quoteIdent(PlatformTags.DEVICE) + " fill(none)";
            panels.add(timeSeriesPanel(id++, "Messages per minute by device", raw, new GridPos(8, 12, 12, y),
                    List.of(target("A", raw, perMinute, "time_series", "$tag_plc_id")), null, "1m"));
            queries.add(new GeneratedQuery(uid, "Messages per minute by device", "A", Tier.RAW.database(),
                    perMinute, Source.RAW, ""));
            y += 8;
        }
        String usage = "SELECT mean(" + quoteIdent(QueryNaming.USAGE_POINTS_FIELD) + ") FROM "
                + quoteIdent(QueryNaming.USAGE_MEASUREMENT) + " WHERE " + tenant
                + " AND $timeFilter GROUP BY time($__interval) fill(none)";
        panels.add(timeSeriesPanel(id++, "Ingestion vs plan quota (" + m.pointsPerMinute() + " points/min, "
                        + m.plan() + ")", metrics, new GridPos(8, 12, 0, y),
                List.of(target("A", metrics, usage, "time_series", "points/min")), null, null));
        queries.add(new GeneratedQuery(uid, "Ingestion vs plan quota", "A", SharedBuckets.PLATFORM_METRICS.database(),
                usage, Source.PLATFORM_METRICS, ""));
        String refusals = "SELECT sum(" + quoteIdent(QueryNaming.USAGE_POINTS_FIELD) + ") FROM " + quoteIdent(QueryNaming.REFUSALS_MEASUREMENT) + " WHERE "
                + tenant + " AND $timeFilter GROUP BY time($__interval), \"reason\" fill(none)";
        panels.add(timeSeriesPanel(id++, "Dead letters and refusals by reason", metrics, new GridPos(8, 12, 12, y),
                List.of(target("A", metrics, refusals, "time_series", "$tag_reason")), null, null));
        queries.add(new GeneratedQuery(uid, "Dead letters and refusals by reason", "A",
                SharedBuckets.PLATFORM_METRICS.database(), refusals, Source.PLATFORM_METRICS, ""));
        Dashboard d = dashboard(uid, title, "Generated by Tenantry from the device model of tenant " + m.slug()
                + "; edits are kept (a later generation does not overwrite an edited dashboard).", panels, List.of());
        return new Generated(uid, title, d, List.copyOf(queries));
    }

    static Generated deviceType(TenantModel m, DeviceTypeModel t) {
        String uid = typeDashboardUid(t.type());
        String title = m.name() + " — " + t.type();
        String meas = quoteIdent(QueryNaming.measurement(m.tenantId()));
        String tenant = QueryNaming.tenantFilter(m.tenantId());
        DataSourceRef raw = ref(Tier.RAW.database());
        List<GeneratedQuery> queries = new ArrayList<>();
        String varQuery = "SHOW TAG VALUES WITH KEY = " + quoteIdent(PlatformTags.DEVICE) + " WHERE " + tenant
                + " AND " + quoteIdent(PlatformTags.DEVICE_TYPE) + " = '" + t.type().replace("'", "\\'") + "'";
        VariableOption all = new VariableOption(true, "All", "$__all");
        Variable plc = new Variable("query", PlatformTags.DEVICE, "Device", raw, varQuery, varQuery, true, true,
                2, 1, all, List.of());
        queries.add(new GeneratedQuery(uid, "variable:" + PlatformTags.DEVICE, "A", Tier.RAW.database(), varQuery,
                Source.RAW, ""));
        List<Panel> panels = new ArrayList<>();
        String rawWindow = QueryNaming.duration(m.rawRetention());
        String processedWindow = QueryNaming.duration(QueryNaming.PROCESSED_WINDOW);
        int id = 1;
        int i = 0;
        for (FieldSpec f : t.fields()) {
            List<InfluxTarget> targets = new ArrayList<>();
            String[] refs = {"A", "B", "C"};
            int k = 0;
            for (Tier tier : Tier.values()) {
                String window = switch (tier) {
                    case RAW -> "time > now() - " + rawWindow;
                    case PROCESSED -> "time <= now() - " + rawWindow + " AND time > now() - " + processedWindow;
                    case ONE_MINUTE -> "time <= now() - " + processedWindow;
                };
                String q = "SELECT mean(" + quoteIdent(QueryNaming.fieldFor(tier, f.name())) + ") FROM " + meas
                        + " WHERE " + tenant + " AND " + quoteIdent(PlatformTags.DEVICE) + " =~ /^$plc_id$/ AND "
                        + "$timeFilter" + " AND " + window + " GROUP BY time($__interval), "
                        + quoteIdent(PlatformTags.DEVICE) + " fill(none)";
                targets.add(target(refs[k], ref(tier.database()), q, "time_series", "$tag_plc_id"));
                queries.add(new GeneratedQuery(uid, f.name(), refs[k], tier.database(), q,
                        tier == Tier.RAW ? Source.RAW : Source.ROLLUP, " AND " + window));
                k++;
            }
            GridPos pos = new GridPos(8, 12, (i % 2) * 12, (i / 2) * 8);
            panels.add(timeSeriesPanel(id++, f.name(), DataSourceRef.MIXED, pos, targets, f.unit(), null));
            i++;
        }
        Dashboard d = dashboard(uid, title, "Generated by Tenantry: one panel per field of the " + t.type()
                + " devices of tenant " + m.slug() + " (raw within the plan's raw retention, then 10 s and 1 min rollups).",
                panels, List.of(plc));
        return new Generated(uid, title, d, List.copyOf(queries));
    }

    private static Dashboard dashboard(String uid, String title, String description, List<Panel> panels,
                                       List<Variable> vars) {
        AnnotationQuery builtIn = new AnnotationQuery("Annotations & Alerts", DataSourceRef.GRAFANA, true, true,
                "rgba(0, 211, 255, 1)", "dashboard", 1);
        return new Dashboard(uid, title, description, List.of(TAG, "tenantry-gen:" + GENERATOR_VERSION), "browser",
                true, 1, new TimeRange("now-6h", "now"), "1m", DashboardModel.SCHEMA_VERSION, null, panels,
                new Templating(vars), new Annotations(List.of(builtIn)));
    }

    private static DataSourceRef ref(String database) {
        return new DataSourceRef("influxdb", dataSourceUid(database));
    }

    private static InfluxTarget target(String refId, DataSourceRef ds, String q, String format, String alias) {
        return new InfluxTarget(refId, ds, q, true, format, alias);
    }

    private static Panel timeSeriesPanel(int id, String title, DataSourceRef ds, GridPos pos,
                                         List<InfluxTarget> targets, String unit, String interval) {
        Map<String, Object> legend = new LinkedHashMap<>();
        legend.put("displayMode", "list");
        legend.put("placement", "bottom");
        legend.put("showLegend", true);
        legend.put("calcs", List.of());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("legend", legend);
        options.put("tooltip", Map.of("mode", "multi", "sort", "none"));
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("drawStyle", "line");
        custom.put("lineWidth", 1);
        custom.put("fillOpacity", 0);
        custom.put("showPoints", "never");
        custom.put("spanNulls", false);
        FieldConfig defaults = new FieldConfig(unit == null ? "short" : unit, null, null, custom);
        return new DashboardModel.Panel("timeseries", id, title, null, ds, pos, targets,
                new FieldConfigSource(defaults, List.of()), options, interval, null);
    }

    private static Panel tablePanel(int id, String title, DataSourceRef ds, GridPos pos, InfluxTarget target) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("frameIndex", 0);
        options.put("showHeader", true);
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("align", "auto");
        custom.put("inspect", false);
        FieldConfig defaults = new FieldConfig(null, null, null, custom);
        return new Panel("table", id, title, null, ds, pos, List.of(target),
                new FieldConfigSource(defaults, List.of()), options, null, null);
    }
}
