package io.tenantry.quota;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.quota.LatencyHistogram;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.db.Schema;
import io.tenantry.quota.usage.UpgradeRecommendations;
import io.tenantry.quota.usage.UsageRollup;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's usage and billing path in quota-service against the real stack: ingest's per-process counters
 * ({@code ingest_usage}, as two ingest instances write them) → the roll-up → usage_minute / usage_day /
 * platform_metrics → the usage endpoint (JSON and CSV, with its access rules tried as an attacker would), the
 * billing CSV and MRR, and the upgrade recommendation (90 % × 3 days → exactly one). That ingest's counters equal
 * what InfluxDB holds is QuotaEnforcementIT's (ingest module); here totals must equal the counters exactly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageBillingIT {
    static final StackEnv ENV = LocalStack.ensureUp();
    static Path keyFile;

    @LocalServerPort
    int port;
    @Autowired
    UsageRollup rollup;
    @Autowired
    UpgradeRecommendations recommendations;
    @Autowired
    Scheduler scheduler;
    @Autowired
    io.tenantry.quota.usage.BrokerHardCap hardCap;

    private Connection owner;
    private DSLContext dsl;
    private LocalIssuer issuer;
    private WebTestClient http;
    private final List<UUID> tenants = new ArrayList<>();

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) throws Exception {
        Schema.migrate(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword(), ENV.pgAppUser());
        InfluxV1BucketAdmin buckets = new InfluxV1BucketAdmin(new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(),
                ENV.influxAdminPassword(), Duration.ofSeconds(10)));
        PlatformBootstrap.ensureBuckets(buckets);
        PlatformBootstrap.ensureInfluxUsers(buckets,
                new PlatformBootstrap.Credential(ENV.ingestInfluxUser(), ENV.ingestInfluxPassword()),
                new PlatformBootstrap.Credential(ENV.jobsInfluxUser(), ENV.jobsInfluxPassword()),
                new PlatformBootstrap.Credential(ENV.apiInfluxUser(), ENV.apiInfluxPassword()));
        keyFile = Files.createTempDirectory("quota-it-issuer").resolve("jwk.json");
        ENV.asProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("tenantry.auth.jwk-set-uri", () -> "");
        registry.add("tenantry.auth.local-issuer.enabled", () -> "true");
        registry.add("tenantry.auth.local-issuer.key-file", () -> keyFile.toString());
    }

    @BeforeAll
    void setUp() throws Exception {
        owner = DriverManager.getConnection(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword());
        dsl = DSL.using(owner, SQLDialect.POSTGRES);
        issuer = LocalIssuer.loadOrCreate(keyFile, "tenantry-local", "tenantry-api");
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    void tearDown() throws Exception {
        for (UUID t : tenants) {
            dsl.execute("DELETE FROM ingest_usage WHERE tenant_id = ?", t);
            dsl.execute("DELETE FROM usage_minute WHERE tenant_id = ?", t);
            dsl.execute("DELETE FROM usage_day WHERE tenant_id = ?", t);
            dsl.execute("DELETE FROM outbox WHERE tenant_id = ? AND kind = 'quota.broker'", t);
            dsl.execute("DELETE FROM tenants WHERE id = ?", t);
        }
        owner.close();
    }

    private UUID tenant(String plan, Integer pointsPerMinute) {
        UUID id = UUID.randomUUID();
        dsl.execute("INSERT INTO tenants (id, slug, name, status, plan, created_at, updated_at) VALUES (?, ?, ?, 'ACTIVE', ?, now() - interval '40 days', now())",
                id, "q-" + id.toString().substring(0, 8), "usage IT", plan);
        if (pointsPerMinute != null) {
            dsl.execute("INSERT INTO tenant_plan_overrides (tenant_id, points_per_minute, updated_at, updated_by) VALUES (?, ?, now(), 'it')",
                    id, pointsPerMinute);
        }
        tenants.add(id);
        return id;
    }

    /** One ingest_usage row as an ingest process writes it. */
    private void ingestRow(Instant minute, UUID tenant, UUID instance, long messages, long fieldValues, String rejected,
                           long refused, long latencyMs) {
        Long[] hist = new Long[LatencyHistogram.BUCKETS];
        java.util.Arrays.fill(hist, 0L);
        hist[LatencyHistogram.bucket(latencyMs)] = messages;
        dsl.execute("""
                INSERT INTO ingest_usage (minute, tenant_id, instance_id, messages, points, field_values, refused_field_values,
                    rejected, latency_hist, updated_at) VALUES (?::timestamptz, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, now())""",
                minute.atOffset(ZoneOffset.UTC), tenant, instance, messages, fieldValues / 4, fieldValues, refused,
                rejected, hist);
    }

    private String token(UUID tenant, String role) {
        return issuer.mint("it-" + role, tenant == null ? null : tenant.toString(), List.of(role), Duration.ofMinutes(10));
    }

    @Test
    void usageTotalsEqualTheMeteredCountsPerTenantAndOnlyTheTenantsOwnCallersSeeThem() {
        UUID a = tenant("PRO", null);
        UUID b = tenant("FREE", null);
        UUID i1 = UUID.randomUUID();
        UUID i2 = UUID.randomUUID();
        Instant m0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        long expectedA = 0;
        for (int k = 0; k < 5; k++) {
            Instant m = m0.plus(Duration.ofMinutes(k));
            ingestRow(m, a, i1, 10, 1000 + k, "{}", 0, 40);
            ingestRow(m, a, i2, 5, 500 + k, "{\"malformed_json\":2}", 0, 4000);
            ingestRow(m, b, i1, 1, 7, "{\"quota_exceeded\":3}", 21, 10);
            expectedA += 1500 + 2 * k;
        }
        rollup.rollup(Duration.ofMinutes(15));
        rollup.rollup(Duration.ofMinutes(15)); // idempotent: a second run changes nothing
        String from = m0.toString();
        String to = m0.plus(Duration.ofMinutes(5)).toString();
        Map<String, Object> ua = http.get().uri("/api/v1/tenants/{id}/usage?granularity=minute&from={f}&to={t}", a, from, to)
                .header("Authorization", "Bearer " + token(a, "viewer")).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((Number) ua.get("fieldValues")).longValue()).isEqualTo(expectedA);
        assertThat(((Number) ua.get("messages")).longValue()).isEqualTo(75);
        List<Map<String, Object>> periods = (List<Map<String, Object>>) ua.get("periods");
        assertThat(periods).hasSize(5);
        // p95 of 10 samples at 40 ms and 5 at 4 s: the 4 s bucket
        assertThat(((Number) periods.get(0).get("latencyP95Ms")).longValue()).isBetween(4000L, 5000L);
        assertThat((Map<String, Object>) periods.get(0).get("rejected")).containsEntry("malformed_json", 2);
        assertThat(dsl.fetchValue("SELECT sum(field_values) FROM usage_minute WHERE tenant_id = ?", a).toString())
                .isEqualTo(String.valueOf(expectedA));
        // the day view adds up to the same, and the CSV to the JSON
        String csv = http.get().uri("/api/v1/tenants/{id}/usage?granularity=day&format=csv", a)
                .header("Authorization", "Bearer " + token(a, "owner")).exchange()
                .expectStatus().isOk().expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).returnResult().getResponseBody();
        long csvSum = csv.lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
        assertThat(csvSum).isEqualTo(expectedA);
        // tenant B's own usage carries its refusals
        Map<String, Object> ub = http.get().uri("/api/v1/tenants/{id}/usage?granularity=day", b)
                .header("Authorization", "Bearer " + token(b, "staff")).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((Number) ub.get("fieldValues")).longValue()).isEqualTo(35);
        assertThat(((Number) ub.get("refusedFieldValues")).longValue()).isEqualTo(105);
        // attacker: B's members never see A's usage (404, like an unknown tenant), nor the billing
        http.get().uri("/api/v1/tenants/{id}/usage", a).header("Authorization", "Bearer " + token(b, "owner")).exchange()
                .expectStatus().isNotFound();
        http.get().uri("/api/v1/tenants/{id}/usage", UUID.randomUUID()).header("Authorization", "Bearer " + token(null, "platform_admin"))
                .exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/billing/usage?month=2026-01").header("Authorization", "Bearer " + token(a, "owner")).exchange()
                .expectStatus().isForbidden();
        http.get().uri("/api/v1/tenants/{id}/usage", a).exchange().expectStatus().isUnauthorized();
        // bad input: a problem naming each field
        http.get().uri("/api/v1/tenants/{id}/usage?granularity=hour&from=yesterday&format=xml", a)
                .header("Authorization", "Bearer " + token(a, "owner")).exchange()
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(s -> assertThat(s).contains("format"));
        http.get().uri("/api/v1/tenants/{id}/usage?granularity=hour&from=yesterday", a)
                .header("Authorization", "Bearer " + token(a, "owner")).exchange()
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(s -> assertThat(s).contains("granularity", "from"));
        // platform_metrics carries the minute figures under the tenant's tag
        InfluxV1Client admin = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(10));
        var rows = admin.query("SELECT SUM(\"value\") FROM \"ingest_points_min\" WHERE \"locatario_id\" = '" + a + "'",
                SharedBuckets.PLATFORM_METRICS.database()).get(0).rows();
        assertThat(((Number) rows.get(0).get(1)).longValue()).isEqualTo(expectedA);
    }

    @Test
    void ninetyPercentOnThreeConsecutiveDaysGivesExactlyOneRecommendation() {
        UUID t = tenant("FREE", 1); // budget 1,440 field values a day
        UUID inst = UUID.randomUUID();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int d = 4; d >= 1; d--) {
            // day -4 under 90 %, days -3..-1 at 95 %
            Instant noon = today.minusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(12));
            ingestRow(noon, t, inst, 1, d == 4 ? 1000 : 1368, "{}", 0, 5);
        }
        rollup.rollup(Duration.ofMinutes(15));
        assertThat(recommendations.evaluate()).isGreaterThanOrEqualTo(1);
        recommendations.evaluate();
        var recs = dsl.fetch("SELECT streak_start, plan, suggested, detail FROM upgrade_recommendations WHERE tenant_id = ?", t);
        assertThat(recs).hasSize(1);
        assertThat(recs.get(0).get(0, LocalDate.class)).isEqualTo(today.minusDays(3));
        assertThat(recs.get(0).get(2, String.class)).isEqualTo("PRO");
        List<?> visible = http.get().uri("/api/v1/tenants/{id}/recommendations", t)
                .header("Authorization", "Bearer " + token(t, "owner")).exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        assertThat(visible).hasSize(1);
        // a tenant at 2 of 3 days gets none
        UUID two = tenant("FREE", 1);
        for (int d = 2; d >= 1; d--) {
            ingestRow(today.minusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant(), two, inst, 1, 1400, "{}", 0, 5);
        }
        rollup.rollup(Duration.ofMinutes(15));
        recommendations.evaluate();
        assertThat(dsl.fetchCount(DSL.table("upgrade_recommendations"), DSL.field("tenant_id").eq(two))).isZero();
    }

    @Test
    void theBillingCsvAddsUpToTheMrrAndPricesOverages() throws Exception {
        UUID t = tenant("PRO", 1);
        UUID inst = UUID.randomUUID();
        Instant m = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        ingestRow(m, t, inst, 100, 3_000_000, "{}", 0, 5);
        rollup.rollup(Duration.ofMinutes(15));
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        long budget = 1440L * YearMonth.now(ZoneOffset.UTC).lengthOfMonth();
        String admin = token(null, "platform_admin");
        String csv = http.get().uri("/api/v1/billing/usage?month={m}&format=csv", month)
                .header("Authorization", "Bearer " + admin).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
        int amount = header.indexOf("amount_cents");
        int status = header.indexOf("status");
        long activeSum = 0;
        String mine = null;
        for (String l : csv.lines().skip(1).toList()) {
            String[] c = l.split(",");
            long base = Long.parseLong(c[header.indexOf("base_price_cents")]);
            long sum = base + Long.parseLong(c[header.indexOf("overage_field_values_cents")])
                    + Long.parseLong(c[header.indexOf("overage_devices_cents")]);
            assertThat(Long.parseLong(c[amount])).as(l).isEqualTo(sum);
            if (c[status].equals("ACTIVE")) {
                activeSum += Long.parseLong(c[amount]);
            }
            if (c[0].equals(t.toString())) {
                mine = l;
            }
        }
        assertThat(mine).isNotNull();
        String[] c = mine.split(",");
        long over = 3_000_000 - budget;
        assertThat(Long.parseLong(c[header.indexOf("overage_field_values")])).isEqualTo(over);
        assertThat(Long.parseLong(c[header.indexOf("overage_field_values_cents")])).isEqualTo(Math.round(over * 200 / 1e6));
        assertThat(Long.parseLong(c[amount])).isEqualTo(4900 + Math.round(over * 200 / 1e6));
        Map<String, Object> mrr = http.get().uri("/api/v1/billing/mrr?month={m}", month)
                .header("Authorization", "Bearer " + admin).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((Number) mrr.get("mrrCents")).longValue()).isEqualTo(activeSum);
        http.get().uri("/api/v1/billing/mrr?month=2026-13").header("Authorization", "Bearer " + admin).exchange()
                .expectStatus().isBadRequest();
        // the jobs are registered on the clustered scheduler
        assertThat(scheduler.checkExists(JobKey.jobKey("usage-rollup", "quota"))).isTrue();
        assertThat(scheduler.checkExists(JobKey.jobKey("upgrade-recommendations", "quota"))).isTrue();
    }

    @Test
    void twiceTheBudgetReceivedBlocksPublishingThroughTheOutboxAndAnUpgradeLiftsIt() {
        UUID t = tenant("FREE", 1); // budget 1,440 a day
        UUID inst = UUID.randomUUID();
        Instant m = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        ingestRow(m, t, inst, 10, 1500, "{\"quota_exceeded\":5}", 1300, 5); // received 2,800 < 2,880
        rollup.rollup(Duration.ofMinutes(15));
        hardCap.evaluate();
        assertThat(dsl.fetchCount(DSL.table("quota_blocks"), DSL.field("tenant_id").eq(t))).isZero();
        ingestRow(m.minus(Duration.ofMinutes(1)), t, inst, 0, 0, "{\"quota_exceeded\":1}", 100, 5); // 2,900 ≥ 2,880
        rollup.rollup(Duration.ofMinutes(15));
        hardCap.evaluate();
        hardCap.evaluate(); // idempotent: one block, one outbox entry
        String detail = dsl.fetchValue("SELECT detail FROM quota_blocks WHERE tenant_id = ?", t).toString();
        assertThat(detail).contains("limit broker_hard_cap", "current 2900", "plan FREE", "200 %");
        assertThat(dsl.fetchCount(DSL.table("outbox"), DSL.field("tenant_id").eq(t).and(DSL.field("kind").eq("quota.broker"))))
                .isEqualTo(1);
        // an upgrade (here the override) lifts the block within one run, with a second outbox entry
        dsl.execute("UPDATE tenant_plan_overrides SET points_per_minute = 500 WHERE tenant_id = ?", t);
        hardCap.evaluate();
        assertThat(dsl.fetchCount(DSL.table("quota_blocks"), DSL.field("tenant_id").eq(t))).isZero();
        assertThat(dsl.fetchCount(DSL.table("outbox"), DSL.field("tenant_id").eq(t).and(DSL.field("kind").eq("quota.broker"))))
                .isEqualTo(2);
        // purge: ingest rows beyond 3 days go (the day row stays)
        ingestRow(Instant.now().minus(Duration.ofDays(4)), t, inst, 1, 1, "{}", 0, 5);
        rollup.purge(Duration.ofDays(3), Duration.ofDays(35));
        assertThat(dsl.fetchCount(DSL.table("ingest_usage"), DSL.field("tenant_id").eq(t)
                .and(DSL.field("minute").lt(DSL.currentOffsetDateTime().minus(3))))).isZero();
        // a block of a past day is lifted by the next run
        dsl.execute("INSERT INTO quota_blocks (tenant_id, day, detail, created_at) VALUES (?, CURRENT_DATE - 1, 'old', now())", t);
        hardCap.evaluate();
        assertThat(dsl.fetchCount(DSL.table("quota_blocks"), DSL.field("tenant_id").eq(t))).isZero();
    }
}
