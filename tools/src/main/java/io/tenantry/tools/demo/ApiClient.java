package io.tenantry.tools.demo;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the provisioning API (bearer token per call). */
public final class ApiClient {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ApiClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** An HTTP answer: status and parsed JSON body (null when empty or not JSON). */
    public record Response(int status, JsonNode body) {
    }

    public Response post(String token, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(b.build());
    }

    /** PUT with a JSON body; the answer as it came. */
    public Response put(String token, String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    public Response get(String token, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    /** Like {@link #post} but fails unless the status is {@code expected}. */
    public JsonNode postExpect(String token, String path, Object body, int expected) {
        Response r = post(token, path, body);
        if (r.status() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /** Creates a tenant as platform admin; returns its id. */
    public String createTenant(String adminToken, String slug, String name, String plan) {
        return postExpect(adminToken, "/api/v1/tenants", java.util.Map.of("slug", slug, "name", name, "plan", plan), 201)
                .get("id").asString();
    }

    /**
     * A device and its freshly issued MQTT credential.
     *
     * @param credential the credential response: {@code username, password, topic, brokerUrl, caCertificate}
     */
    public record DeviceCredential(String deviceId, JsonNode credential) {
        public String username() {
            return credential.get("username").asString();
        }

        public String password() {
            return credential.get("password").asString();
        }

        public String topic() {
            return credential.get("topic").asString();
        }
    }

    /** Creates a device ({@code plcId, type, tags}) as the tenant's owner and issues its MQTT credential. */
    public DeviceCredential createDeviceWithCredential(String ownerToken, String tenantId, Object device) {
        String id = postExpect(ownerToken, "/api/v1/tenants/" + tenantId + "/devices", device, 201).get("id").asString();
        JsonNode c = postExpect(ownerToken, "/api/v1/tenants/" + tenantId + "/devices/" + id + "/credentials", null, 201);
        return new DeviceCredential(id, c);
    }

    private Response send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (!r.body().isBlank()) {
                try {
                    body = JSON.readTree(r.body());
                } catch (RuntimeException notJson) {
                    body = JSON.getNodeFactory().stringNode(r.body());
                }
            }
            return new Response(r.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
