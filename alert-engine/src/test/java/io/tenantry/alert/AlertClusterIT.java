package io.tenantry.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.tenantry.alert.AlertFixtures.DSL_APP;
import static io.tenantry.alert.AlertFixtures.device;
import static io.tenantry.alert.AlertFixtures.point;
import static io.tenantry.alert.AlertFixtures.tenant;
import static io.tenantry.alert.AlertFixtures.token;
import static io.tenantry.db.jooq.Tables.ALERT_DELIVERIES;
import static io.tenantry.db.jooq.Tables.ALERT_EVENTS;
import static io.tenantry.db.jooq.Tables.ALERT_RULE_RUNS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine as separate processes (the packaged jar, {@code target/tenantry-alert-engine.jar}) against the real
 * stack (issue 12 Acceptance):
 * <ul>
 *   <li>an instance is killed with SIGKILL after it evaluated a transition (event and outbox row committed) and
 *       before it delivered it; after a restart the webhook receiver gets exactly one signed delivery per
 *       transition, and the restarted engine neither loses nor repeats the transition;</li>
 *   <li>two instances run side by side: every (rule, tick) is evaluated exactly once (alert_rule_runs counted).</li>
 * </ul>
 */
class AlertClusterIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    final List<Process> engines = new ArrayList<>();

    @AfterEach
    void stopEngines() {
        engines.forEach(Process::destroyForcibly);
    }

    /**
     * Starts the engine jar and waits until it is up; {@code deliveryInterval} "1h" keeps notifications pending (it
     * also switches off the delivery right after a dispatch pass, {@code DeliveryKick}). @return its port
     */
    int start(String deliveryInterval, String name) throws Exception {
        Engine e = launch(deliveryInterval, name);
        e.awaitUp();
        return e.port();
    }

    record Engine(Process process, int port, String name, Path log) {
        void awaitUp() {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("engine " + name + " exited: " + Files.readString(log));
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException ex) {
                    return false;
                }
            });
        }
    }

    /** Starts the engine jar without waiting. */
    Engine launch(String deliveryInterval, String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of("target/tenantry-alert-engine.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path log = Files.createTempFile("alert-engine-" + name, ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toString(),
                "--server.port=" + port, "--tenantry.auth.jwk-set-uri=", "--tenantry.auth.local-issuer.enabled=true",
                "--tenantry.auth.local-issuer.key-file=" + AlertFixtures.KEY_FILE,
                "--tenantry.alerts.dispatch-interval=1s", "--tenantry.alerts.delivery-interval=" + deliveryInterval,
                "--tenantry.alerts.deliver-after-dispatch=" + !"1h".equals(deliveryInterval),
                "--tenantry.alerts.instance-name=" + name)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(AlertFixtures.ENV.asProperties());
        Process p = pb.start();
        engines.add(p);
        return new Engine(p, port, name, log);
    }

    static JsonNode post(int port, String path, String token, Object body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static ScheduledExecutorService feed(UUID tenant, String plc, AtomicReference<Double> value) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        s.scheduleAtFixedRate(() -> point(tenant, plc, Instant.now(), "pressure", value.get()), 0, 250, TimeUnit.MILLISECONDS);
        return s;
    }

    static int events(UUID rule, String kind) {
        return DSL_APP.fetchCount(ALERT_EVENTS, ALERT_EVENTS.RULE_ID.eq(rule).and(ALERT_EVENTS.KIND.eq(kind)));
    }

    @Test
    void aSigkillBetweenEvaluationAndDeliveryStillDeliversExactlyOncePerTransition_andTwoInstancesEvaluateEachTickOnce() throws Exception {
        UUID t = tenant("PRO");
        device(t, "valve-1");
        String owner = token(t, "owner");
        AtomicReference<Double> v = new AtomicReference<>(1.0);
        ScheduledExecutorService f = feed(t, "valve-1", v);
        try (AlertFixtures.Receiver receiver = new AlertFixtures.Receiver()) {
            // engine A: evaluates, but its delivery job would only run in an hour
            int a = start("1h", "engine-a");
            JsonNode hook = post(a, "/api/v1/tenants/" + t + "/alert-channels", owner, Map.of("name", "hook", "kind", "webhook", "url", receiver.url()));
            String secret = hook.get("secret").asString();
            JsonNode rule = post(a, "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of("name", "high pressure", "kind", "threshold",
                    "every", "1s", "spec", Map.of("field", "pressure", "aggregate", "max", "window", "2s", "op", "above", "value", 5),
                    "channels", List.of(hook.get("id").asString())));
            UUID ruleId = UUID.fromString(rule.get("id").asString());
            List<JsonNode> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // more rules for the tick count below
                others.add(post(a, "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of("name", "n" + i, "kind", "no_data",
                        "every", "1s", "spec", Map.of("after", "1m"))));
            }
            v.set(9.0);
            await().atMost(Duration.ofSeconds(30)).until(() -> events(ruleId, "fired") == 1
                    && DSL_APP.fetchCount(ALERT_DELIVERIES, ALERT_DELIVERIES.CHANNEL_ID.eq(UUID.fromString(hook.get("id").asString()))) == 1);
            engines.get(0).destroyForcibly().waitFor(); // SIGKILL: evaluated and committed, not delivered
            assertThat(receiver.requests).isEmpty();

            // two instances take over
            Engine eb = launch("1s", "engine-b");
            Engine ec = launch("1s", "engine-c");
            eb.awaitUp();
            ec.awaitUp();
            int b = eb.port();
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.signed(secret).size() >= 1);
            v.set(1.0);
            await().atMost(Duration.ofSeconds(30)).until(() -> events(ruleId, "resolved") == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.signed(secret).size() >= 2);
            Instant bothUp = Instant.now();
            Thread.sleep(8000); // both instances keep evaluating
            assertThat(events(ruleId, "fired")).isEqualTo(1);
            assertThat(events(ruleId, "resolved")).isEqualTo(1);
            Set<String> keys = new HashSet<>();
            List<String> kinds = new ArrayList<>();
            for (AlertFixtures.Receiver.Request r : receiver.signed(secret)) {
                if (keys.add(r.header("Idempotency-Key"))) {
                    kinds.add(JSON.readTree(r.body()).get("kind").asString());
                }
            }
            assertThat(kinds).containsExactly("fired", "resolved");
            assertThat(receiver.requests).hasSize(receiver.signed(secret).size()); // every request signed

            // each (rule, tick) evaluated once across instances
            List<UUID> ids = new ArrayList<>(List.of(ruleId));
            others.forEach(o -> ids.add(UUID.fromString(o.get("id").asString())));
            var runs = DSL_APP.select(ALERT_RULE_RUNS.RULE_ID, ALERT_RULE_RUNS.TICK, ALERT_RULE_RUNS.INSTANCE).from(ALERT_RULE_RUNS)
                    .where(ALERT_RULE_RUNS.RULE_ID.in(ids)).and(ALERT_RULE_RUNS.STARTED_AT.ge(bothUp.atOffset(java.time.ZoneOffset.UTC)))
                    .fetch();
            Set<String> distinct = new HashSet<>();
            runs.forEach(r -> distinct.add(r.value1() + "/" + r.value2()));
            assertThat(runs.size()).isGreaterThanOrEqualTo(4 * 5);
            assertThat(distinct).hasSize(runs.size());
            System.out.printf("two instances: %d evaluations of %d rules in 8 s, by %s%n", runs.size(), ids.size(),
                    runs.stream().map(r -> r.value3()).distinct().sorted().toList());
            assertThat(b).isPositive();
        } finally {
            f.shutdownNow();
        }
    }
}
