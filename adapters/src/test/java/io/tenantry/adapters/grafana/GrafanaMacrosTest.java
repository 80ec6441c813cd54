package io.tenantry.adapters.grafana;

import io.tenantry.adapters.grafana.query.GrafanaMacros;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Macro expansion as Grafana does it, checked against the request shapes of {@code ../shared/fixtures}. */
class GrafanaMacrosTest {
    static JsonNode fixtureCase(String name) throws Exception {
        JsonNode f = JsonMapper.builder().build().readTree(Files.readString(
                GrafanaSchemas.fixtures().resolve("grafana-influxql-request-shapes.json")));
        for (JsonNode c : f.get("cases")) {
            if (c.get("name").asString().startsWith(name)) {
                return c;
            }
        }
        throw new AssertionError("no fixture case " + name);
    }

    @Test
    void rawQueryMacrosExpandAsTheFixtureShows() throws Exception {
        JsonNode c = fixtureCase("raw query with macros");
        Instant from = Instant.ofEpochMilli(1_700_000_000_000L);
        Instant to = from.plusSeconds(6 * 3600);
        String got = GrafanaMacros.expand(c.get("raw").asString(), from, to, 1000, Map.of());
        long interval = GrafanaMacros.intervalMs(from, to, 1000);
        assertThat(interval).isEqualTo(20_000); // 6 h / 1000 = 21.6 s → Grafana rounds to 20 s
        String want = c.get("q").asString().replace("<T1>", Long.toString(from.toEpochMilli()))
                .replace("<T2>", Long.toString(to.toEpochMilli())).replace("<INT>", "20s");
        assertThat(got).isEqualTo(want);
    }

    @Test
    void multiValueVariablesBecomeAnEscapedAlternation() throws Exception {
        JsonNode c = fixtureCase("builder, multi-value variable");
        String template = c.get("q").asString().replace("(plc\\-1|plc\\-2)", "$plc_id");
        assertThat(template).contains("/^$plc_id$/");
        Instant from = Instant.ofEpochMilli(1_700_000_000_000L);
        Instant to = from.plusSeconds(3600);
        String got = GrafanaMacros.expand(template, from, to, 1000, Map.of("plc_id", List.of("plc-1", "plc-2")));
        assertThat(got).isEqualTo(c.get("q").asString());
        assertThat(GrafanaMacros.formatInterval(600_000)).isEqualTo("10m");
        assertThat(GrafanaMacros.formatInterval(86_400_000)).isEqualTo("1d");
        assertThat(GrafanaMacros.regexEscape("a.b/c")).isEqualTo("a\\.b\\/c");
    }
}
