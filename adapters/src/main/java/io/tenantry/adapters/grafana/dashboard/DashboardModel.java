package io.tenantry.adapters.grafana.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Typed records of the part of Grafana's dashboard JSON model that Tenantry generates, serialised with Jackson
 * (absent = null = not written). Field names and shapes follow Grafana's published JSON Schema
 * ({@code grafana/grafana-foundation-sdk} {@code jsonschema/dashboard.jsonschema.json}, schemaVersion 41/42,
 * Grafana 11/12), which refuses unknown fields; {@code DashboardGeneratorTest} validates every generated dashboard
 * against it. The {@code grafana-foundation-sdk} Java artifact is not in our Maven registry, hence these records.
 */
public final class DashboardModel {
    private DashboardModel() {
    }

    /** The schema version written into every generated dashboard (Grafana 11.x/12.x dashboards). */
    public static final int SCHEMA_VERSION = 41;

    /**
     * A dashboard.
     *
     * @param uid         8..40 characters, unique in the organisation (ours: {@code tn-<slug>-<kind>})
     * @param version     Grafana's version counter; null when creating
     * @param tags        includes {@code tenantry} and {@code tenantry-gen:<n>} (generator version)
     * @param panels      panels, top to bottom
     * @param templating  template variables
     * @param annotations annotation queries (Grafana's built-in one at least)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dashboard(String uid, String title, String description, List<String> tags, String timezone,
                            Boolean editable, Integer graphTooltip, TimeRange time, String refresh,
                            int schemaVersion, Integer version, List<Panel> panels, Templating templating,
                            Annotations annotations) {
    }

    /** {@code from}/{@code to} as Grafana relative time, e.g. {@code now-6h} / {@code now}. */
    public record TimeRange(String from, String to) {
    }

    /** A data source reference: plugin type ({@code influxdb}, or {@code datasource} for Mixed) and uid. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataSourceRef(String type, String uid) {
        /** Grafana's "-- Mixed --" pseudo data source: each target names its own data source. */
        public static final DataSourceRef MIXED = new DataSourceRef("datasource", "-- Mixed --");
        /** Grafana's built-in annotation source. */
        public static final DataSourceRef GRAFANA = new DataSourceRef("grafana", "-- Grafana --");
    }

    /** Grid position: {@code w} 1..24 columns, {@code x} 0..23, {@code h} rows &gt; 0, {@code y} ≥ 0. */
    public record GridPos(int h, int w, int x, int y) {
    }

    /**
     * A panel ({@code timeseries}, {@code stat}, {@code table}). Options and field-config {@code custom} are the
     * panel kind's own shapes, validated against that kind's schema by the tests.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Panel(String type, int id, String title, String description, DataSourceRef datasource,
                        GridPos gridPos, List<InfluxTarget> targets, FieldConfigSource fieldConfig,
                        Map<String, Object> options, String interval, Integer maxDataPoints) {
    }

    /**
     * An InfluxDB (InfluxQL) query target in raw mode, as Grafana's InfluxDB data source stores it.
     *
     * @param refId        A, B, … unique in the panel
     * @param datasource   the bucket's data source
     * @param query        InfluxQL with Grafana macros ({@code $timeFilter}, {@code $__interval}, {@code $plc_id})
     * @param rawQuery     always true (the text is the query, not the builder's model)
     * @param resultFormat {@code time_series} or {@code table}
     * @param alias        legend alias, e.g. {@code $tag_plc_id}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InfluxTarget(String refId, DataSourceRef datasource, String query, boolean rawQuery,
                               String resultFormat, String alias) {
    }

    /** Field configuration: defaults for every field plus overrides (none generated). */
    public record FieldConfigSource(FieldConfig defaults, List<Object> overrides) {
    }

    /** Field defaults: Grafana unit id (e.g. {@code celsius}, {@code pressurebar}, {@code short}), decimals. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldConfig(String unit, Integer decimals, String displayName, Map<String, Object> custom) {
    }

    /** The dashboard's template variables. */
    public record Templating(List<Variable> list) {
    }

    /**
     * A query template variable, e.g. {@code plc_id} from {@code SHOW TAG VALUES WITH KEY = "plc_id"}.
     *
     * @param refresh 1 = on dashboard load, 2 = on time range change
     * @param sort    1 = alphabetical ascending
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variable(String type, String name, String label, DataSourceRef datasource, String query,
                           String definition, Boolean multi, Boolean includeAll, Integer refresh, Integer sort,
                           VariableOption current, List<VariableOption> options) {
    }

    /** A variable option: display text and value. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VariableOption(Boolean selected, String text, String value) {
    }

    /** The annotation queries. */
    public record Annotations(List<AnnotationQuery> list) {
    }

    /** An annotation query (the built-in "Annotations &amp; Alerts" one: {@code builtIn = 1}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AnnotationQuery(String name, DataSourceRef datasource, boolean enable, Boolean hide,
                                  String iconColor, String type, Integer builtIn) {
    }
}
