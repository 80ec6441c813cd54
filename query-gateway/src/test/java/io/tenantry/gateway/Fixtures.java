package io.tenantry.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared fixtures of {@code ../shared/fixtures/} (read in place, never copied; README there): the influxql
 * v1.0.0 parser cases and Grafana's request shapes. The directory is found from the module or the repository root,
 * or given with {@code -Dtenantry.fixtures=DIR} / {@code TENANTRY_FIXTURES}.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        String given = System.getProperty("tenantry.fixtures", System.getenv("TENANTRY_FIXTURES"));
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path c = p.resolveSibling("shared").resolve("fixtures");
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        throw new IllegalStateException("../shared/fixtures not found from " + here + " (set -Dtenantry.fixtures)");
    }

    public static JsonNode read(String name) {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(dir().resolve(name)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parserCases() {
        return read("influxql-parser-cases-v1.0.0.json");
    }

    public static JsonNode grafanaShapes() {
        return read("grafana-influxql-request-shapes.json");
    }
}
