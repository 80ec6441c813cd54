package io.tenantry.alert;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.tenantry.alert.AlertFixtures.device;
import static io.tenantry.alert.AlertFixtures.point;
import static io.tenantry.alert.AlertFixtures.tenant;
import static io.tenantry.alert.AlertFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alert engine through HTTP against the real stack (issue 12 Acceptance): a threshold rule fires exactly once
 * when a device stays above it longer than {@code for} and resolves once; no-data fires when a device stops; an
 * e-mail reaches a real SMTP server (GreenMail); a webhook delivery is signed; another tenant's rules, events and
 * channels answer 404; a viewer cannot write; the plan's limit on active rules is refused naming the limit. The
 * engine runs in-process with 1-second schedules.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AlertEngineIT {
    static final GreenMail SMTP = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        SMTP.start();
    }

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        AlertFixtures.engineProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @AfterAll
    static void stopSmtp() {
        SMTP.stop();
    }

    @Autowired
    Environment environment;

    WebTestClient http() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + environment.getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    JsonNode call(String method, String path, String token, Object body, int status) {
        var spec = http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path).header("Authorization", "Bearer " + token);
        var resp = (body == null ? spec : spec.contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsString(body)))
                .exchange().expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
        return resp == null || resp.isEmpty() ? null : JSON.readTree(resp);
    }

    /** Writes {@code value.get()} for the device every 250 ms until stopped. */
    static ScheduledExecutorService feed(UUID tenant, String plc, String field, AtomicReference<Double> value) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        s.scheduleAtFixedRate(() -> {
            Double v = value.get();
            if (v != null) {
                point(tenant, plc, Instant.now(), field, v);
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        return s;
    }

    List<JsonNode> events(UUID tenant, String owner, UUID rule) {
        JsonNode list = call("GET", "/api/v1/tenants/" + tenant + "/alert-events?ruleId=" + rule, owner, null, 200);
        return list.valueStream().toList();
    }

    @Test
    void thresholdFiresOnceAfterForAndResolvesOnceWithHysteresis_andMailsTheTransitions() throws Exception {
        UUID t = tenant("PRO");
        device(t, "pump-1");
        device(t, "pump-2"); // never breaches
        String owner = token(t, "owner");
        JsonNode mail = call("POST", "/api/v1/tenants/" + t + "/alert-channels", owner,
                Map.of("name", "ops mail", "kind", "email", "email", "ops@example.org"), 201);
        AtomicReference<Double> v1 = new AtomicReference<>(50.0);
        AtomicReference<Double> v2 = new AtomicReference<>(50.0);
        ScheduledExecutorService f1 = feed(t, "pump-1", "temperature", v1);
        ScheduledExecutorService f2 = feed(t, "pump-2", "temperature", v2);
        try {
            JsonNode rule = call("POST", "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of(
                    "name", "hot pump", "kind", "threshold", "severity", "critical", "every", "1s",
                    "spec", Map.of("field", "temperature", "aggregate", "mean", "window", "2s", "op", "above",
                            "value", 80, "clear", 70, "for", "3s"),
                    "labels", Map.of("team", "ops"),
                    "description", "{{device}} temperature {{value}} > {{threshold}}",
                    "channels", List.of(mail.get("id").asString())), 201);
            UUID ruleId = UUID.fromString(rule.get("id").asString());
            assertThat(rule.get("spec").get("clear").asDouble()).isEqualTo(70.0);

            // a short spike (shorter than for) does not fire
            Thread.sleep(2500);
            v1.set(95.0);
            Thread.sleep(1500);
            v1.set(50.0);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> events(t, owner, ruleId).isEmpty());

            // the dry run sees the breach without writing anything
            v1.set(95.0);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode dry = call("POST", "/api/v1/tenants/" + t + "/alert-rules/" + ruleId + "/evaluate", owner, Map.of(), 200);
                return dry.get("devices").valueStream().anyMatch(d -> d.get("device").asString().equals("pump-1") && d.get("breach").asBoolean());
            });
            // held above: fires exactly once, for pump-1 only
            await().atMost(Duration.ofSeconds(20)).until(() -> events(t, owner, ruleId).size() == 1);
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> events(t, owner, ruleId).size() == 1);
            JsonNode fired = events(t, owner, ruleId).get(0);
            assertThat(fired.get("kind").asString()).isEqualTo("fired");
            assertThat(fired.get("device").asString()).isEqualTo("pump-1");
            assertThat(fired.get("message").asString()).isEqualTo("pump-1 temperature 95 > 80");
            assertThat(fired.get("severity").asString()).isEqualTo("critical");

            // between clear (70) and value (80): hysteresis keeps it firing
            v1.set(75.0);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> events(t, owner, ruleId).size() == 1);
            // below clear: resolves once
            v1.set(60.0);
            await().atMost(Duration.ofSeconds(15)).until(() -> events(t, owner, ruleId).size() == 2);
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> events(t, owner, ruleId).size() == 2);
            assertThat(events(t, owner, ruleId).get(0).get("kind").asString()).isEqualTo("resolved");

            // acknowledge
            JsonNode ack = call("POST", "/api/v1/tenants/" + t + "/alert-events/" + fired.get("id").asLong() + "/acknowledge", owner, null, 200);
            assertThat(ack.get("acknowledgedBy").asString()).isEqualTo("it-owner");

            // both transitions reached the SMTP server
            await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.getReceivedMessages().length >= 2);
            MimeMessage[] got = SMTP.getReceivedMessages();
            assertThat(got).hasSize(2);
            assertThat(got[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.org");
            assertThat(List.of(got[0].getSubject(), got[1].getSubject()))
                    .containsExactlyInAnyOrder("[critical] fired: hot pump on pump-1", "[critical] resolved: hot pump on pump-1");
            JsonNode deliveries = call("GET", "/api/v1/tenants/" + t + "/alert-events/" + fired.get("id").asLong() + "/deliveries", owner, null, 200);
            assertThat(deliveries.get(0).get("status").asString()).isEqualTo("delivered");
        } finally {
            f1.shutdownNow();
            f2.shutdownNow();
        }
    }

    @Test
    void noDataFiresWhenADeviceStops_andTheWebhookIsSigned() throws Exception {
        UUID t = tenant("PRO");
        device(t, "meter-1");
        String owner = token(t, "owner");
        try (AlertFixtures.Receiver receiver = new AlertFixtures.Receiver()) {
            JsonNode hook = call("POST", "/api/v1/tenants/" + t + "/alert-channels", owner,
                    Map.of("name", "ops hook", "kind", "webhook", "url", receiver.url()), 201);
            String secret = hook.get("secret").asString();
            assertThat(secret).startsWith("whsec_");
            // shown once: not in the channel list
            assertThat(call("GET", "/api/v1/tenants/" + t + "/alert-channels", owner, null, 200).get(0).has("secret")).isFalse();
            AtomicReference<Double> v = new AtomicReference<>(1.0);
            ScheduledExecutorService f = feed(t, "meter-1", "power", v);
            try {
                Thread.sleep(2000); // the device has been sending for a while before the rule exists
                JsonNode rule = call("POST", "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of(
                        "name", "meter offline", "kind", "no_data", "every", "1s", "spec", Map.of("after", "3s"),
                        "channels", List.of(hook.get("id").asString())), 201);
                UUID ruleId = UUID.fromString(rule.get("id").asString());
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> events(t, owner, ruleId).isEmpty());
                v.set(null); // the device stops
                await().atMost(Duration.ofSeconds(15)).until(() -> events(t, owner, ruleId).size() == 1);
                assertThat(events(t, owner, ruleId).get(0).get("kind").asString()).isEqualTo("fired");
                assertThat(events(t, owner, ruleId).get(0).get("message").asString()).isEqualTo("meter offline: meter-1 sent nothing for 3 s (FIRING)");
                await().atMost(Duration.ofSeconds(15)).until(() -> receiver.signed(secret).size() == 1);
                AlertFixtures.Receiver.Request r = receiver.signed(secret).get(0);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.get("kind").asString()).isEqualTo("fired");
                assertThat(body.get("device").asString()).isEqualTo("meter-1");
                assertThat(r.header("Idempotency-Key")).isNotBlank();
                assertThat(Math.abs(Long.parseLong(r.header("X-Tenantry-Timestamp")) - Instant.now().getEpochSecond())).isLessThan(60);
                // a wrong secret does not verify
                assertThat(receiver.signed("whsec_wrong")).isEmpty();
                v.set(2.0); // back online: resolves
                await().atMost(Duration.ofSeconds(15)).until(() -> events(t, owner, ruleId).size() == 2);
                await().atMost(Duration.ofSeconds(15)).until(() -> receiver.signed(secret).size() == 2);
            } finally {
                f.shutdownNow();
            }
        }
    }

    @Test
    void anotherTenantsRulesEventsAndChannelsAre404_aViewerReadsButCannotWrite_badInputIsNamed() {
        UUID a = tenant("PRO");
        UUID b = tenant("PRO");
        device(a, "dev-a");
        String ownerA = token(a, "owner");
        String ownerB = token(b, "owner");
        String viewerA = token(a, "viewer");
        JsonNode ch = call("POST", "/api/v1/tenants/" + a + "/alert-channels", ownerA,
                Map.of("name", "x", "kind", "webhook", "url", "http://127.0.0.1:9/x"), 201);
        JsonNode rule = call("POST", "/api/v1/tenants/" + a + "/alert-rules", ownerA, Map.of("name", "r", "kind", "no_data",
                "enabled", false, "spec", Map.of("after", "1m")), 201);
        String r = rule.get("id").asString();
        // B with its own token on A's paths, and A's ids under B's tenant: 404 everywhere
        for (String path : List.of("/api/v1/tenants/" + a + "/alert-rules", "/api/v1/tenants/" + a + "/alert-rules/" + r,
                "/api/v1/tenants/" + a + "/alert-events", "/api/v1/tenants/" + a + "/alert-channels",
                "/api/v1/tenants/" + b + "/alert-rules/" + r, "/api/v1/tenants/" + b + "/alert-channels/" + ch.get("id").asString())) {
            call("GET", path, ownerB, null, 404);
        }
        call("POST", "/api/v1/tenants/" + b + "/alert-rules/" + r + "/evaluate", ownerB, Map.of(), 404);
        call("POST", "/api/v1/tenants/" + b + "/alert-rules/" + r + "/enable", ownerB, null, 404);
        call("DELETE", "/api/v1/tenants/" + b + "/alert-rules/" + r, ownerB, null, 404);
        call("DELETE", "/api/v1/tenants/" + b + "/alert-channels/" + ch.get("id").asString(), ownerB, null, 404);
        // B cannot point its rule at A's channel
        JsonNode bad = call("POST", "/api/v1/tenants/" + b + "/alert-rules", ownerB, Map.of("name", "r", "kind", "no_data",
                "spec", Map.of("after", "1m"), "channels", List.of(ch.get("id").asString())), 400);
        assertThat(bad.toString()).contains("channels[0]");
        // the rule is still A's and unchanged
        assertThat(call("GET", "/api/v1/tenants/" + a + "/alert-rules/" + r, viewerA, null, 200).get("enabled").asBoolean()).isFalse();
        // viewer reads, cannot write
        call("GET", "/api/v1/tenants/" + a + "/alert-rules", viewerA, null, 200);
        call("POST", "/api/v1/tenants/" + a + "/alert-rules/" + r + "/enable", viewerA, null, 403);
        call("POST", "/api/v1/tenants/" + a + "/alert-rules", viewerA, Map.of("name", "r", "kind", "no_data", "spec", Map.of()), 403);
        // bad input: every bad key named
        JsonNode problem = call("POST", "/api/v1/tenants/" + a + "/alert-rules", ownerA, Map.of("name", "", "kind", "threshold",
                "every", "0s", "spec", Map.of("field", "locatario_id", "op", "sideways", "window", "10x")), 400);
        assertThat(problem.get("errorCode").asString()).isEqualTo("alerts:rule.invalid");
        assertThat(problem.toString()).contains("\"name\"").contains("\"every\"").contains("spec.field").contains("spec.op").contains("spec.window");
    }

    @Test
    void thePlansLimitOnActiveRulesIsRefusedNamingIt() {
        UUID t = tenant("FREE"); // max_active_alerts = 5
        String owner = token(t, "owner");
        for (int i = 0; i < 5; i++) {
            call("POST", "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of("name", "r" + i, "kind", "no_data", "spec", Map.of("after", "1h")), 201);
        }
        JsonNode p = call("POST", "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of("name", "r5", "kind", "no_data", "spec", Map.of("after", "1h")), 409);
        assertThat(p.get("errorCode").asString()).isEqualTo("alerts:rule.limit");
        assertThat(p.get("detail").asString()).contains("FREE").contains("5").contains("max_active_alerts");
        // a disabled rule does not count; enabling it is refused the same way
        JsonNode off = call("POST", "/api/v1/tenants/" + t + "/alert-rules", owner, Map.of("name", "off", "kind", "no_data",
                "enabled", false, "spec", Map.of("after", "1h")), 201);
        call("POST", "/api/v1/tenants/" + t + "/alert-rules/" + off.get("id").asString() + "/enable", owner, null, 409);
        String first = call("GET", "/api/v1/tenants/" + t + "/alert-rules", owner, null, 200).get(0).get("id").asString();
        call("POST", "/api/v1/tenants/" + t + "/alert-rules/" + first + "/disable", owner, null, 200);
        call("POST", "/api/v1/tenants/" + t + "/alert-rules/" + off.get("id").asString() + "/enable", owner, null, 200);
    }
}
