package io.tenantry.adapters.grafana;

import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.Generated;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.GeneratedQuery;
import io.tenantry.adapters.grafana.dashboard.DashboardJson;
import io.tenantry.adapters.grafana.dashboard.QueryNaming;
import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.DeviceTypeModel;
import io.tenantry.adapters.grafana.dashboard.TenantModel.FieldSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Generated dashboards: valid against Grafana's published JSON Schema, one panel per field, tiers, tenant filter. */
class DashboardGeneratorTest {
    static final UUID TENANT = UUID.fromString("7f3c2a9e-1b2c-4d5e-8f90-123456789abc");
    static final GrafanaSchemas SCHEMAS = new GrafanaSchemas();

    static TenantModel model(List<FieldSpec> s7Fields) {
        return new TenantModel(TENANT, "acme", "ACME Plant", "PRO", 20, 5000, Duration.ofDays(7), List.of(
                new DeviceTypeModel("modbus_tcp", List.of("pump-1"), List.of(new FieldSpec("flow", "lpm"))),
                new DeviceTypeModel("siemens_s7", List.of("press-1", "press-2"), s7Fields)));
    }

    static final List<FieldSpec> S7 = List.of(new FieldSpec("Pressure", "pressurebar"),
            new FieldSpec("Temperature", "celsius"), new FieldSpec("Volume Flow RateRMS", null));

    @Test
    void everyGeneratedDashboardValidatesAgainstGrafanasSchema() {
        List<Generated> all = DashboardGenerator.generate(model(S7));
        assertThat(all).extracting(Generated::uid)
                .containsExactly("tn-overview", "tn-type-modbus_tcp", "tn-type-siemens_s7");
        for (Generated g : all) {
            JsonNode tree = DashboardJson.tree(g.dashboard());
            assertThat(SCHEMAS.violations(tree)).as(g.uid()).isEmpty();
        }
    }

    @Test
    void theValidatorCatchesWhatTheSchemaRefuses() {
        // a validator that passes everything would make the test above worthless
        ObjectNode tree = (ObjectNode) DashboardJson.tree(DashboardGenerator.generate(model(S7)).get(1).dashboard());
        tree.put("notAGrafanaField", 1);
        ((ObjectNode) tree.get("panels").get(0).get("gridPos")).put("w", 25);
        ((ObjectNode) tree.get("panels").get(0).get("options")).remove("tooltip");
        List<String> v = SCHEMAS.violations(tree);
        assertThat(String.join("\n", v)).contains("notAGrafanaField").contains("gridPos").contains("tooltip");
        ObjectNode noTemplating = (ObjectNode) DashboardJson.tree(DashboardGenerator.generate(model(S7)).get(0).dashboard());
        noTemplating.remove("templating");
        assertThat(SCHEMAS.violations(noTemplating)).isNotEmpty();
    }

    @Test
    void onePanelPerFieldWithUnitsAndThePlcIdVariable() {
        Generated s7 = DashboardGenerator.generate(model(S7)).get(2);
        JsonNode d = DashboardJson.tree(s7.dashboard());
        assertThat(d.get("panels")).hasSize(3);
        List<String> titles = new ArrayList<>();
        d.get("panels").forEach(p -> titles.add(p.get("title").asString()));
        assertThat(titles).containsExactly("Pressure", "Temperature", "Volume Flow RateRMS");
        assertThat(d.at("/panels/0/fieldConfig/defaults/unit").asString()).isEqualTo("pressurebar");
        assertThat(d.at("/panels/1/fieldConfig/defaults/unit").asString()).isEqualTo("celsius");
        assertThat(d.at("/panels/2/fieldConfig/defaults/unit").asString()).isEqualTo("short");
        JsonNode var = d.at("/templating/list/0");
        assertThat(var.get("name").asString()).isEqualTo("plc_id");
        assertThat(var.get("query").asString()).startsWith("SHOW TAG VALUES WITH KEY = \"plc_id\"")
                .contains("\"type\" = 'siemens_s7'");
        // a new field gives a new panel, and a different content hash (so a new version is saved)
        List<FieldSpec> more = new ArrayList<>(S7);
        more.add(new FieldSpec("Voltage", "volt"));
        Generated s7b = DashboardGenerator.generate(model(more)).get(2);
        assertThat(s7b.dashboard().panels()).hasSize(4);
        assertThat(DashboardJson.contentHash(s7b.dashboard())).isNotEqualTo(DashboardJson.contentHash(s7.dashboard()));
        assertThat(DashboardJson.contentHash(DashboardGenerator.generate(model(S7)).get(2).dashboard()))
                .as("deterministic").isEqualTo(DashboardJson.contentHash(s7.dashboard()));
    }

    @Test
    void eachFieldPanelReadsTheTierThatHoldsEachPartOfTheRange() {
        Generated s7 = DashboardGenerator.generate(model(S7)).get(2);
        List<GeneratedQuery> pressure = s7.queries().stream().filter(q -> q.panel().equals("Pressure")).toList();
        assertThat(pressure).extracting(GeneratedQuery::database)
                .containsExactly("processo_raw", "processo", "processo_1m");
        assertThat(pressure.get(0).text()).contains("mean(\"Pressure\")").contains("time > now() - 7d")
                .contains("$timeFilter").contains("GROUP BY time($__interval)").contains("=~ /^$plc_id$/");
        assertThat(pressure.get(1).text()).contains("mean(\"Pressure_mean\")")
                .contains("time <= now() - 7d AND time > now() - 30d");
        assertThat(pressure.get(2).text()).contains("mean(\"Pressure_mean\")").contains("time <= now() - 30d");
        assertThat(pressure.get(1).withoutAgeWindow()).doesNotContain("now()").contains("$timeFilter GROUP BY");
        JsonNode panel = DashboardJson.tree(s7.dashboard()).at("/panels/0");
        assertThat(panel.at("/datasource/uid").asString()).isEqualTo("-- Mixed --");
        assertThat(panel.at("/targets/1/datasource/uid").asString()).isEqualTo("tn-processo");
    }

    @Test
    void everyQueryFiltersOnTheTenantAndNamesItsViewOfTheMeasurement() {
        for (Generated g : DashboardGenerator.generate(model(S7))) {
            for (GeneratedQuery q : g.queries()) {
                assertThat(q.text()).as(q.toString()).contains("\"locatario_id\" = '" + TENANT + "'");
                if (q.source() != DashboardGenerator.Source.PLATFORM_METRICS && q.text().startsWith("SELECT")) {
                    // the tenant's view name: the query gateway maps it to the caller's stored <uuid>.telemetry
                    assertThat(q.text()).contains("FROM \"telemetry\"").doesNotContain(TENANT + ".telemetry");
                }
            }
        }
        assertThat(QueryNaming.quoteIdent("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }
}
