package io.tenantry.adapters.grafana;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Grafana's published JSON Schemas of the dashboard model ({@code grafana/grafana-foundation-sdk} {@code jsonschema/}
 * at {@code f178d5a4}), read from {@code ../shared/fixtures/grafana-foundation-sdk-jsonschema/} beside the clone
 * (never copied into the repo; {@code TENANTRY_FIXTURES} points elsewhere). Validates a whole dashboard: the
 * dashboard schema (refuses unknown fields), then each panel's {@code options} and
 * {@code fieldConfig.defaults.custom} against its panel kind's schema ({@code timeseries}, {@code stat},
 * {@code table}; the dashboard schema leaves them open). Test-only.
 */
public final class GrafanaSchemas {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path dir;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private final Schema dashboard;

    public GrafanaSchemas() {
        this.dir = fixtures().resolve("grafana-foundation-sdk-jsonschema");
        this.dashboard = registry.getSchema(read("dashboard"), InputFormat.JSON);
    }

    /** {@code ../shared/fixtures} of the clone (searched upward from the working directory) or {@code TENANTRY_FIXTURES}. */
    public static Path fixtures() {
        String env = System.getenv("TENANTRY_FIXTURES");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("shared/fixtures");
            if (Files.isDirectory(f.resolve("grafana-foundation-sdk-jsonschema"))) {
                return f;
            }
        }
        throw new IllegalStateException("../shared/fixtures not found beside the clone; set TENANTRY_FIXTURES");
    }

    private String read(String kind) {
        try {
            return Files.readString(dir.resolve(kind + ".jsonschema.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A schema for one definition of a panel kind's file (e.g. {@code timeseries}, {@code Options}). */
    private Schema definition(String kind, String definition) {
        ObjectNode file = (ObjectNode) JSON.readTree(read(kind));
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("$ref", "#/definitions/" + definition);
        root.set("definitions", file.get("definitions"));
        return registry.getSchema(JSON.writeValueAsString(root), InputFormat.JSON);
    }

    /** Every violation of the dashboard and its panels' kind schemas, as {@code location: message}; empty = valid. */
    public List<String> violations(JsonNode d) {
        List<String> out = new ArrayList<>();
        for (Error e : dashboard.validate(d)) {
            out.add("dashboard " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        for (JsonNode panel : d.path("panels")) {
            String kind = panel.path("type").asString();
            if (!List.of("timeseries", "stat", "table").contains(kind)) {
                out.add("panel " + panel.path("id") + ": kind '" + kind + "' has no schema here");
                continue;
            }
            for (Error e : definition(kind, "Options").validate(panel.path("options"))) {
                out.add("panel " + panel.path("id") + " options " + e.getInstanceLocation() + ": " + e.getMessage());
            }
            JsonNode custom = panel.path("fieldConfig").path("defaults").path("custom");
            if (!custom.isMissingNode() && !kind.equals("stat")) {
                for (Error e : definition(kind, "FieldConfig").validate(custom)) {
                    out.add("panel " + panel.path("id") + " custom " + e.getInstanceLocation() + ": " + e.getMessage());
                }
            }
        }
        return out;
    }
}
