package io.tenantry.gateway.rewrite;

import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.gateway.influxql.Parser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rewrite of single statements (issue 13 "Rewrite, never splice"); the real-server proofs are the ITs. */
class RewriterTest {
    private static final UUID A = UUID.fromString("0a0a0a0a-0000-4000-8000-00000000000a");
    private static final TenantView VIEW = new TenantView(A, StoragePlacement.SHARED);
    private static final String P = A + ".";
    private static final Catalog CATALOG = (v, ns) -> List.of("processo", "telemetry", "cpu");

    private static String rewrite(String q) {
        Plan p = new Rewriter(VIEW, CATALOG, "processo", "").rewrite(Parser.parseStatement(q));
        return p instanceof Plan.Remote r ? r.statement() : "LOCAL";
    }

    @Test
    void orPrecedenceIsWrappedNotSpliced() {
        String r = rewrite("SELECT \"value\" FROM \"processo\" WHERE \"plc_id\" = 'plc-1' AND time >= 1ms OR \"type\" = 'x'");
        assertThat(r).endsWith(") AND (\"locatario_id\"::tag = '" + A + "')");
        assertThat(r).contains("WHERE (((\"plc_id\" = 'plc-1') AND (\"time\" >= 1ms)) OR (\"type\" = 'x'))");
    }

    @Test
    void subqueriesAreScopedWhereTheyReadMeasurements() {
        String r = rewrite("SELECT sum(mean) FROM (SELECT mean(value) FROM cpu WHERE a = 1 OR b = 2 GROUP BY time(1h)) WHERE time > now() - 1d");
        assertThat(r).isEqualTo("SELECT sum(\"mean\") FROM (SELECT mean(\"value\") FROM \"processo\".\"autogen\".\"" + P
                + "cpu\" WHERE ((\"a\" = 1) OR (\"b\" = 2)) AND (\"locatario_id\"::tag = '" + A + "') GROUP BY time(1h))"
                + " WHERE \"time\" > (now() - 1d)");
    }

    @Test
    void regexSourcesResolveAgainstTheTenantsOwnList() {
        assertThat(rewrite("SELECT * FROM /^(proc|cpu)/")).isEqualTo("SELECT * FROM \"processo\".\"autogen\".\"" + P
                + "processo\", \"processo\".\"autogen\".\"" + P + "cpu\" WHERE \"locatario_id\"::tag = '" + A + "'");
        assertThat(rewrite("SELECT * FROM /nothing-matches/")).isEqualTo("LOCAL");
    }

    @Test
    void databasesMapAndUnknownOnesAreRefused() {
        assertThat(rewrite("SELECT mean(\"value\") FROM \"processo_1m\".\"autogen\".\"processo\""))
                .startsWith("SELECT mean(\"value\") FROM \"processo_1m\".\"autogen\".\"" + P + "processo\"");
        assertThatThrownBy(() -> rewrite("SELECT * FROM \"_internal\"..\"cpu\""))
                .isInstanceOf(GatewayRefusal.class).hasMessage("database not found: _internal");
        assertThatThrownBy(() -> rewrite("SELECT * FROM \"other\".\"cpu\""))
                .isInstanceOf(GatewayRefusal.class).hasMessage("retention policy not found: other");
        assertThatThrownBy(() -> rewrite("SELECT * FROM cpu WHERE value > $v"))
                .isInstanceOf(GatewayRefusal.class);
    }

    @Test
    void showStatementsAreScoped() {
        assertThat(rewrite("SHOW measurements")).isEqualTo("SHOW MEASUREMENTS ON \"processo\" WITH MEASUREMENT =~ /^"
                + A + "\\./ WHERE \"locatario_id\" = '" + A + "'");
        assertThat(rewrite("SHOW TAG VALUES WITH KEY = \"plc_id\" WHERE time > now() - 12h")).isEqualTo(
                "SHOW TAG VALUES ON \"processo\" FROM /^" + A + "\\./ WITH KEY = \"plc_id\" WHERE (\"time\" > (now() - 12h))"
                        + " AND (\"locatario_id\" = '" + A + "')");
        assertThat(rewrite("SHOW FIELD KEYS FROM \"processo\"")).isEqualTo("SHOW FIELD KEYS ON \"processo\" FROM \"" + P + "processo\"");
        assertThat(rewrite("SHOW DATABASES")).isEqualTo("LOCAL");
    }

    @Test
    void answersLoseThePrefixAndTheTenantTag() throws Exception {
        Plan.Remote p = (Plan.Remote) new Rewriter(VIEW, CATALOG, "processo", "").rewrite(Parser.parseStatement("SELECT * FROM cpu GROUP BY *"));
        ObjectNode influx = (ObjectNode) JsonMapper.builder().build().readTree("""
                {"statement_id":0,"series":[
                 {"name":"%scpu","tags":{"locatario_id":"%s","plc_id":"p1"},"columns":["time","locatario_id","value"],"values":[[1,"%s",2.5]]},
                 {"name":"ffffffff-0000-4000-8000-00000000000b.cpu","columns":["time","value"],"values":[[1,9]]}]}
                """.formatted(P, A, A));
        ObjectNode out = p.mapper().apply(influx);
        assertThat(out.toString()).isEqualTo("{\"statement_id\":0,\"series\":[{\"name\":\"cpu\",\"tags\":{\"plc_id\":\"p1\"},"
                + "\"columns\":[\"time\",\"value\"],\"values\":[[1,2.5]]}]}");
    }

    /** Issue 15: the streamed SELECT answer is the tree mapper's, byte for byte, and counts what it kept. */
    @Test
    void streamedSelectAnswerEqualsTheTreeMapping() {
        Plan.Remote p = (Plan.Remote) new Rewriter(VIEW, CATALOG, "processo", "").rewrite(Parser.parseStatement("SELECT * FROM cpu GROUP BY *"));
        assertThat(p.streamed()).isNotNull();
        String influx = """
                {"results":[{"statement_id":0,"series":[
                 {"name":"%scpu","tags":{"locatario_id":"%s","plc_id":"p1"},"columns":["time","locatario_id","value"],"values":[[1,"%s",2.5],[2,"%s",null]]},
                 {"name":"ffffffff-0000-4000-8000-00000000000b.cpu","columns":["time","value"],"values":[[1,9]]},
                 {"name":"%smem","tags":{"locatario_id":"%s"},"columns":["time","v","s","b"],"values":[[3,1e-05,"x\\"y",true]]}],"partial":true}]}
                """.formatted(P, A, A, A, P, A);
        var json = JsonMapper.builder().build();
        StreamedSelect.Answer a = p.streamed().write(influx.getBytes(java.nio.charset.StandardCharsets.UTF_8), json);
        assertThat(new String(a.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"results\":[{\"statement_id\":0,"
                + "\"series\":[{\"name\":\"cpu\",\"tags\":{\"plc_id\":\"p1\"},\"columns\":[\"time\",\"value\"],"
                + "\"values\":[[1,2.5],[2,null]]},{\"name\":\"mem\",\"columns\":[\"time\",\"v\",\"s\",\"b\"],"
                + "\"values\":[[3,1e-05,\"x\\\"y\",true]]}],\"partial\":true}]}");
        assertThat(a.series()).isEqualTo(2);
        assertThat(a.points()).isEqualTo(3);
        assertThat(a.topError()).isNull();
        // only foreign series: no "series" key at all, like the tree mapping
        String foreign = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"ffffffff-0000-4000-8000-00000000000b.cpu\","
                + "\"columns\":[\"time\",\"value\"],\"values\":[[1,9]]}]}]}";
        assertThat(new String(p.streamed().write(foreign.getBytes(java.nio.charset.StandardCharsets.UTF_8), json).body(),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"results\":[{\"statement_id\":0}]}");
        // the prefix leaves errors; rows before the series' name are refused, not passed
        assertThat(new String(p.streamed().write(("{\"results\":[{\"statement_id\":0,\"error\":\"no " + P + "cpu\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), json).body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"results\":[{\"statement_id\":0,\"error\":\"no cpu\"}]}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.streamed().write(("{\"results\":[{\"series\":[{\"values\":[[1,\""
                + A + "\"]],\"name\":\"x\"}]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8), json))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void seriesKeys() {
        String pair = "locatario_id=" + A;
        assertThat(SeriesKeys.visible(P + "cpu,locatario_id=" + A + ",plc_id=p\\,1", P, pair)).contains("cpu,plc_id=p\\,1");
        assertThat(SeriesKeys.visible(P + "cpu,locatario_id=other", P, pair)).isEmpty();
        assertThat(SeriesKeys.visible("other.cpu,locatario_id=" + A, P, pair)).isEmpty();
    }
}
