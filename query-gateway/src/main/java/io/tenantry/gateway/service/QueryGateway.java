package io.tenantry.gateway.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.gateway.auth.Caller;
import io.tenantry.gateway.config.GatewayProperties;
import io.tenantry.gateway.influx.InfluxHttp;
import io.tenantry.gateway.influxql.Ast;
import io.tenantry.gateway.influxql.InfluxQLException;
import io.tenantry.gateway.influxql.Parser;
import io.tenantry.gateway.rewrite.Catalog;
import io.tenantry.gateway.rewrite.GatewayRefusal;
import io.tenantry.gateway.rewrite.Plan;
import io.tenantry.gateway.rewrite.Rewriter;
import io.tenantry.gateway.rewrite.TenantView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * One tenant query, end to end (issue 13): rate limit → parse (one statement) → rewrite → InfluxDB with the service
 * user → the tenant's answer, limits checked; every refusal is InfluxDB-shaped. Non-blocking ({@link #handleAsync}).
 * Metrics: {@code tenantry.gateway.queries} (tag {@code tenant}, {@code outcome}),
 * {@code tenantry.gateway.refusals} ({@code tenant}, {@code reason}), {@code tenantry.gateway.latency}
 * ({@code tenant}). Refusals that look like an attempt to reach outside the tenant are logged at WARN on logger
 * {@code tenantry.gateway.audit} with tenant, credential, reason and statement.
 */
public final class QueryGateway {
    private static final Logger AUDIT = LoggerFactory.getLogger("tenantry.gateway.audit");
    private static final Set<String> EPOCHS = Set.of("ns", "n", "u", "µ", "ms", "s", "m", "h");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final InfluxHttp influx;
    private final Catalog catalog;
    private final ObjectMapper json;
    private final GatewayProperties props;
    private final RateLimiter rates;
    private final MeterRegistry meters;

    /** The canonical request: the values the gateway accepted, each given at most once. */
    public record Request(String q, String db, String rp, String epoch) {
    }

    /**
     * The answer to send.
     *
     * @param status   HTTP status
     * @param body     JSON body
     * @param executed the statement as run on InfluxDB (or how it was answered), for {@code X-Grafana-Meta-Add-Tenantry}
     */
    public record Response(int status, String body, String executed) {
    }

    public QueryGateway(InfluxHttp influx, Catalog catalog, ObjectMapper json, GatewayProperties props,
                        RateLimiter rates, MeterRegistry meters) {
        this.influx = influx;
        this.catalog = catalog;
        this.json = json;
        this.props = props;
        this.rates = rates;
        this.meters = meters;
    }

    /** The InfluxDB-shaped answer of a refusal, counted and (attack-like ones) audited. */
    public Response refusal(Caller caller, Request req, GatewayRefusal e) {
        meters.counter("tenantry.gateway.refusals", "tenant", caller == null ? "-" : caller.slug(),
                "reason", e.reason()).increment();
        meters.counter("tenantry.gateway.queries", "tenant", caller == null ? "-" : caller.slug(), "outcome", "refused")
                .increment();
        if (e.attack()) {
            AUDIT.warn("refused tenant={} credential={} reason={} message=\"{}\" q=\"{}\"",
                    caller == null ? "-" : caller.tenant(), caller == null ? "-" : caller.username(), e.reason(),
                    e.getMessage(), req == null || req.q() == null ? "" : abbreviate(req.q()));
        }
        if (e.statementLevel()) {
            return new Response(200, statementError(e.getMessage()), "(refused: " + e.reason() + ")");
        }
        return new Response(e.status(), topError(e.getMessage()), "(refused: " + e.reason() + ")");
    }

    /**
     * Answers one request of an authenticated caller; never fails for bad input: it becomes the response. Without
     * blocking (issue 15): admission, parsing and rewriting run on the calling thread (the
     * event loop), InfluxDB is asked through {@link InfluxHttp#send} and its answer mapped on the event loop that
     * receives it — on the bounded elastic scheduler instead when it is larger than {@value #INLINE_ANSWER_BYTES}
     * bytes, or when the rewrite needs the tenant's measurement list ({@link Catalog}, a blocking InfluxDB query:
     * regex sources, SHOW without FROM).
     */
    public Mono<Response> handleAsync(Caller caller, Request req) {
        Timer.Sample sample = Timer.start(meters);
        Mono<Response> answer;
        try {
            Admitted a = admit(caller, req);
            try {
                answer = respond(rewrite(caller, req, a.statement(), NO_CATALOG), req, a.limits());
            } catch (CatalogNeeded e) {
                answer = Mono.fromCallable(() -> rewrite(caller, req, a.statement(), catalog))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(plan -> respond(plan, req, a.limits()));
            }
        } catch (GatewayRefusal e) {
            answer = Mono.error(e);
        }
        return answer
                .doOnNext(r -> meters.counter("tenantry.gateway.queries", "tenant", caller.slug(), "outcome",
                        r.status() == 200 && !r.body().contains("\"error\"") ? "ok" : "error").increment())
                .onErrorResume(GatewayRefusal.class, e -> Mono.just(refusal(caller, req, e)))
                .doOnNext(r -> sample.stop(meters.timer("tenantry.gateway.latency", "tenant", caller.slug())));
    }

    /** Answers larger than this are mapped off the event loop (a few ms of CPU per MiB). */
    static final int INLINE_ANSWER_BYTES = 256 * 1024;

    /** Thrown by {@link #NO_CATALOG}: the rewrite needs the catalog, which blocks. */
    private static final class CatalogNeeded extends RuntimeException {
        CatalogNeeded() {
            super(null, null, false, false);
        }
    }

    private static final Catalog NO_CATALOG = (view, ns) -> {
        throw new CatalogNeeded();
    };

    /** A request past the rate limit and the request checks: its one statement and the plan's limits. */
    private record Admitted(Ast.Statement statement, GatewayProperties.Limits limits) {
    }

    private Mono<Response> respond(Plan plan, Request req, GatewayProperties.Limits limits) {
        return switch (plan) {
            case Plan.Local l -> Mono.just(new Response(200, results(l.result()), l.executed()));
            case Plan.Remote remote -> influx.send(remote.statement(), remote.database(), req.epoch(), limits.timeout())
                    .onErrorMap(InfluxHttp.Unavailable.class, e -> unavailable(e, limits))
                    .flatMap(a -> {
                        Mono<Response> mapped = Mono.fromCallable(() -> answer(remote, a, limits));
                        return a.bytes().length > INLINE_ANSWER_BYTES ? mapped.subscribeOn(Schedulers.boundedElastic()) : mapped;
                    });
        };
    }

    /** Rate limit, request checks and parsing: the request's one statement, or a refusal. */
    private Admitted admit(Caller caller, Request req) {
        GatewayProperties.Limits limits = props.limitsOf(caller.plan());
        if (!rates.tryAcquire(caller.tenant(), limits.requestsPerSecond())) {
            throw GatewayRefusal.request(429, "rate_limit", "rate limit exceeded: plan " + caller.plan() + " allows "
                    + limits.requestsPerSecond() + " requests/s", false);
        }
        if (req.q() == null || req.q().isBlank()) {
            throw GatewayRefusal.request(400, "missing_q", "missing required parameter \"q\"", false);
        }
        if (req.q().getBytes(StandardCharsets.UTF_8).length > props.maxQueryBytes()) {
            throw GatewayRefusal.request(413, "query_too_large", "query longer than " + props.maxQueryBytes()
                    + " bytes refused by the query gateway", true);
        }
        if (req.epoch() != null && !EPOCHS.contains(req.epoch())) {
            throw GatewayRefusal.request(400, "bad_epoch", "invalid epoch: " + req.epoch(), false);
        }
        List<Ast.Statement> statements;
        try {
            statements = Parser.parseQuery(req.q());
        } catch (InfluxQLException e) {
            if (e.kind() == InfluxQLException.Kind.NOT_ALLOWED) {
                throw GatewayRefusal.request(403, "not_allowed", "error authorizing query: " + e.getMessage(), true);
            }
            throw GatewayRefusal.request(400, "parse_error", "error parsing query: " + e.getMessage(), false);
        }
        if (statements.isEmpty()) {
            throw GatewayRefusal.request(400, "missing_q", "missing required parameter \"q\"", false);
        }
        if (statements.size() > 1) {
            throw GatewayRefusal.request(400, "several_statements", "the query gateway accepts one statement per"
                    + " request (" + statements.size() + " given)", true);
        }
        return new Admitted(statements.get(0), limits);
    }

    private Plan rewrite(Caller caller, Request req, Ast.Statement statement, Catalog measurements) {
        TenantView view = new TenantView(caller.tenant().value(), caller.placement());
        return new Rewriter(view, measurements, req.db(), req.rp()).rewrite(statement);
    }

    private static GatewayRefusal unavailable(InfluxHttp.Unavailable e, GatewayProperties.Limits limits) {
        if (e.timeout()) {
            return GatewayRefusal.statement("timeout", "query timeout: plan allows " + limits.timeout().toMillis()
                    + " ms", false);
        }
        return GatewayRefusal.request(503, "influx_unavailable", "InfluxDB is unavailable", false);
    }

    /** InfluxDB's answer to a remote plan as the tenant's: mapped, limits checked; refusals thrown. */
    private Response answer(Plan.Remote plan, InfluxHttp.Answer a, GatewayProperties.Limits limits) {
        if (a.status() == 200 && plan.streamed() != null) {
            return streamed(plan, a, limits);
        }
        JsonNode root;
        try {
            root = json.readTree(a.bytes());
        } catch (JacksonException e) {
            throw GatewayRefusal.request(502, "influx_bad_answer", "unreadable answer from InfluxDB", false);
        }
        if (a.status() != 200 || root.has("error")) {
            // InfluxDB's own request-level error (bad statement after rewrite, missing grant): no tenant data in it
            String msg = root.path("error").asString("InfluxDB answered " + a.status());
            int status = a.status() == 401 || a.status() == 403 ? 500 : a.status() == 200 ? 400 : a.status();
            throw GatewayRefusal.request(status, "influx_error", msg.replace(plan.statement(), "<statement>"), false);
        }
        JsonNode first = root.path("results").path(0);
        ObjectNode result = first instanceof ObjectNode o ? o : JSON.objectNode(); // the tree is ours: no copy
        result.remove("statement_id");
        ObjectNode mapped = plan.mapper().apply(result);
        int series = mapped.path("series").size();
        int points = 0;
        for (JsonNode s : mapped.path("series")) {
            points += s.path("values").size();
        }
        if (series > limits.maxSeries()) {
            throw GatewayRefusal.statement("max_series", "max-select-series limit exceeded: (" + series + "/"
                    + limits.maxSeries() + ")", false);
        }
        if (points > limits.maxPoints()) {
            throw GatewayRefusal.statement("max_points", "max-select-point limit exceeed: (" + points + "/"
                    + limits.maxPoints() + ")", false);
        }
        return new Response(200, results(mapped), plan.statement());
    }

    /**
     * A SELECT's answer mapped while it is read ({@link io.tenantry.gateway.rewrite.StreamedSelect}; issue 15): the
     * same answer, errors and limits as the tree path, without InfluxDB's answer as a tree.
     */
    private Response streamed(Plan.Remote plan, InfluxHttp.Answer a, GatewayProperties.Limits limits) {
        io.tenantry.gateway.rewrite.StreamedSelect.Answer s;
        try {
            s = plan.streamed().write(a.bytes(), json);
        } catch (JacksonException | IllegalStateException e) {
            throw GatewayRefusal.request(502, "influx_bad_answer", "unreadable answer from InfluxDB", false);
        }
        if (s.topError() != null) {
            throw GatewayRefusal.request(400, "influx_error", s.topError().replace(plan.statement(), "<statement>"), false);
        }
        if (s.series() > limits.maxSeries()) {
            throw GatewayRefusal.statement("max_series", "max-select-series limit exceeded: (" + s.series() + "/"
                    + limits.maxSeries() + ")", false);
        }
        if (s.points() > limits.maxPoints()) {
            throw GatewayRefusal.statement("max_points", "max-select-point limit exceeed: (" + s.points() + "/"
                    + limits.maxPoints() + ")", false);
        }
        return new Response(200, new String(s.body(), StandardCharsets.UTF_8), plan.statement());
    }

    private String results(ObjectNode statementResult) {
        ObjectNode r = JSON.objectNode();
        r.put("statement_id", 0);
        statementResult.properties().forEach(e -> {
            if (!e.getKey().equals("statement_id")) {
                r.set(e.getKey(), e.getValue());
            }
        });
        ObjectNode root = JSON.objectNode();
        ArrayNode arr = root.putArray("results");
        arr.add(r);
        return root.toString();
    }

    /** {@code {"results":[{"statement_id":0,"error":"…"}]}}. */
    public static String statementError(String message) {
        ObjectNode r = JSON.objectNode();
        r.put("statement_id", 0);
        r.put("error", message);
        ObjectNode root = JSON.objectNode();
        root.putArray("results").add(r);
        return root.toString();
    }

    /** {@code {"error":"…"}}. */
    public static String topError(String message) {
        ObjectNode root = JSON.objectNode();
        root.put("error", message);
        return root.toString();
    }

    private static String abbreviate(String q) {
        String s = q.replaceAll("[\\r\\n\\t]", " ");
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
