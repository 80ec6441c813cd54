package io.tenantry.ingest;

import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's enforcement acceptance through the real path (device → Mosquitto/TLS → ingest → InfluxDB, metering in
 * PostgreSQL): a FREE tenant sending twice its daily budget gets between 100 % and 110 % stored and the rest
 * refused, counted as {@code quota_exceeded} and not dead-lettered beyond the sample; after the day rolls over (the
 * ingest's injected clock) it ingests again; a plan upgrade lifts the cap within seconds without restart; and the
 * metered field values equal what InfluxDB holds. The tenant's rate is set through a per-tenant override (10 field
 * values/min: daily budget 14,400) so twice the budget is 36 messages; the burst guard is off here (its own test).
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaEnforcementIT {
    private static final int FIELDS = 8;
    private static final int ELEMENTS = 100;
    private static final long PER_MESSAGE = FIELDS * ELEMENTS;
    private static final long BUDGET = 10 * 1440;

    private final StackEnv env;
    private final ShiftableClock clock = new ShiftableClock();
    private IngestFixtures fx;
    private InProcessIngest running;

    QuotaEnforcementIT(StackEnv env) {
        this.env = env;
    }

    @BeforeAll
    void start() throws Exception {
        fx = new IngestFixtures(env);
        running = InProcessIngest.start(env, fx, "quota", p -> {
            p.put("tenantry.ingest.quota.burst-factor", "0");
            p.put("tenantry.ingest.quota.refresh-interval", "1s");
        }, clock);
    }

    @AfterAll
    void stop() throws Exception {
        if (running != null) {
            running.close();
        }
        fx.close();
    }

    @Test
    void aFreeTenantAtTwiceItsBudgetGets100To110PercentStoredThenTheDayRollsOverThenAnUpgradeLiftsTheCap()
            throws Exception {
        var t = fx.createTenant("quota", "FREE");
        override(t.id(), 10);
        var dev = fx.provisionedDevice(t, "plc-q1", "siemens_s7", "{}");
        for (int i = 0; i < 36; i++) {
            dev.publish(payload(i));
        }
        // every message is accounted for: stored or refused
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Record u = usage(t.id());
            return u.get("messages", Long.class) + rejected(u, "quota_exceeded") == 36;
        });
        long stored = influxFieldValues(t.id());
        Record u = usage(t.id());
        assertThat(stored).isBetween(BUDGET, BUDGET * 110 / 100);
        assertThat(u.get("field_values", Long.class)).isEqualTo(stored);
        assertThat(u.get("refused_field_values", Long.class)).isEqualTo(36 * PER_MESSAGE - stored);
        // refused messages are counted, not copied into dead_letters: one sample per minute at most
        assertThat(fx.deadLetterReasons(t.id()).getOrDefault("quota_exceeded", 0)).isBetween(1, 2);
        String detail = fx.dsl.fetchValue("SELECT detail FROM dead_letters WHERE tenant_id = ? AND reason = 'quota_exceeded'"
                + " LIMIT 1", t.id()).toString();
        assertThat(detail).contains("limit quota_exceeded", "plan FREE", "current ", "tenant override", "15840");

        // the next UTC day (injected clock): the tenant ingests again
        clock.shift(Duration.ofDays(1));
        long before = stored;
        dev.publish(payload(100));
        await().atMost(Duration.ofSeconds(20)).until(() -> influxFieldValues(t.id()) == before + PER_MESSAGE);
        // exhaust the new day too, then raise the rate: accepted again within seconds, no restart
        for (int i = 0; i < 25; i++) {
            dev.publish(payload(200 + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rejected(usage(t.id()), "quota_exceeded") > 36 - stored / PER_MESSAGE);
        long capped = influxFieldValues(t.id());
        assertThat(capped - before).isBetween(BUDGET, BUDGET * 110 / 100);
        override(t.id(), 1000);
        long changedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            dev.publish(payload(300));
            return influxFieldValues(t.id()) > capped;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(10));
        // metering agrees with InfluxDB over both days
        await().atMost(Duration.ofSeconds(20)).until(() -> usage(t.id()).get("field_values", Long.class)
                == influxFieldValues(t.id()));
    }

    @Test
    void theBurstGuardRefusesAFloodAboveTenTimesThePlanRateAndNamesTheLimit() throws Exception {
        running.close(); // one ingest on the shared subscription at a time: this one with the guard on
        running = null;
        try (var guarded = InProcessIngest.start(env, fx, "burst", p -> p.put("tenantry.ingest.quota.burst-window", "1m"))) {
            var t = fx.createTenant("burst", "FREE");
            override(t.id(), 100);   // burst guard: 1,000 field values/min, holding 1,000: the first message passes
            var dev = fx.provisionedDevice(t, "plc-b1", "siemens_s7", "{}");
            for (int i = 0; i < 5; i++) {
                dev.publish(payload(i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Record u = usage(t.id());
                return u.get("messages", Long.class) + rejected(u, "burst_limit") == 5;
            });
            assertThat(usage(t.id()).get("messages", Long.class)).isEqualTo(1);
            assertThat(influxFieldValues(t.id())).isEqualTo(PER_MESSAGE);
            assertThat(fx.deadLetterReasons(t.id())).containsOnlyKeys("quota_exceeded");
            String detail = fx.dsl.fetchValue("SELECT detail FROM dead_letters WHERE tenant_id = ? LIMIT 1", t.id()).toString();
            assertThat(detail).contains("limit burst_limit", "plan FREE", "1000 field values/min");
        } finally {
            running = InProcessIngest.start(env, fx, "quota", p -> {
                p.put("tenantry.ingest.quota.burst-factor", "0");
                p.put("tenantry.ingest.quota.refresh-interval", "1s");
            }, clock);
        }
    }

    private void override(UUID tenant, int pointsPerMinute) {
        fx.dsl.execute("""
                INSERT INTO tenant_plan_overrides (tenant_id, points_per_minute, updated_at, updated_by)
                VALUES (?, ?, now(), 'QuotaEnforcementIT')
                ON CONFLICT (tenant_id) DO UPDATE SET points_per_minute = EXCLUDED.points_per_minute""",
                tenant, pointsPerMinute);
    }

    private Record usage(UUID tenant) {
        return fx.dsl.fetchOne("""
                SELECT COALESCE(SUM(messages), 0)::bigint AS messages, COALESCE(SUM(field_values), 0)::bigint AS field_values,
                       COALESCE(SUM(refused_field_values), 0)::bigint AS refused_field_values,
                       COALESCE(jsonb_object_agg(k, v) FILTER (WHERE k IS NOT NULL), '{}'::jsonb)::text AS rejected
                FROM (SELECT u.messages, u.field_values, u.refused_field_values, NULL AS k, NULL::bigint AS v
                      FROM ingest_usage u WHERE u.tenant_id = ?
                      UNION ALL
                      SELECT 0, 0, 0, r.key, SUM(r.value::bigint) FROM ingest_usage u, jsonb_each_text(u.rejected) r
                      WHERE u.tenant_id = ? GROUP BY r.key) x""", tenant, tenant);
    }

    private static long rejected(Record usage, String reason) {
        String json = usage.get("rejected", String.class);
        var m = java.util.regex.Pattern.compile("\"" + reason + "\": ?(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private long influxFieldValues(UUID tenant) {
        long n = 0;
        for (int f = 0; f < FIELDS; f++) {
            n += fx.count("f" + f, tenant, null);
        }
        return n;
    }

    /** {@value #ELEMENTS} elements of {@value #FIELDS} fields each, with distinct timestamps (none overwrites another). */
    private String payload(int message) {
        long base = Instant.now().minusSeconds(60).toEpochMilli() * 1000 + message * ELEMENTS;
        StringBuilder sb = new StringBuilder("[");
        for (int e = 0; e < ELEMENTS; e++) {
            if (e > 0) {
                sb.append(',');
            }
            sb.append("{\"ts\":").append((base + e) / 1000.0).append(",\"fields\":{");
            for (int f = 0; f < FIELDS; f++) {
                sb.append(f > 0 ? "," : "").append("\"f").append(f).append("\":").append(e + f);
            }
            sb.append("}}");
        }
        return sb.append(']').toString();
    }

    /** The UTC system clock moved by a settable offset. */
    static final class ShiftableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void shift(Duration d) {
            offset.updateAndGet(o -> o.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }
}
