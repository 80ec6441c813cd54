package io.tenantry.gateway.it;

import io.tenantry.gateway.Fixtures;
import io.tenantry.gateway.influx.InfluxHttp;
import io.tenantry.gateway.influxql.Ast;
import io.tenantry.gateway.influxql.InfluxQLException;
import io.tenantry.gateway.influxql.Parser;
import io.tenantry.gateway.influxql.Renderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway against the real stack (issue 13 "Tests"): fixture statements round-trip through InfluxDB 1.6.7,
 * every Grafana request shape (GET and POST) answers each tenant with only its data, differential isolation
 * against a database holding only A's points (corpus and generated queries), a hostile catalogue, credentials that
 * stop within seconds, and the plan limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private GatewayStack stack;

    @BeforeAll
    void up() {
        stack = new GatewayStack();
    }

    @AfterAll
    void down() {
        if (stack != null) {
            stack.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Everything in an answer to A that would mean another tenant's data or metadata reached it. */
    List<String> leaks(String body) {
        return leaks(body, "");
    }

    /**
     * As {@link #leaks(String)}, for an error that may echo the attacker's own input: text that occurs in the
     * request itself ({@code echoed}) is not a leak.
     */
    List<String> leaks(String body, String echoed) {
        List<String> found = new ArrayList<>();
        for (String marker : new String[]{"bravo", "plc-b9", "plc-f", stack.b.id().toString(), stack.free.id().toString(),
                stack.empty.id().toString()}) {
            if (body.contains(marker) && !echoed.contains(marker)) {
                found.add(marker);
            }
        }
        var m = UUID_RE.matcher(body);
        while (m.find()) {
            if (!echoed.contains(m.group())) {
                found.add("a tenant UUID");
                break;
            }
        }
        try {
            JsonNode root = JSON.readTree(body);
            for (JsonNode res : root.path("results")) {
                for (JsonNode s : res.path("series")) {
                    for (JsonNode row : s.path("values")) {
                        for (int i = 1; i < row.size(); i++) {
                            if (row.get(i).isNumber() && row.get(i).asDouble() >= 4_000_000) {
                                found.add("value " + row.get(i));
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            found.add("not JSON");
        }
        return found;
    }

    /** The answer is what InfluxDB sends: results[0] with series or an error, or a top-level error. */
    static void influxShaped(GatewayStack.Answer a) {
        JsonNode root = JSON.readTree(a.body());
        if (a.status() == 200) {
            assertThat(root.path("results").isArray()).as(a.body()).isTrue();
            assertThat(root.path("results").path(0).path("statement_id").asInt(-1)).as(a.body()).isZero();
        } else {
            assertThat(root.path("error").isString()).as(a.body()).isTrue();
            assertThat(a.headers().firstValue("X-Influxdb-Error")).as(a.body()).isPresent();
        }
        assertThat(a.headers().firstValue("X-Influxdb-Version")).contains("1.6.7");
    }

    static String statementError(GatewayStack.Answer a) {
        JsonNode root = JSON.readTree(a.body());
        if (root.has("error")) {
            return root.get("error").asString();
        }
        JsonNode e = root.path("results").path(0).path("error");
        return e.isMissingNode() ? null : e.asString();
    }

    static int seriesCount(GatewayStack.Answer a) {
        return JSON.readTree(a.body()).path("results").path(0).path("series").size();
    }

    String shape(String q) {
        return q.replace("<T1>", Long.toString(stack.now - 3_600_000L)).replace("<T2>", Long.toString(stack.now + 60_000))
                .replace("<INT>", "1m").replace("<DB>", "processo");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void pingAndAuthentication() {
        GatewayStack.Answer ping = stack.send(HttpRequest.newBuilder(stack.uri("/ping")).GET().build());
        assertThat(ping.status()).isEqualTo(204);
        assertThat(ping.headers().firstValue("X-Influxdb-Version")).contains("1.6.7");

        GatewayStack.Answer none = stack.send(HttpRequest.newBuilder(stack.uri("/query?q=SHOW%20DATABASES")).GET().build());
        assertThat(none.status()).isEqualTo(401);
        influxShaped(none);
        GatewayStack.Tenant wrong = new GatewayStack.Tenant(stack.a.id(), stack.a.slug(), stack.a.user(), stack.b.secret());
        assertThat(stack.get(wrong, "SHOW DATABASES", null).status()).isEqualTo(401);
        GatewayStack.Tenant crossed = new GatewayStack.Tenant(stack.a.id(), stack.a.slug(), stack.b.user(), stack.a.secret());
        assertThat(stack.get(crossed, "SHOW DATABASES", null).status()).isEqualTo(401);

        GatewayStack.Answer token = stack.send(HttpRequest.newBuilder(stack.uri("/query?db=processo&q=SHOW%20MEASUREMENTS"))
                .header("Authorization", "Token " + stack.a.user() + ":" + stack.a.secret()).GET().build());
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.body()).contains("processo").contains("telemetry").doesNotContain("bravo_only");
        assertThat(token.headers().firstValue("X-Grafana-Meta-Add-Tenantry").orElseThrow())
                .contains("locatario_id").contains(stack.a.id().toString());

        GatewayStack.Answer dbs = stack.get(stack.a, "SHOW DATABASES", null);
        assertThat(dbs.body()).contains("processo_raw", "processo_1m", "platform_metrics").doesNotContain("_internal");
    }

    @Test
    void everyGrafanaRequestShapeAnswersOnlyTheCallersData() {
        JsonNode shapes = Fixtures.grafanaShapes().get("cases");
        assertThat(shapes.size()).isEqualTo(19);
        int answered = 0;
        for (JsonNode c : shapes) {
            String q = shape(c.get("q").asString());
            String[] rp = c.has("rp_param") ? new String[]{"rp", c.get("rp_param").asString()} : new String[0];
            for (boolean post : new boolean[]{false, true}) {
                for (GatewayStack.Tenant t : List.of(stack.a, stack.b)) {
                    GatewayStack.Answer r = post ? stack.post(t, q, "processo", rp) : stack.get(t, q, "processo", rp);
                    String what = c.get("name").asString() + (post ? " POST " : " GET ") + (t == stack.a ? "A" : "B") + ": " + r.body();
                    assertThat(r.status()).as(what).isEqualTo(200);
                    influxShaped(r);
                    assertThat(statementError(r)).as(what).isNull();
                    if (t == stack.a) {
                        assertThat(leaks(r.body())).as(what).isEmpty();
                    } else {
                        assertThat(r.body()).as(what).doesNotContain("alpha").doesNotContain(stack.a.id().toString());
                    }
                    answered++;
                }
            }
        }
        assertThat(answered).isEqualTo(19 * 4);
        // the data shapes really return the caller's rows
        GatewayStack.Answer builder = stack.get(stack.a, shape(shapes.get(2).get("q").asString()), "processo", "rp", "autogen");
        assertThat(seriesCount(builder)).isEqualTo(2);
        GatewayStack.Answer annotation = stack.post(stack.a, shape(shapes.get(18).get("q").asString()), "processo");
        assertThat(annotation.body()).contains("alpha event");
        // health check with 0 and with N measurements
        GatewayStack.Answer emptyHealth = stack.get(stack.empty, "SHOW measurements", "processo");
        assertThat(emptyHealth.status()).isEqualTo(200);
        assertThat(statementError(emptyHealth)).isNull();
        assertThat(seriesCount(emptyHealth)).isZero();
        GatewayStack.Answer health = stack.get(stack.a, "SHOW measurements", "processo");
        assertThat(JSON.readTree(health.body()).path("results").path(0).path("series").path(0).path("values").size()).isEqualTo(3);
    }

    @Test
    void renderedFixtureStatementsMeanTheSameToInfluxDB() {
        String db = stack.roundTrip;
        int compared = 0;
        int withRows = 0;
        List<String> differ = new ArrayList<>();
        for (JsonNode c : Fixtures.parserCases().get("statements")) {
            String q = c.get("q").asString();
            if (!c.get("valid").asBoolean() || c.has("skip")) {
                continue;
            }
            Ast.Statement s;
            try {
                s = Parser.parseStatement(q);
            } catch (InfluxQLException e) {
                continue; // refused by policy: never sent
            }
            String rendered = Renderer.render(s);
            InfluxHttp.Answer original = stack.adminRaw.query(q, db, "ns", Duration.ofSeconds(20));
            InfluxHttp.Answer mine = stack.adminRaw.query(rendered, db, "ns", Duration.ofSeconds(20));
            if (mine.body().contains("error parsing query") && !original.body().contains("error parsing query")) {
                differ.add("InfluxDB cannot parse the rendering of " + q + ": " + rendered + " → " + mine.body().trim());
                continue;
            }
            if (original.body().contains("\"values\"")) {
                withRows++;
            }
            if (!normalise(original.body(), q).equals(normalise(mine.body(), q))) {
                differ.add(q + "\n   rendered " + rendered + "\n   original → " + original.body().trim()
                        + "\n   rendered → " + mine.body().trim());
            }
            compared++;
        }
        differ.forEach(d -> System.out.println("DIFFER " + d));
        System.out.println("round trip: " + compared + " statements, " + withRows + " with rows");
        assertThat(compared).isEqualTo(96);
        assertThat(withRows).isGreaterThan(60);
        assertThat(differ).isEmpty();
    }

    /** With {@code now()} in the statement, a time bound evaluated microseconds apart is not a difference of meaning. */
    private static String normalise(String body, String q) {
        String b = body.trim();
        return q.contains("now()") ? b.replaceAll("\\[\\d{19},", "[T,") : b;
    }

    /** A's answer through the gateway equals InfluxDB's answer over a database holding only A's points. */
    void differential(String q, List<String> failures) {
        GatewayStack.Answer g = stack.post(stack.a, q, "processo");
        InfluxHttp.Answer d = stack.adminRaw.query(q, stack.onlyA, "ms", Duration.ofSeconds(20));
        JsonNode direct = JSON.readTree(d.body());
        JsonNode mine = JSON.readTree(g.body());
        String directError = direct.has("error") ? direct.get("error").asString()
                : direct.path("results").path(0).path("error").asString(null);
        String gwError = statementError(g);
        if (directError != null || gwError != null) {
            if ((directError == null) != (gwError == null)) {
                failures.add(q + ": gateway " + g.body().trim() + " vs direct " + d.body().trim());
            }
            return;
        }
        JsonNode expected = stripTenantTag(direct.path("results").path(0));
        JsonNode actual = mine.path("results").path(0);
        if (q.contains("now()")) {
            // the lower bound now() - x is the first bucket's time: evaluated a few ms apart, so compare without it
            expected = blankTime(expected);
            actual = blankTime(actual);
        }
        if (!expected.equals(actual)) {
            failures.add(q + ":\n   gateway " + actual + "\n   direct  " + expected);
        }
        List<String> l = leaks(g.body());
        if (!l.isEmpty()) {
            failures.add(q + ": leak " + l);
        }
    }

    private static JsonNode blankTime(JsonNode result) {
        ObjectNode r = ((ObjectNode) result).deepCopy();
        for (JsonNode s : r.path("series")) {
            if (s.path("columns").path(0).asString("").equals("time")) {
                for (JsonNode row : s.path("values")) {
                    ((ArrayNode) row).set(0, JSON.getNodeFactory().nullNode());
                }
            }
        }
        return r;
    }

    private static JsonNode stripTenantTag(JsonNode result) {
        ObjectNode r = ((ObjectNode) result).deepCopy();
        for (JsonNode s : r.path("series")) {
            ObjectNode o = (ObjectNode) s;
            if (o.get("tags") instanceof ObjectNode t) {
                t.remove("locatario_id");
                if (t.isEmpty()) {
                    o.remove("tags");
                }
            }
            JsonNode cols = o.path("columns");
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).asString().equals("locatario_id")) {
                    ((ArrayNode) cols).remove(i);
                    for (JsonNode row : o.path("values")) {
                        ((ArrayNode) row).remove(i);
                    }
                    break;
                }
            }
            String first = o.path("columns").path(0).asString("");
            if (o.path("name").asString("").equals("measurements") || first.equals("tagKey") || first.equals("key")) {
                ArrayNode kept = JSON.createArrayNode();
                for (JsonNode row : o.path("values")) {
                    if (!row.path(0).asString("").equals("locatario_id")) {
                        kept.add(row);
                    }
                }
                o.set("values", kept);
            }
        }
        return r;
    }

    @Test
    void differentialIsolationOverCorpusAndGeneratedQueries() {
        List<String> corpus = List.of(
                "SELECT * FROM processo",
                "SELECT * FROM processo GROUP BY *",
                "SELECT value, plc_id FROM processo WHERE plc_id = 'plc-1'",
                "SELECT mean(value), sum(value), count(value) FROM processo GROUP BY plc_id",
                "SELECT mean(value) FROM processo WHERE time > now() - 2h GROUP BY time(10m), plc_id fill(none)",
                "SELECT max(value) FROM processo WHERE plc_id = 'plc-1' OR plc_id = 'plc-b9'",
                "SELECT count(value) FROM processo WHERE plc_id =~ /plc/ OR value > 0",
                "SELECT count(value) FROM processo WHERE true OR plc_id = 'x'",
                "SELECT * FROM /.*/ LIMIT 3",
                "SELECT value FROM /^proc/ WHERE type = 'press' ORDER BY time DESC LIMIT 5",
                "SELECT sum(mean) FROM (SELECT mean(value) FROM processo GROUP BY time(5m)) WHERE time > now() - 1h",
                "SELECT max(m) FROM (SELECT max(value) AS m FROM processo GROUP BY plc_id)",
                "SELECT count(c) FROM (SELECT count(value) AS c FROM (SELECT value FROM processo WHERE plc_id = 'plc-1' OR 1 = 1))",
                "SELECT derivative(mean(value), 1m) FROM processo WHERE time > now() - 1h GROUP BY time(5m)",
                "SELECT last(text) FROM eventi",
                "SELECT top(value, 3) FROM processo",
                "SELECT distinct(type) FROM processo",
                "SELECT count(value) FROM processo, telemetry",
                "SELECT value FROM processo SLIMIT 1 SOFFSET 1",
                "SELECT * FROM processo WHERE locatario_id != ''",
                "SHOW MEASUREMENTS",
                "SHOW MEASUREMENTS WITH MEASUREMENT =~ /proc/",
                "SHOW MEASUREMENTS WHERE plc_id = 'plc-1'",
                "SHOW TAG KEYS FROM processo",
                "SHOW TAG VALUES FROM processo WITH KEY = plc_id",
                "SHOW TAG VALUES WITH KEY IN (plc_id, type)",
                "SHOW TAG VALUES WITH KEY =~ /.*/",
                "SHOW FIELD KEYS FROM processo",
                "SHOW FIELD KEYS");
        List<String> failures = new ArrayList<>();
        corpus.forEach(q -> differential(q, failures));
        // generated queries: a small grammar over A's schema, seeded (property-based style without a library)
        Random rnd = new Random(13);
        String[] fields = {"value", "count", "*", "mean(value)", "max(value)", "count(value)", "sum(count)", "last(value)"};
        String[] conds = {"plc_id = 'plc-1'", "plc_id = 'plc-b9'", "type = 'press'", "value > 1010", "count < 5",
                "plc_id =~ /plc-/", "type != 'pump'", "locatario_id = 'x'", "true", "value > 0 OR plc_id = 'plc-b9'"};
        String[] sources = {"processo", "telemetry", "/.*/", "/^tele/", "processo, telemetry"};
        int generated = 0;
        for (int i = 0; i < 80; i++) {
            String f = fields[rnd.nextInt(fields.length)];
            boolean agg = f.contains("(");
            StringBuilder q = new StringBuilder("SELECT ").append(f).append(" FROM ").append(sources[rnd.nextInt(sources.length)]);
            int nc = rnd.nextInt(4);
            for (int k = 0; k < nc; k++) {
                q.append(k == 0 ? " WHERE " : rnd.nextBoolean() ? " AND " : " OR ");
                q.append(rnd.nextBoolean() ? "(" + conds[rnd.nextInt(conds.length)] + ")" : conds[rnd.nextInt(conds.length)]);
            }
            if (agg && rnd.nextBoolean()) {
                q.append(" GROUP BY ").append(rnd.nextBoolean() ? "plc_id" : "*");
            }
            if (!agg) {
                q.append(" LIMIT ").append(1 + rnd.nextInt(50));
            }
            if (rnd.nextInt(4) == 0) {
                q.insert(0, "SELECT * FROM (").append(")");
                if (q.indexOf("GROUP BY") < 0 && q.indexOf("mean") < 0) {
                    // outer selection of inner rows
                }
            }
            differential(q.toString(), failures);
            generated++;
        }
        failures.forEach(f -> System.out.println("DIFF " + f));
        assertThat(generated).isEqualTo(80);
        assertThat(failures).isEmpty();
    }

    @Test
    void hostileCatalogueLeaksNothing() {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        String B = stack.b.id().toString();
        for (String q : HostileCatalogue.statements(stack.b.id())) {
            for (String db : new String[]{"processo", "processo_raw"}) {
                GatewayStack.Answer get = stack.get(stack.a, q, db);
                GatewayStack.Answer post = stack.post(stack.a, q, db);
                for (GatewayStack.Answer r : List.of(get, post)) {
                    cases++;
                    check(q + " db=" + db, q, r, failures);
                }
            }
        }
        // request-level attacks
        String enc = GatewayStack.enc("SELECT * FROM \"" + B + ".processo\"");
        String ok = GatewayStack.enc("SELECT * FROM processo");
        String form = "application/x-www-form-urlencoded";
        List<String[]> requests = List.of(
                new String[]{"GET", "q=" + ok + "&q=" + enc + "&db=processo", null, null},
                new String[]{"POST", "q=" + ok + "&db=processo", form, "q=" + enc},
                new String[]{"POST", "db=processo", form, "q=" + ok + "&q=" + enc},
                new String[]{"GET", "q=" + ok + "&db=processo&db=processo_raw", null, null},
                new String[]{"POST", "q=" + ok + "&db=processo", form, "db=_internal"},
                new String[]{"GET", "q=" + ok + "&db=processo&rp=autogen&rp=x", null, null},
                new String[]{"GET", "q=" + GatewayStack.enc("SELECT * FROM processo WHERE plc_id = $p") + "&db=processo&params="
                        + GatewayStack.enc("{\"p\":\"x' OR 1=1\"}"), null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&chunked=true", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&chunk_size=1", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&async=true", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&u=admin&p=x", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&pretty=true", null, null},
                new String[]{"GET", "q=" + ok + "&db=_internal", null, null},
                new String[]{"GET", "q=" + ok + "&db=" + GatewayStack.enc(stack.onlyA), null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&epoch=ms&epoch=ns", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo&epoch=" + GatewayStack.enc("ms\nX-Evil: 1"), null, null},
                new String[]{"POST", "db=processo", "multipart/form-data; boundary=xx",
                        "--xx\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nSELECT * FROM \"" + B + ".processo\"\r\n--xx--\r\n"},
                new String[]{"POST", "db=processo", "application/json", "{\"q\":\"SELECT * FROM processo\"}"},
                new String[]{"POST", "db=processo", "text/plain", "SELECT * FROM processo"},
                new String[]{"POST", "q=" + ok + "&db=processo", "text/plain", "q=" + enc},
                new String[]{"PUT", "q=" + ok + "&db=processo", null, null},
                new String[]{"DELETE", "q=" + ok + "&db=processo", null, null},
                new String[]{"GET", "q=" + GatewayStack.enc("SELECT * FROM processo WHERE plc_id = '" + "x".repeat(70_000) + "'")
                        + "&db=processo", null, null},
                new String[]{"POST", "db=processo", form, "q=" + GatewayStack.enc("SELECT * FROM processo WHERE plc_id = '"
                        + "x".repeat(300_000) + "'")},
                new String[]{"GET", "db=processo", null, null},
                new String[]{"GET", "q=&db=processo", null, null},
                new String[]{"GET", "q=%00&db=processo", null, null},
                new String[]{"GET", "q=" + ok + "&db=processo%00", null, null});
        for (String[] r : requests) {
            cases++;
            GatewayStack.Answer a = stack.raw(stack.a, r[0], r[1], r[2], r[3]);
            check(String.join(" | ", r).substring(0, Math.min(300, String.join(" | ", r).length())),
                    java.net.URLDecoder.decode(r[1], java.nio.charset.StandardCharsets.UTF_8) + (r[3] == null ? "" : r[3]), a, failures);
            if (!r[1].equals("q=" + ok + "&db=processo") || !"GET".equals(r[0])) {
                // refused: an HTTP error, or (like InfluxDB for an unknown database) a statement error
                assertThat(a.status() != 200 || statementError(a) != null)
                        .as(String.join(" ", r).substring(0, Math.min(200, String.join(" ", r).length())) + " → " + a.body())
                        .isTrue();
            }
        }
        // two Authorization headers, and B's username with A's secret
        GatewayStack.Answer twice = stack.send(HttpRequest.newBuilder(stack.uri("/query?db=processo&q=" + ok))
                .header("Authorization", GatewayStack.basic(stack.a)).header("Authorization", GatewayStack.basic(stack.b)).GET().build());
        cases++;
        check("two Authorization headers", "", twice, failures);
        assertThat(twice.status()).isEqualTo(401);
        failures.forEach(f -> System.out.println("HOSTILE " + f));
        System.out.println("hostile catalogue: " + cases + " cases");
        assertThat(cases).isGreaterThanOrEqualTo(200);
        assertThat(failures).isEmpty();
    }

    private void check(String what, String request, GatewayStack.Answer r, List<String> failures) {
        // an error may quote the caller's own text back (as InfluxDB does); data and metadata never
        List<String> l = leaks(r.body(), statementError(r) != null ? request : "");
        if (!l.isEmpty()) {
            failures.add(what + " → leak " + l + ": " + r.body().substring(0, Math.min(400, r.body().length())));
        }
        try {
            influxShaped(r);
        } catch (AssertionError | RuntimeException e) {
            failures.add(what + " → not InfluxDB-shaped: " + r.status() + " " + r.body());
        }
    }

    @Test
    void revokedCredentialsAndSuspendedTenantsStopWithinSeconds() {
        GatewayStack.Tenant extra = stack.credential(stack.a);
        assertThat(stack.get(extra, "SHOW DATABASES", null).status()).isEqualTo(200);
        stack.dsl.execute("UPDATE query_credentials SET revoked_at = now() WHERE username = ?", extra.user());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(stack.get(extra, "SHOW DATABASES", null).status()).isEqualTo(401));

        GatewayStack.Tenant f = stack.credential(stack.free);
        assertThat(stack.get(f, "SHOW DATABASES", null).status()).isEqualTo(200);
        stack.dsl.execute("UPDATE tenants SET status = 'SUSPENDED' WHERE id = ?", stack.free.id());
        try {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(stack.get(f, "SHOW DATABASES", null).status()).isEqualTo(401));
        } finally {
            stack.dsl.execute("UPDATE tenants SET status = 'ACTIVE' WHERE id = ?", stack.free.id());
        }
    }

    @Test
    void planLimitsRefuseWithTheLimitNamed() {
        // FREE is lowered to 3 series and 2 requests/s (burst 4) in this IT; F has 5 series
        GatewayStack.Tenant f = stack.credential(stack.free);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            GatewayStack.Answer many = stack.get(f, "SELECT last(value) FROM processo GROUP BY plc_id", "processo");
            assertThat(many.status()).isEqualTo(200);
            assertThat(statementError(many)).contains("max-select-series limit exceeded").contains("/3)");
        });
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            GatewayStack.Answer r = stack.get(f, "SHOW DATABASES", null);
            if (r.status() == 429) {
                influxShaped(r);
                assertThat(statementError(r)).contains("rate limit exceeded").contains("2.0 requests/s");
                limited++;
            }
        }
        assertThat(limited).isPositive();
    }
}
