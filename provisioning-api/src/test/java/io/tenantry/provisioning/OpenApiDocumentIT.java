package io.tenantry.provisioning;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document explains itself (issue 16): it walks {@code /v3/api-docs} and fails, naming each
 * gap, on an operation without resource tag, stable operationId or description; a parameter or schema property
 * without description; an error response that is not a documented RFC 9457 problem; an operation without its
 * 401/403 answers; an undescribed security scheme.
 */
class OpenApiDocumentIT extends ProvisioningTestBase {
    static final List<String> TAGS = List.of("Tenants", "Devices", "Credentials", "Telemetry", "Rejections",
            "Query credentials", "Plan limits", "Grafana", "Platform administration", "Authentication");

    @Test
    void everyOperationPropertyParameterAndErrorIsDescribed() {
        byte[] body = http().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        JsonNode doc = JsonMapper.builder().build().readTree(body);
        List<String> gaps = new ArrayList<>();
        int operations = 0;
        int properties = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode o = op.getValue();
                operations++;
                if (o.path("tags").size() != 1 || !TAGS.contains(o.path("tags").get(0).asString())) {
                    gaps.add(where + ": tag " + o.path("tags"));
                }
                String id = o.path("operationId").asString("");
                if (id.isEmpty() || id.matches(".*_\\d+")) {
                    gaps.add(where + ": operationId '" + id + "'");
                }
                if (o.path("description").asString("").isBlank() || o.path("summary").asString("").isBlank()) {
                    gaps.add(where + ": summary/description");
                }
                for (JsonNode p : o.path("parameters")) {
                    if (p.path("description").asString("").isBlank()) {
                        gaps.add(where + ": parameter " + p.path("name").asString());
                    }
                }
                boolean secured = !path.getKey().equals("/oauth2/jwks");
                if (secured && (!o.path("responses").has("401") || !o.path("responses").has("403"))) {
                    gaps.add(where + ": 401/403 not documented");
                }
                for (Map.Entry<String, JsonNode> r : o.path("responses").properties()) {
                    if (r.getValue().path("description").asString("").isBlank()) {
                        gaps.add(where + ": response " + r.getKey() + " without description");
                    }
                    if (r.getKey().compareTo("400") >= 0) {
                        String ref = r.getValue().path("content").path("application/problem+json").path("schema").path("$ref").asString("");
                        if (!ref.endsWith("/Problem") || !r.getValue().path("description").asString("").contains("errorCode")) {
                            gaps.add(where + ": response " + r.getKey() + " is not a documented problem");
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> schema : doc.path("components").path("schemas").properties()) {
            for (Map.Entry<String, JsonNode> prop : schema.getValue().path("properties").properties()) {
                properties++;
                if (prop.getValue().path("description").asString("").isBlank()) {
                    gaps.add("schema " + schema.getKey() + "." + prop.getKey() + ": no description");
                }
            }
        }
        if (doc.path("components").path("securitySchemes").path("bearer").path("description").asString("").isBlank()) {
            gaps.add("security scheme bearer: no description");
        }
        assertThat(gaps).as("undocumented parts of the OpenAPI document").isEmpty();
        assertThat(operations).isGreaterThanOrEqualTo(20);
        assertThat(properties).isGreaterThanOrEqualTo(80);
        // allowed values and examples where the API has fixed sets
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("CreateTenant").path("properties").path("plan").path("enum").toString())
                .isEqualTo("[\"FREE\",\"PRO\",\"ENTERPRISE\"]");
        assertThat(schemas.path("CreateDevice").path("properties").path("type").path("enum").toString()).contains("generic");
        assertThat(schemas.path("CreateDevice").path("properties").path("plcId").path("example").asString()).isEqualTo("press-01");
        JsonNode create = doc.path("paths").path("/api/v1/tenants/{tenantId}/devices").path("post").path("responses");
        assertThat(create.has("201")).isTrue();
        assertThat(create.path("409").path("description").asString()).contains("provisioning:plan.device-limit");
    }
}
