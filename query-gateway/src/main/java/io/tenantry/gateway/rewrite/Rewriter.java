package io.tenantry.gateway.rewrite;

import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.gateway.influxql.Ast.*;
import io.tenantry.gateway.influxql.Renderer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rewrites one parsed statement of a tenant into what InfluxDB runs (issue 13 "Rewrite, never splice"; design note
 * 003 §5): every measurement source becomes the tenant's stored measurement, fully qualified with the physical
 * database and retention policy of the tenant's placement; a regex source becomes the list of the tenant's own
 * measurements it matches (never a regex over the shared buckets); every SELECT reading measurements gets
 * {@code (<condition>) AND "locatario_id"::tag = '<tenant>'} (in subqueries, at the level that reads measurements);
 * {@code SHOW MEASUREMENTS / TAG KEYS / TAG VALUES / SERIES} get the tenant's measurements as source and the tenant
 * condition in {@code WHERE}; {@code SHOW FIELD KEYS} the tenant's measurements; {@code SHOW DATABASES} is answered
 * here; {@code SHOW RETENTION POLICIES} shows the placement's policy as {@code autogen}. Answers come back with the
 * prefix stripped, {@code locatario_id} removed from columns, tags and SHOW rows, and any series whose name is not
 * the tenant's dropped (fail closed).
 */
public final class Rewriter {
    /** The tag every point carries (the data contract). */
    public static final String TENANT_TAG = SharedBuckets.TENANT_TAG;
    /** Deepest subquery nesting passed on. */
    public static final int MAX_SUBQUERY_DEPTH = 8;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TenantView view;
    private final Catalog catalog;
    private final String requestDb;
    private final String requestRp;

    /**
     * @param view      the tenant
     * @param catalog   the tenant's measurement lists
     * @param requestDb the request's {@code db} (may be empty)
     * @param requestRp the request's {@code rp} (may be empty)
     */
    public Rewriter(TenantView view, Catalog catalog, String requestDb, String requestRp) {
        this.view = view;
        this.catalog = catalog;
        this.requestDb = requestDb == null ? "" : requestDb;
        this.requestRp = requestRp == null ? "" : requestRp;
    }

    /**
     * @return the plan for the statement
     * @throws GatewayRefusal (statement level) for what InfluxDB would refuse or the gateway refuses
     */
    public Plan rewrite(Statement s) {
        return switch (s) {
            case Select sel -> select(sel);
            case ShowDatabases d -> showDatabases();
            case ShowRetentionPolicies p -> showRetentionPolicies(p);
            case ShowMeasurements m -> showMeasurements(m);
            case ShowTagKeys k -> showTagKeys(k);
            case ShowTagValues v -> showTagValues(v);
            case ShowFieldKeys f -> showFieldKeys(f);
            case ShowSeries r -> showSeries(r);
        };
    }

    // ---------------------------------------------------------------- databases

    private TenantView.Namespace namespace(String db) {
        String name = db == null || db.isEmpty() ? requestDb : db;
        if (name.isEmpty()) {
            throw GatewayRefusal.statement("database_required", "database name required", false);
        }
        return view.namespace(name).orElseThrow(() -> GatewayRefusal.statement("database_not_found",
                "database not found: " + name, !TenantView.DATABASES.contains(name)));
    }

    private String retentionPolicy(TenantView.Namespace ns, String rp) {
        String name = rp == null || rp.isEmpty() ? requestRp : rp;
        if (name.isEmpty() || name.equals(TenantView.VISIBLE_RP) || name.equals(ns.bucket().retentionPolicy())) {
            return ns.bucket().retentionPolicy();
        }
        throw GatewayRefusal.statement("retention_policy_not_found", "retention policy not found: " + name, false);
    }

    private Plan showDatabases() {
        ObjectNode series = JSON.objectNode();
        series.put("name", "databases");
        series.putArray("columns").add("name");
        ArrayNode values = series.putArray("values");
        TenantView.DATABASES.forEach(d -> values.addArray().add(d));
        ObjectNode result = JSON.objectNode();
        result.putArray("series").add(series);
        return new Plan.Local(result, "SHOW DATABASES (answered by the gateway)");
    }

    private Plan showRetentionPolicies(ShowRetentionPolicies p) {
        TenantView.Namespace ns = namespace(p.database());
        String physicalRp = ns.bucket().retentionPolicy();
        String q = Renderer.render(new ShowRetentionPolicies(ns.bucket().database()));
        return new Plan.Remote(q, ns.bucket().database(), r -> mapSeries(r, series -> {
            ArrayNode kept = JSON.arrayNode();
            int nameCol = columnIndex(series, "name");
            int defCol = columnIndex(series, "default");
            for (JsonNode row : values(series)) {
                if (nameCol >= 0 && physicalRp.equals(row.get(nameCol).asString())) {
                    ArrayNode copy = ((ArrayNode) row).deepCopy();
                    copy.set(nameCol, JSON.stringNode(TenantView.VISIBLE_RP));
                    if (defCol >= 0) {
                        copy.set(defCol, JSON.booleanNode(true));
                    }
                    kept.add(copy);
                }
            }
            series.set("values", kept);
            return Optional.of(series);
        }));
    }

    // ---------------------------------------------------------------- SELECT

    private Plan select(Select s) {
        checkNoParams(s);
        Select rewritten = scopeSelect(s, 0);
        if (rewritten == null) {
            return new Plan.Local(JSON.objectNode(), "(no measurement of the tenant matches)");
        }
        String physicalDb = firstDatabase(rewritten);
        String q = Renderer.render(rewritten);
        TenantView.Namespace ns = namespaceOfPhysical(physicalDb);
        return new Plan.Remote(q, physicalDb, r -> mapSeries(r, series -> renameAndHide(series, ns)),
                new StreamedSelect(view, ns));
    }

    private TenantView.Namespace namespaceOfPhysical(String physicalDb) {
        for (String d : TenantView.DATABASES) {
            TenantView.Namespace ns = view.namespace(d).orElseThrow();
            if (ns.bucket().database().equals(physicalDb)) {
                return ns;
            }
        }
        throw new IllegalStateException("no namespace for " + physicalDb);
    }

    private static String firstDatabase(Select s) {
        for (Source src : s.sources()) {
            if (src instanceof Measurement m) {
                return m.database();
            }
            if (src instanceof SubQuery q) {
                return firstDatabase(q.statement());
            }
        }
        throw new IllegalStateException("no source");
    }

    /** The tenant-scoped SELECT, or null when its sources resolve to none of the tenant's measurements. */
    private Select scopeSelect(Select s, int depth) {
        if (depth > MAX_SUBQUERY_DEPTH) {
            throw GatewayRefusal.statement("subquery_depth", "subqueries nested deeper than " + MAX_SUBQUERY_DEPTH
                    + " are refused by the query gateway", true);
        }
        List<Source> out = new ArrayList<>();
        boolean measurements = false;
        boolean subqueries = false;
        String physicalDb = null;
        for (Source src : s.sources()) {
            switch (src) {
                case SubQuery q -> {
                    Select inner = scopeSelect(q.statement(), depth + 1);
                    if (inner != null) {
                        out.add(new SubQuery(inner));
                        subqueries = true;
                    }
                }
                case Measurement m -> {
                    TenantView.Namespace ns = namespace(m.database());
                    String rp = retentionPolicy(ns, m.retentionPolicy());
                    for (String name : resolve(ns, m)) {
                        out.add(Measurement.named(ns.bucket().database(), rp, view.stored(ns, name)));
                    }
                    measurements = true;
                    if (physicalDb != null && !physicalDb.equals(ns.bucket().database())) {
                        throw GatewayRefusal.statement("cross_database", "sources from different databases in one"
                                + " SELECT are refused by the query gateway", false);
                    }
                    physicalDb = ns.bucket().database();
                }
            }
        }
        if (measurements && subqueries) {
            throw GatewayRefusal.statement("mixed_sources", "a FROM mixing measurements and subqueries is refused by"
                    + " the query gateway", false);
        }
        if (out.isEmpty()) {
            return null;
        }
        Select r = s.withSources(out);
        boolean readsMeasurements = out.stream().anyMatch(x -> x instanceof Measurement);
        return readsMeasurements ? r.withCondition(and(s.condition(), tenantCondition(true))) : r;
    }

    private List<String> resolve(TenantView.Namespace ns, Measurement m) {
        if (m.regex() == null) {
            if (m.name().isEmpty()) {
                throw GatewayRefusal.statement("empty_name", "empty measurement name", false);
            }
            return List.of(m.name());
        }
        Pattern p = compile(m.regex().pattern());
        return catalog.measurements(view, ns).stream().filter(n -> p.matcher(n).find()).toList();
    }

    private static Pattern compile(String re) {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw GatewayRefusal.statement("bad_regex", "error parsing regexp: " + e.getDescription(), false);
        }
    }

    private Expr tenantCondition(boolean tagCast) {
        return new Binary(Op.EQ, new VarRef(TENANT_TAG, tagCast ? "tag" : null), new StringLit(view.tenantTag()));
    }

    private static Expr and(Expr condition, Expr tenant) {
        return condition == null ? tenant : new Binary(Op.AND, new Paren(condition), tenant);
    }

    // ---------------------------------------------------------------- SHOW

    /** Sources of a SHOW: the tenant's named/matched measurements (names only; the database goes in ON). */
    private List<Source> showSources(TenantView.Namespace ns, List<Source> sources) {
        List<Source> out = new ArrayList<>();
        if (sources.isEmpty()) {
            if (ns.namespaced()) {
                out.add(new Measurement("", "", null, new RegexLit(prefixRegex())));
            } else {
                catalog.measurements(view, ns).forEach(n -> out.add(Measurement.named("", "", view.stored(ns, n))));
            }
            return out;
        }
        for (Source src : sources) {
            if (!(src instanceof Measurement m)) {
                throw GatewayRefusal.statement("subquery_in_show", "subqueries are not allowed in SHOW", false);
            }
            if (!m.database().isEmpty() || !m.retentionPolicy().isEmpty()) {
                TenantView.Namespace other = namespace(m.database().isEmpty() ? ns.visible() : m.database());
                if (!other.equals(ns)) {
                    throw GatewayRefusal.statement("cross_database", "a SHOW source must be in the database of ON",
                            false);
                }
                retentionPolicy(ns, m.retentionPolicy());
            }
            for (String n : resolve(ns, m)) {
                out.add(Measurement.named("", "", view.stored(ns, n)));
            }
        }
        return out;
    }

    private Plan showMeasurements(ShowMeasurements m) {
        checkNoParams(m.condition());
        TenantView.Namespace ns = namespace(m.database());
        Measurement with = ns.namespaced() ? new Measurement("", "", null, new RegexLit(prefixRegex())) : null;
        ShowMeasurements q = new ShowMeasurements(ns.bucket().database(), with, and(m.condition(), tenantCondition(false)),
                List.of(), 0, 0);
        Predicate<String> wanted = n -> true;
        if (m.source() != null) {
            if (m.source().regex() != null) {
                Pattern p = compile(m.source().regex().pattern());
                wanted = n -> p.matcher(n).find();
            } else {
                String name = m.source().name();
                wanted = name::equals;
            }
        }
        Predicate<String> filter = wanted;
        long offset = m.offset();
        long limit = m.limit();
        return new Plan.Remote(Renderer.render(q), ns.bucket().database(), r -> mapSeries(r, series -> {
            ArrayNode kept = JSON.arrayNode();
            long skipped = 0;
            for (JsonNode row : values(series)) {
                Optional<String> v = view.visible(ns, row.get(0).asString());
                if (v.isEmpty() || !filter.test(v.get())) {
                    continue;
                }
                if (skipped++ < offset) {
                    continue;
                }
                if (limit > 0 && kept.size() >= limit) {
                    break;
                }
                kept.addArray().add(v.get());
            }
            if (kept.isEmpty()) {
                return Optional.empty();
            }
            series.set("values", kept);
            return Optional.of(series);
        }));
    }

    private String prefixRegex() {
        return "^" + view.prefix().replace(".", "\\.");
    }

    private Plan showTagKeys(ShowTagKeys k) {
        checkNoParams(k.condition());
        TenantView.Namespace ns = namespace(k.database());
        List<Source> sources = showSources(ns, k.sources());
        if (sources.isEmpty()) {
            return new Plan.Local(JSON.objectNode(), "(no measurement of the tenant matches)");
        }
        ShowTagKeys q = new ShowTagKeys(ns.bucket().database(), sources, and(k.condition(), tenantCondition(false)),
                List.of(), k.limit(), k.offset(), k.slimit(), k.soffset());
        return new Plan.Remote(Renderer.render(q), ns.bucket().database(), r -> mapSeries(r, series ->
                renameAndHide(series, ns).flatMap(s -> dropRows(s, row -> TENANT_TAG.equals(row.get(0).asString())))));
    }

    private Plan showTagValues(ShowTagValues v) {
        checkNoParams(v.condition());
        TenantView.Namespace ns = namespace(v.database());
        List<Source> sources = showSources(ns, v.sources());
        if (sources.isEmpty()) {
            return new Plan.Local(JSON.objectNode(), "(no measurement of the tenant matches)");
        }
        ShowTagValues q = new ShowTagValues(ns.bucket().database(), sources, v.op(), v.keys(),
                and(v.condition(), tenantCondition(false)), List.of(), v.limit(), v.offset());
        return new Plan.Remote(Renderer.render(q), ns.bucket().database(), r -> mapSeries(r, series ->
                renameAndHide(series, ns).flatMap(s -> dropRows(s, row -> TENANT_TAG.equals(row.get(0).asString())))));
    }

    private Plan showFieldKeys(ShowFieldKeys f) {
        TenantView.Namespace ns = namespace(f.database());
        List<Source> sources = showSources(ns, f.sources());
        if (sources.isEmpty()) {
            return new Plan.Local(JSON.objectNode(), "(no measurement of the tenant matches)");
        }
        ShowFieldKeys q = new ShowFieldKeys(ns.bucket().database(), sources, List.of(), f.limit(), f.offset());
        return new Plan.Remote(Renderer.render(q), ns.bucket().database(), r -> mapSeries(r, series ->
                renameAndHide(series, ns)));
    }

    private Plan showSeries(ShowSeries s) {
        checkNoParams(s.condition());
        TenantView.Namespace ns = namespace(s.database());
        List<Source> sources = showSources(ns, s.sources());
        if (sources.isEmpty()) {
            return new Plan.Local(JSON.objectNode(), "(no measurement of the tenant matches)");
        }
        ShowSeries q = new ShowSeries(ns.bucket().database(), sources, and(s.condition(), tenantCondition(false)),
                List.of(), s.limit(), s.offset());
        String tenantPair = TENANT_TAG + "=" + view.tenantTag();
        return new Plan.Remote(Renderer.render(q), ns.bucket().database(), r -> mapSeries(r, series -> {
            ArrayNode kept = JSON.arrayNode();
            for (JsonNode row : values(series)) {
                SeriesKeys.visible(row.get(0).asString(), ns.namespaced() ? view.prefix() : null, tenantPair)
                        .ifPresent(k -> kept.addArray().add(k));
            }
            if (kept.isEmpty()) {
                return Optional.empty();
            }
            series.set("values", kept);
            return Optional.of(series);
        }));
    }

    // ---------------------------------------------------------------- answers

    /** Renames a series to the tenant's name (drops it when not the tenant's) and hides {@code locatario_id}. */
    private Optional<ObjectNode> renameAndHide(ObjectNode series, TenantView.Namespace ns) {
        JsonNode name = series.get("name");
        if (name != null && !name.isNull()) {
            String n = name.asString();
            boolean metaName = n.equals("measurements") || n.equals("databases");
            if (!metaName) {
                Optional<String> v = view.visible(ns, n);
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                series.put("name", v.get());
            }
        }
        JsonNode tags = series.get("tags");
        if (tags instanceof ObjectNode t) {
            t.remove(TENANT_TAG);
            if (t.isEmpty()) {
                series.remove("tags");
            }
        }
        int col = columnIndex(series, TENANT_TAG);
        if (col >= 0) {
            ((ArrayNode) series.get("columns")).remove(col);
            for (JsonNode row : values(series)) {
                ((ArrayNode) row).remove(col);
            }
        }
        return Optional.of(series);
    }

    private static Optional<ObjectNode> dropRows(ObjectNode series, Predicate<JsonNode> drop) {
        ArrayNode kept = JSON.arrayNode();
        for (JsonNode row : values(series)) {
            if (!drop.test(row)) {
                kept.add(row);
            }
        }
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        series.set("values", kept);
        return Optional.of(series);
    }

    private static int columnIndex(ObjectNode series, String column) {
        JsonNode cols = series.get("columns");
        if (cols == null) {
            return -1;
        }
        for (int i = 0; i < cols.size(); i++) {
            if (column.equals(cols.get(i).asString())) {
                return i;
            }
        }
        return -1;
    }

    private static Iterable<JsonNode> values(ObjectNode series) {
        JsonNode v = series.get("values");
        return v == null ? List.of() : v;
    }

    /** Applies {@code f} to each series of a statement result; drops {@code series} when none remain. */
    private ObjectNode mapSeries(ObjectNode result, java.util.function.Function<ObjectNode, Optional<ObjectNode>> f) {
        JsonNode err = result.get("error");
        if (err != null) {
            result.put("error", err.asString().replace(view.prefix(), ""));
        }
        JsonNode series = result.get("series");
        if (series instanceof ArrayNode arr) {
            ArrayNode kept = JSON.arrayNode();
            for (JsonNode s : arr) {
                if (s instanceof ObjectNode o) {
                    f.apply(o).ifPresent(kept::add);
                }
            }
            if (kept.isEmpty()) {
                result.remove("series");
            } else {
                result.set("series", kept);
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- parameters

    private static void checkNoParams(Select s) {
        s.fields().forEach(f -> checkNoParams(f.expr()));
        checkNoParams(s.condition());
        s.dimensions().forEach(Rewriter::checkNoParams);
        for (Source src : s.sources()) {
            if (src instanceof SubQuery q) {
                checkNoParams(q.statement());
            }
        }
    }

    private static void checkNoParams(Expr e) {
        if (e == null) {
            return;
        }
        switch (e) {
            case BoundParam p -> throw GatewayRefusal.statement("bound_parameter",
                    "bound parameters are not accepted by the query gateway: $" + p.name(), true);
            case Binary b -> {
                checkNoParams(b.lhs());
                checkNoParams(b.rhs());
            }
            case Paren p -> checkNoParams(p.expr());
            case Call c -> c.args().forEach(Rewriter::checkNoParams);
            default -> {
            }
        }
    }

    /** Exposed for tests: the rendered tenant condition of SELECTs. */
    static String tenantConditionText(TenantView view) {
        return Renderer.expr(new Rewriter(view, (v, n) -> List.of(), "", "").tenantCondition(true));
    }
}
