package io.tenantry.tools.dayone;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.edge.EdgeAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 end to end, on the platform as an operator runs it: {@code bin/tenantry start} (the packaged provisioning
 * API and ingest on the private stack, with the TENANTRY_* ports of the environment), then
 * <ul>
 *   <li>docs/onboarding.md followed as written: every {@code ```bash} block, in order, in one shell;</li>
 *   <li>the edge agent replays a CSV with non-numeric cells and one row ingest must refuse: the good values are
 *       stored with their numeric type, the bad cells are reported, the refused element shows up in the tenant's
 *       rejection API, on the device resource and as a notice on the device's own topic; another tenant's
 *       rejections answer 404;</li>
 *   <li>a CSV whose rows all fail (no timestamp column) exits non-zero with a clear message.</li>
 * </ul>
 * Services this class started are stopped afterwards; services already running are left running.
 */
class DayOneIT {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    static Path root;
    static String api;
    static boolean startedHere;
    static LocalIssuer issuer;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        root = repoRoot();
        Path state = Path.of(System.getenv().getOrDefault("TENANTRY_STATE_DIR", root.resolve(".stack").toString()));
        startedHere = !alive(state.resolve("run/provisioning-api.pid"));
        Result r = run(root, Duration.ofMinutes(15), Map.of(), "bin/tenantry", "start");
        assertThat(r.code()).as("bin/tenantry start:\n%s", r.output()).isZero();
        api = "http://127.0.0.1:" + System.getenv().getOrDefault("TENANTRY_API_PORT", "18080");
        issuer = LocalIssuer.loadOrCreate(state.resolve("issuer/jwk.json"), "tenantry-local", "tenantry-api");
    }

    @AfterAll
    static void stop() throws Exception {
        if (startedHere && root != null) {
            run(root, Duration.ofMinutes(2), Map.of(), "bin/tenantry", "stop");
            dropIngestSession();
        }
    }

    /**
     * The stopped ingest service leaves its persistent session with the shared subscription {@code $share/ingest/...}
     * in the running broker, which would keep taking its share of every later device message (ingest ITs on the same
     * stack would miss them). A clean start with session expiry 0 under its client id ends that session.
     */
    static void dropIngestSession() throws Exception {
        Path state = Path.of(System.getenv().getOrDefault("TENANTRY_STATE_DIR", root.resolve(".stack").toString()));
        java.util.Properties env = new java.util.Properties();
        try (var r = Files.newBufferedReader(state.resolve("stack.env"))) {
            env.load(r);
        }
        String clientId = System.getenv().getOrDefault("TENANTRY_INGEST_CLIENT_ID", "ingest-1");
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(env.getProperty("TENANTRY_MQTT_URL"), clientId,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        o.setUserName(env.getProperty("TENANTRY_INGEST_MQTT_USER"));
        o.setPassword(env.getProperty("TENANTRY_INGEST_MQTT_PASSWORD").getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        client.connect(o);
        client.disconnect();
        client.close();
    }

    @Test
    void onboardingGuideWorksAsWritten() throws Exception {
        String doc = Files.readString(root.resolve("docs/onboarding.md"));
        Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        int blocks = 0;
        while (m.find()) {
            script.append("echo '### block ").append(++blocks).append("'\n").append(m.group(1)).append('\n');
        }
        assertThat(blocks).as("bash blocks in docs/onboarding.md").isGreaterThanOrEqualTo(7);
        Result r = run(root, Duration.ofMinutes(10), Map.of(), "bash", "-c", script.toString());
        assertThat(r.code()).as("docs/onboarding.md as a script:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("\"temperature\": 21.5").contains("\"wrong_type\"").contains("\"messages24h\": 1");
    }

    @Test
    void badCellsAreSkippedRejectionsAreVisibleAndNotifiedAndTenantScoped() throws Exception {
        String admin = issuer.mint("dayone-admin", null, List.of("platform_admin"), Duration.ofMinutes(20));
        String slugA = "dayone-" + UUID.randomUUID().toString().substring(0, 8);
        String a = post(admin, "/api/v1/tenants", Map.of("slug", slugA, "name", "Day one A", "plan", "PRO")).path("id").asString();
        String b = post(admin, "/api/v1/tenants", Map.of("slug", "dayone-" + UUID.randomUUID().toString().substring(0, 8),
                "name", "Day one B", "plan", "PRO")).path("id").asString();
        String ownerA = issuer.mint("dayone-owner-a", a, List.of("owner"), Duration.ofMinutes(20));
        String ownerB = issuer.mint("dayone-owner-b", b, List.of("owner"), Duration.ofMinutes(20));
        String device = post(ownerA, "/api/v1/tenants/" + a + "/devices",
                Map.of("plcId", "line-01", "type", "generic")).path("id").asString();
        JsonNode cred = post(ownerA, "/api/v1/tenants/" + a + "/devices/" + device + "/credentials", null);

        Path dir = Files.createTempDirectory("dayone");
        Path ca = Files.writeString(dir.resolve("ca.crt"), cred.path("caCertificate").asString());
        Instant t0 = Instant.now().minus(3, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Path csv = Files.writeString(dir.resolve("bad-cells.csv"), "ts,temp,pressure\n"
                + t0 + ",21.5,7\n"
                + t0.plusSeconds(60) + ",n/a,8\n"
                + t0.plusSeconds(120) + ",22.5,hot\n"
                + "2001-01-01T00:00:00Z,1,1\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EdgeAgent.execute(new String[]{"-b", cred.path("brokerUrl").asString(), "--ca-file", ca.toString(),
                        "-u", cred.path("username").asString(), "-t", cred.path("topic").asString(), "--csv", csv.toString(),
                        "--speed", "max", "--notice-wait", "4"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("EDGE_PASSWORD", cred.path("password").asString()));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as("edge agent\n%s\n%s", stdout, stderr).isZero();
        JsonNode summary = JSON.readTree(stdout.lines().reduce((x, y) -> y).orElseThrow());
        assertThat(summary.path("rows_published").asLong()).isEqualTo(4);
        assertThat(summary.path("non_numeric_cells").path("temp").asLong()).isEqualTo(1);
        assertThat(summary.path("non_numeric_cells").path("pressure").asLong()).isEqualTo(1);
        assertThat(summary.path("rejection_notices").asLong()).as("notice on %s/cmd/rejections\n%s", cred.path("topic").asString(), stderr)
                .isEqualTo(1);
        assertThat(stderr).contains("column 'temp': 'n/a' is not a number (cell skipped)")
                .contains("ingest refused data: {\"type\":\"rejection\",\"reason\":\"expired_timestamp\"");

        // the good values are stored, numeric
        String telemetry = "/api/v1/tenants/" + a + "/devices/" + device + "/telemetry?from=" + t0.minusSeconds(1) + "&to=" + Instant.now();
        JsonNode points = poll(() -> get(ownerA, telemetry, 200).path("points"), p -> p.size() == 3);
        assertThat(points.get(0).path("fields").path("temp").asDouble()).isEqualTo(21.5);
        assertThat(points.get(1).path("fields").has("temp")).isFalse();
        assertThat(points.get(1).path("fields").path("pressure").asDouble()).isEqualTo(8.0);
        assertThat(points.get(2).path("fields").path("temp").isNumber()).isTrue();
        assertThat(points.get(2).path("fields").has("pressure")).isFalse();

        // the latest value per field, each with its own time (the newest row has no pressure)
        JsonNode latest = get(ownerA, "/api/v1/tenants/" + a + "/devices/" + device + "/telemetry/latest", 200);
        assertThat(latest.path("fields").path("temp").path("value").asDouble()).isEqualTo(22.5);
        assertThat(Instant.parse(latest.path("fields").path("temp").path("time").asString())).isEqualTo(t0.plusSeconds(120));
        assertThat(latest.path("fields").path("pressure").path("value").asDouble()).isEqualTo(8.0);
        assertThat(Instant.parse(latest.path("fields").path("pressure").path("time").asString())).isEqualTo(t0.plusSeconds(60));
        assertThat(Instant.parse(latest.path("lastTime").asString())).isEqualTo(t0.plusSeconds(120));
        get(ownerB, "/api/v1/tenants/" + a + "/devices/" + device + "/telemetry/latest", 404);

        // the refused element, in the tenant's rejection API and on the device
        JsonNode page = get(ownerA, "/api/v1/tenants/" + a + "/rejections?device=" + device, 200);
        assertThat(page.path("total").asLong()).isEqualTo(1);
        assertThat(page.path("byReason").path("expired_timestamp").path("count").asLong()).isEqualTo(1);
        JsonNode item = page.path("items").get(0);
        assertThat(item.path("reason").asString()).isEqualTo("expired_timestamp");
        assertThat(item.path("plcId").asString()).isEqualTo("line-01");
        assertThat(item.path("detail").asString()).isNotBlank();
        assertThat(item.path("payloadSample").asString()).contains("2001-01-01");
        assertThat(get(ownerA, "/api/v1/tenants/" + a + "/rejections?reason=wrong_type", 200).path("total").asLong()).isZero();
        JsonNode bad = get(ownerA, "/api/v1/tenants/" + a + "/rejections?reason=nope&from=yesterday", 400);
        assertThat(bad.toString()).contains("reason").contains("from");
        JsonNode deviceView = get(ownerA, "/api/v1/tenants/" + a + "/devices/" + device, 200);
        assertThat(deviceView.path("rejections").path("messages24h").asLong()).isEqualTo(1);
        assertThat(deviceView.path("rejections").path("lastReason").asString()).isEqualTo("expired_timestamp");
        // device status: the newest stored point and the field values of the last 24 h (2 temp + 2 pressure)
        assertThat(Instant.parse(deviceView.path("activity").path("lastPointAt").asString())).isEqualTo(t0.plusSeconds(120));
        assertThat(deviceView.path("activity").path("fieldValues24h").asLong()).isEqualTo(4);
        String viewerA = issuer.mint("dayone-viewer-a", a, List.of("viewer"), Duration.ofMinutes(5));
        assertThat(get(viewerA, "/api/v1/tenants/" + a + "/rejections", 200).path("total").asLong()).isEqualTo(1);

        // another tenant: 404, whichever way it asks
        get(ownerB, "/api/v1/tenants/" + a + "/rejections", 404);
        get(ownerB, "/api/v1/tenants/" + a + "/rejections?device=" + device, 404);
        get(ownerB, "/api/v1/tenants/" + b + "/rejections?device=" + device, 404);
        assertThat(get(ownerB, "/api/v1/tenants/" + b + "/rejections", 200).path("total").asLong()).isZero();
    }

    @Test
    void aCsvWhoseRowsAllFailIsAnErrorNotOk() throws Exception {
        String admin = issuer.mint("dayone-admin", null, List.of("platform_admin"), Duration.ofMinutes(5));
        String t = post(admin, "/api/v1/tenants", Map.of("slug", "dayone-" + UUID.randomUUID().toString().substring(0, 8),
                "name", "Day one C", "plan", "FREE")).path("id").asString();
        String owner = issuer.mint("dayone-owner-c", t, List.of("owner"), Duration.ofMinutes(5));
        String device = post(owner, "/api/v1/tenants/" + t + "/devices", Map.of("plcId", "meter-01", "type", "generic")).path("id").asString();
        JsonNode cred = post(owner, "/api/v1/tenants/" + t + "/devices/" + device + "/credentials", null);
        Path dir = Files.createTempDirectory("dayone");
        Path ca = Files.writeString(dir.resolve("ca.crt"), cred.path("caCertificate").asString());
        Path csv = Files.writeString(dir.resolve("no-timestamp.csv"), "value,flow\n1.5,2\n2.5,3\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EdgeAgent.execute(new String[]{"-b", cred.path("brokerUrl").asString(), "--ca-file", ca.toString(),
                        "-u", cred.path("username").asString(), "-t", cred.path("topic").asString(), "--csv", csv.toString(),
                        "--speed", "max"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("EDGE_PASSWORD", cred.path("password").asString()));
        assertThat(code).isEqualTo(EdgeAgent.EXIT_NOTHING_SENT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no row of " + csv + " was sent: all 2 rows were skipped")
                .contains("--timestamp-column");
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("NOTHING SENT ");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static JsonNode post(String token, String path, Object body) throws Exception {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        rb = body == null ? rb.POST(HttpRequest.BodyPublishers.noBody())
                : rb.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = HTTP.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static JsonNode get(String token, String path, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T poll(Call<T> call, Predicate<T> done) throws Exception {
        T last = null;
        for (int i = 0; i < 60; i++) {
            last = call.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        assertThat(done.test(last)).as("still not there after 30 s: %s", last).isTrue();
        return last;
    }

    record Result(int code, String output) {
    }

    static Result run(Path dir, Duration timeout, Map<String, String> env, String... cmd) throws Exception {
        Path log = Files.createTempFile("dayone", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(new HashMap<>(env));
        Process p = pb.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        return new Result(done ? p.exitValue() : -1, output);
    }

    static boolean alive(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (Exception e) {
            return false;
        }
    }

    static Path repoRoot() {
        for (Path c = Path.of(System.getProperty("user.dir")).toAbsolutePath(); c != null; c = c.getParent()) {
            if (Files.isExecutable(c.resolve("bin/tenantry"))) {
                return c;
            }
        }
        throw new IllegalStateException("no bin/tenantry above " + System.getProperty("user.dir"));
    }
}
