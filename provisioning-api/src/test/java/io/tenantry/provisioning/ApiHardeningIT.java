package io.tenantry.provisioning;

import com.nimbusds.jose.jwk.RSAKey;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, "errors and inputs that break the API" and "medium/low": every hostile input below answers a 4xx RFC 9457
 * problem naming the field (never a 500), tokens are held to {@code TokenPolicy}, and the actuator is off the API
 * port. All through HTTP against the real stack.
 */
class ApiHardeningIT extends ProvisioningTestBase {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    // ------------------------------------------------------------------ helpers

    /** Sends the request and returns the problem body after checking status, media type and the named fields. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> problem(WebTestClient.RequestHeadersSpec<?> request, int status, String... fields) {
        EntityExchangeResult<Map> r = request.exchange().expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult();
        Map<String, Object> p = r.getResponseBody();
        assertThat(p).as("problem body").isNotNull().containsEntry("status", status).containsKeys("type", "title", "errorCode", "detail");
        if (fields.length > 0) {
            assertThat((List<Map<String, Object>>) p.get("errors")).as("errors of %s", p)
                    .extracting(e -> e.get("field")).contains((Object[]) fields);
        }
        return p;
    }

    WebTestClient.RequestHeadersSpec<?> getReq(String token, String pathAndQuery) {
        // a pre-encoded URI: the test controls exactly which bytes (%00, %0A, ...) reach the server
        return http().get().uri(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + pathAndQuery))
                .headers(h -> h.setBearerAuth(token));
    }

    WebTestClient.RequestHeadersSpec<?> json(String method, String token, String path, String rawJson) {
        return http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(rawJson);
    }

    /** A compact RS256 JWS signed with the local issuer's key, header and claims exactly as given. */
    static String sign(Map<String, Object> header, Map<String, Object> claims) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(ENV.repoRoot().resolve(".stack/issuer/jwk.json")));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> h = new LinkedHashMap<>(header);
        h.putIfAbsent("alg", "RS256");
        h.putIfAbsent("kid", key.getKeyID());
        String input = b64.encodeToString(JSON.writeValueAsBytes(h)) + "." + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key.toRSAPrivateKey());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(s.sign());
    }

    /** Claims of a valid platform-admin token living 10 minutes; {@code change} edits them. */
    static Map<String, Object> claims(Consumer<Map<String, Object>> change) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "tenantry-local");
        c.put("aud", List.of("tenantry-api"));
        c.put("sub", "hardening-" + UUID.randomUUID());
        c.put("iat", now);
        c.put("exp", now + 600);
        c.put("roles", List.of("platform_admin"));
        change.accept(c);
        return c;
    }

    int status(String token) {
        return http().get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(token)).exchange()
                .returnResult(String.class).getStatus().value();
    }

    // ------------------------------------------------------------------ tokens

    @Test
    void tokenPolicyRefusesWhatRfc9068AndTheAuditColumnDoNotAllow() throws Exception {
        Map<String, Object> plain = Map.of("typ", "JWT");
        // the hand-made signer itself is sound: a well-formed token passes, also typed at+jwt (RFC 9068 §2.1)
        assertThat(status(sign(plain, claims(c -> { })))).isEqualTo(200);
        assertThat(status(sign(Map.of("typ", "at+jwt"), claims(c -> { })))).isEqualTo(200);
        assertThat(status(sign(Map.of("typ", "application/at+jwt"), claims(c -> { })))).isEqualTo(200);
        assertThat(status(sign(Map.of(), claims(c -> { })))).isEqualTo(200);

        assertThat(status(sign(Map.of("typ", "JOSE+JSON"), claims(c -> { })))).as("foreign typ").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.remove("exp"))))).as("no exp").isEqualTo(401);
        long now = Instant.now().getEpochSecond();
        assertThat(status(sign(plain, claims(c -> c.put("exp", now + 25 * 3600))))).as("25 h lifetime").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> {
            c.remove("iat");
            c.put("exp", now + 30L * 24 * 3600);
        })))).as("30 days, no iat").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> {
            c.put("iat", now + 30L * 24 * 3600);
            c.put("exp", now + 30L * 24 * 3600 + 60);
        })))).as("iat in the future, far exp").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("exp", now + 23 * 3600))))).as("23 h is within 24 h").isEqualTo(200);
        assertThat(status(sign(Map.of("typ", "JWT", "crit", List.of()), claims(c -> { })))).as("crit []").isEqualTo(401);
        assertThat(status(sign(Map.of("typ", "JWT", "crit", List.of("exp")), claims(c -> { })))).as("crit [exp]").isEqualTo(401);
        // issue 15: "iss" is compared as the string it is (no URL conversion): another issuer, a URL, none, a number
        assertThat(status(sign(plain, claims(c -> c.put("iss", "tenantry-other"))))).as("other iss").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("iss", "https://tenantry-local/"))))).as("URL iss").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.remove("iss"))))).as("no iss").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("iss", 7))))).as("numeric iss").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.remove("sub"))))).as("no sub").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("sub", "x".repeat(161)))))).as("sub of 161").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("sub", "x".repeat(5000)))))).as("sub of 5000").isEqualTo(401);
        assertThat(status(sign(plain, claims(c -> c.put("sub", "a\u0000b"))))).as("NUL in sub").isEqualTo(401);

        // non-canonical base64url: same signature bytes, non-zero unused trailing bits (RFC 4648 §3.5)
        String good = sign(plain, claims(c -> { }));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = good.charAt(good.length() - 1);
        int idx = alphabet.indexOf(last);
        assertThat(idx & 0b1111).as("a 256-byte signature leaves 4 unused bits").isZero();
        String bent = good.substring(0, good.length() - 1) + alphabet.charAt(idx | 1);
        assertThat(Base64.getUrlDecoder().decode(bent.substring(bent.lastIndexOf('.') + 1)))
                .isEqualTo(Base64.getUrlDecoder().decode(good.substring(good.lastIndexOf('.') + 1)));
        assertThat(status(good)).isEqualTo(200);
        assertThat(status(bent)).as("non-canonical signature").isEqualTo(401);
        assertThat(status(good + "=")).as("padded signature").isEqualTo(401);

        // the longest accepted sub can mutate, as platform admin and bound to a tenant (audit actor sub@uuid): no 500
        String longAdmin = sign(plain, claims(c -> c.put("sub", "s".repeat(160))));
        String t = (String) post(longAdmin, "/api/v1/tenants", Map.of("slug", slug("sub"), "name", "long sub", "plan", "FREE"), 201).get("id");
        String longOwner = sign(plain, claims(c -> {
            c.put("sub", "o".repeat(160));
            c.put("tenant_id", t);
            c.put("roles", List.of("owner"));
        }));
        post(longOwner, "/api/v1/tenants/" + t + "/devices", Map.of("plcId", "long-sub", "type", "opcua"), 201);
    }

    @Test
    void unauthenticatedAndForbiddenAnswersAreProblems() throws Exception {
        var none = http().get().uri("/api/v1/tenants").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(none).containsEntry("errorCode", "api:auth.unauthenticated").containsEntry("status", 401);

        String expired = issuer.mint("x", null, List.of("platform_admin"), Duration.ofMinutes(-5));
        var bad = http().get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(expired)).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, v -> assertThat(v).startsWith("Bearer error=\"invalid_token\""))
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(bad).containsEntry("errorCode", "api:auth.unauthenticated");
        problem(http().post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth("not-a-jwt"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}"), 401);

        // a token with a tenant but no known role: refused alike on every endpoint, before anything is listed
        String t = createTenant(slug("norole"), "FREE");
        String noRole = issuer.mint("nr", t, List.of("auditor"), Duration.ofMinutes(5));
        assertThat(problem(getReq(noRole, "/api/v1/tenants"), 403)).containsEntry("errorCode", "provisioning:role.none");
        assertThat(problem(getReq(noRole, "/api/v1/tenants/" + t), 403)).containsEntry("errorCode", "provisioning:role.none");
        assertThat(problem(getReq(noRole, "/api/v1/tenants/" + t + "/devices"), 403)).containsEntry("errorCode", "provisioning:role.none");
        String badTenant = issuer.mint("bt", "not-a-uuid", List.of("owner"), Duration.ofMinutes(5));
        assertThat(problem(getReq(badTenant, "/api/v1/tenants"), 403)).containsEntry("errorCode", "provisioning:role.none");
        // a viewer is still forbidden from changes with a problem body
        assertThat(problem(json("POST", token("viewer", t), "/api/v1/tenants/" + t + "/devices",
                "{\"plcId\":\"v-1\",\"type\":\"opcua\"}"), 403)).containsEntry("errorCode", "provisioning:role.forbidden");
    }

    // ------------------------------------------------------------------ bodies

    @Test
    void controlCharactersInStoredTextAre400NamingTheField() {
        String admin = adminToken();
        problem(json("POST", admin, "/api/v1/tenants",
                "{\"slug\":\"" + slug("nul") + "\",\"name\":\"a\\u0000b\",\"plan\":\"FREE\"}"), 400, "name");
        problem(json("POST", admin, "/api/v1/tenants",
                "{\"slug\":\"" + slug("nul") + "\",\"name\":\"ok\",\"plan\":\"FREE\\u0000\"}"), 400, "plan");
        problem(json("POST", admin, "/api/v1/tenants",
                "{\"slug\":\"ab\\u0000c\",\"name\":\"ok\",\"plan\":\"FREE\"}"), 400, "slug");
        problem(json("POST", admin, "/api/v1/tenants",
                "{\"slug\":\"" + slug("lf") + "\",\"name\":\"line\\r\\nforged\",\"plan\":\"FREE\"}"), 400, "name");
        problem(json("POST", admin, "/api/v1/tenants",
                "{\"slug\":\"" + slug("sur") + "\",\"name\":\"x\\ud800y\",\"plan\":\"FREE\"}"), 400, "name");
        String t = createTenant(slug("ctl"), "PRO");
        problem(json("PATCH", admin, "/api/v1/tenants/" + t, "{\"name\":\"n\\u0000\"}"), 400, "name");
        String owner = token("owner", t);
        String devices = "/api/v1/tenants/" + t + "/devices";
        problem(json("POST", owner, devices, "{\"plcId\":\"p-1\",\"type\":\"opcua\",\"tags\":{\"line\":\"l\\u0000\"}}"), 400, "tags.line");
        problem(json("POST", owner, devices, "{\"plcId\":\"p-1\",\"type\":\"opcua\",\"tags\":{\"line\":\"l\\n2\"}}"), 400, "tags.line");
        // a backslash cannot travel in an InfluxDB 1.x tag value (issue 7): refused here rather than dead-lettering every point
        problem(json("POST", owner, devices, "{\"plcId\":\"p-1\",\"type\":\"opcua\",\"tags\":{\"line\":\"l\\\\2\"}}"), 400, "tags.line");
        problem(json("POST", owner, devices, "{\"plcId\":\"p-1\",\"type\":\"opcua\",\"tags\":{\"li\\u0000ne\":\"x\"}}"), 400);
        problem(json("POST", owner, devices, "{\"plcId\":\"p\\u00001\",\"type\":\"opcua\"}"), 400, "plcId");
        String d = (String) createDevice(t, "p-1").get("id");
        problem(json("PATCH", owner, devices + "/" + d, "{\"firmwareVersion\":\"1.0\\u0000\"}"), 400, "firmwareVersion");
        problem(json("PATCH", owner, devices + "/" + d, "{\"firmwareVersion\":\"1.0\\u0085\"}"), 400, "firmwareVersion");
        problem(json("PATCH", owner, devices + "/" + d, "{\"tags\":{\"line\":\"\\u0000\"}}"), 400, "tags.line");
        // nothing was stored by the refusals; printable unicode is still fine
        Map<String, Object> ok = post(owner, devices, Map.of("plcId", "p-2", "type", "opcua", "tags", Map.of("line", "Linie Süd ✓")), 201);
        assertThat(ok.get("tags")).isEqualTo(Map.of("line", "Linie Süd ✓"));
        List<?> list = http().get().uri(devices).headers(h -> h.setBearerAuth(owner)).exchange().expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        assertThat(list).hasSize(2);
    }

    @Test
    void numbersAreNotCoercedIntoStringFields() {
        String admin = adminToken();
        problem(json("POST", admin, "/api/v1/tenants", "{\"slug\":12345,\"name\":\"n\",\"plan\":\"FREE\"}"), 400, "slug");
        problem(json("POST", admin, "/api/v1/tenants", "{\"slug\":\"" + slug("num") + "\",\"name\":1.5,\"plan\":\"FREE\"}"), 400, "name");
        problem(json("POST", admin, "/api/v1/tenants", "{\"slug\":\"" + slug("num") + "\",\"name\":true,\"plan\":\"FREE\"}"), 400, "name");
        String t = createTenant(slug("num"), "PRO");
        String owner = token("owner", t);
        String devices = "/api/v1/tenants/" + t + "/devices";
        problem(json("POST", owner, devices, "{\"plcId\":4711,\"type\":\"opcua\"}"), 400, "plcId");
        problem(json("POST", owner, devices, "{\"plcId\":\"n-1\",\"type\":\"opcua\",\"tags\":{\"line\":7}}"), 400, "tags.line");
        String d = (String) createDevice(t, "n-1").get("id");
        problem(json("PATCH", owner, devices + "/" + d, "{\"firmwareVersion\":3}"), 400, "firmwareVersion");
        problem(json("PATCH", owner, devices + "/" + d, "{\"active\":\"false\"}"), 400, "active");
        problem(json("PATCH", admin, "/api/v1/tenants/" + t, "{\"plan\":1}"), 400, "plan");
    }

    @Test
    void nonUtf8BodiesAre415() {
        String admin = adminToken();
        String body = "{\"slug\":\"" + slug("u16") + "\",\"name\":\"Ünïcödé\",\"plan\":\"FREE\"}";
        for (String charset : List.of("UTF-16", "utf-16le", "ISO-8859-1")) {
            Map<String, Object> p = problem(http().post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(admin))
                    .contentType(MediaType.parseMediaType("application/json;charset=" + charset))
                    .bodyValue(body.getBytes(java.nio.charset.Charset.forName(charset))), 415);
            assertThat(p).containsEntry("errorCode", "api:request.charset");
        }
        Map<String, Object> created = http().post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.parseMediaType("application/json;charset=UTF-8")).bodyValue(body.getBytes(StandardCharsets.UTF_8))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created).containsEntry("name", "Ünïcödé");
    }

    @Test
    void terminatedTenantCannotBePatched() {
        String admin = adminToken();
        String s = slug("term");
        String t = createTenant(s, "FREE");
        post(admin, "/api/v1/tenants/" + t + "/terminate", null, 200);
        assertThat(problem(json("PATCH", admin, "/api/v1/tenants/" + t, "{\"name\":\"again\"}"), 409))
                .containsEntry("errorCode", "provisioning:tenant.terminated");
        assertThat(problem(json("PATCH", admin, "/api/v1/tenants/" + t, "{\"plan\":\"PRO\"}"), 409))
                .containsEntry("errorCode", "provisioning:tenant.terminated");
        assertThat(get(admin, "/api/v1/tenants/" + t, 200)).containsEntry("name", "Tenant " + s)
                .containsEntry("plan", "FREE").containsEntry("status", "TERMINATED");
    }

    // ------------------------------------------------------------------ telemetry

    @Test
    @SuppressWarnings("unchecked")
    void telemetryParametersAre400NamingTheParameterAndRangesStayInsideInfluxDb() {
        String t = createTenant(slug("tq"), "PRO");
        String d = (String) createDevice(t, "q-1").get("id");
        InfluxV1Client influx = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(10));
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            points.add(new Point(TenantMeasurements.stored(UUID.fromString(t), "telemetry"), new TreeMap<>(Map.of("locatario_id", t, "plc_id", "q-1", "type", "modbus_tcp")),
                    Map.of("temp", 20.0 + i, "state", "on"), start.plusSeconds(i).toEpochMilli() * 1_000_000L));
        }
        new InfluxV1TimeSeriesWriter(influx).writePoints(SharedBuckets.RAW, points);
        String viewer = token("viewer", t);
        String base = "/api/v1/tenants/" + t + "/devices/" + d + "/telemetry";
        String window = "from=" + start + "&to=" + start.plusSeconds(60);

        Map<String, Object> ok = get(viewer, base + "?" + window, 200);
        assertThat((List<?>) ok.get("points")).hasSize(5);
        // ids are plain strings like everywhere else
        assertThat(ok.get("tenantId")).isEqualTo(t);
        assertThat(ok.get("deviceId")).isEqualTo(d);

        String[][] cases = {
                {"fields=time", "fields"},
                {"fields=temp,time", "fields"},
                {"fields=locatario_id", "fields"},
                {"fields=te%0Dmp", "fields"},
                {"fields=te%0Amp", "fields"},
                {"fields=te%00mp", "fields"},
                {"measurement=tele%0Ametry", "measurement"},
                {"measurement=tele%00metry", "measurement"},
                {"measurement=tele%0Dmetry", "measurement"},
                {"aggregate=mean&interval=999999w", "interval"},
                {"aggregate=mean&interval=522w", "interval"},
                {"aggregate=mean&interval=0s", "interval"},
                {"limit=abc", "limit"},
                {"limit=0", "limit"},
                {"format=xml", "format"},
        };
        for (String[] c : cases) {
            Map<String, Object> p = problem(getReq(viewer, base + "?" + window + "&" + c[0]), 400, c[1]);
            assertThat((String) p.get("errorCode")).as(c[0]).startsWith(c[1].equals("limit") && c[0].contains("abc")
                    ? "api:request" : "telemetry:query");
        }
        // times outside InfluxDB's int64 nanoseconds (1677-09-21 .. 2262-04-11)
        String[][] times = {
                {"from=" + start + "&to=%2B10000-01-01T00:00:00Z", "to"},
                {"from=1677-01-01T00:00:00Z&to=1677-09-22T00:00:00Z", "from"},
                {"from=1600-01-01T00:00:00Z", "from"},
                {"to=2262-04-12T00:00:00Z", "to"},
                {"from=-9999999999999999", "from"},
                {"to=9999999999999999", "to"},
        };
        for (String[] c : times) {
            problem(getReq(viewer, base + "?" + c[0]), 400, c[1]);
        }
        // the widest legal range returns exactly the stored points, and a range in 1677 returns none of 2026's
        Map<String, Object> wide = get(viewer, base + "?from=1677-09-22T00:00:00Z&to=2262-04-10T00:00:00Z", 200);
        assertThat((List<?>) wide.get("points")).hasSize(5);
        Map<String, Object> old = get(viewer, base + "?from=1677-09-22T00:00:00Z&to=1677-09-23T00:00:00Z", 200);
        assertThat((List<?>) old.get("points")).isEmpty();
        // a query InfluxDB itself refuses (mean over a string field) is a 400 naming the parameters, not a 500
        Map<String, Object> refused = problem(getReq(viewer, base + "?" + window + "&fields=state&aggregate=mean&interval=1m"), 400,
                "fields", "aggregate", "interval");
        assertThat(refused).containsEntry("errorCode", "telemetry:query.rejected");
        // the aggregate still works for the numeric field
        Map<String, Object> mean = get(viewer, base + "?" + window + "&fields=temp&aggregate=mean&interval=1m", 200);
        assertThat((List<Map<String, Object>>) mean.get("points")).hasSize(1);
    }

    // ------------------------------------------------------------------ surfaces

    @Test
    void actuatorIsOnTheLoopbackManagementPortNotOnTheApiPort() {
        String mgmt = environment.getProperty("local.management.port");
        String api = environment.getProperty("local.server.port");
        assertThat(mgmt).isNotNull().isNotEqualTo(api);
        assertThat(environment.getProperty("management.server.address")).isEqualTo("127.0.0.1");
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/health", "/actuator")) {
            http().get().uri(path).exchange().expectStatus().isNotFound();
        }
        // the API port keeps the bare probes (status only) for orchestrators and bin/tenantry
        http().get().uri("/readyz").exchange().expectStatus().isOk().expectBody(String.class)
                .value(s -> assertThat(s).contains("\"UP\"").doesNotContain("components"));
        http().get().uri("/livez").exchange().expectStatus().isOk();
        WebTestClient m = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + mgmt).build();
        m.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .value(s -> assertThat(s).contains("jvm_memory_used_bytes"));
        m.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }
}
