package io.tenantry.ingest.deadletter;

import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.PlcId;
import io.tenantry.ingest.telemetry.Identity;
import io.tenantry.ingest.telemetry.RejectReason;
import io.tenantry.ingest.telemetry.Rejection;
import io.tenantry.ingest.telemetry.TelemetryParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8: one dead letter per message, and per-device/per-tenant budgets for storing them. */
class DeadLetterBoundsTest {
    private static final UUID T1 = UUID.randomUUID();
    private static final UUID T2 = UUID.randomUUID();
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void aBatchOfBadElementsBecomesOneRowWithCounts() {
        TelemetryParser p = new TelemetryParser(256 * 1024, 100_000, "telemetry");
        String junk = "[" + "{},".repeat(86_999) + "{}]"; // ~261 KB of empty objects, the message
        var r = p.parse(junk.getBytes(StandardCharsets.UTF_8), new Identity(TenantId.of(T1), TenantSlug.of("t1-slug"), PlcId.of("dev-1")));
        assertThat(r.rejected()).hasSize(87_000);
        DeadLetter d = DeadLetters.ofMessage(NOW, "plc/t1-slug/dev-1", T1, r.rejected(), r.total(), true, 256 * 1024);
        assertThat(d.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(d.elementsRejected()).isEqualTo(87_000);
        assertThat(d.elementsTotal()).isEqualTo(87_000);
        assertThat(d.detail()).startsWith("87000 of 87000 element(s) rejected: malformed_json ×87000")
                .contains("element 0: missing 'fields'").hasSizeLessThanOrEqualTo(DeadLetters.MAX_DETAIL_CHARS);
        assertThat(d.payload().length).isLessThanOrEqualTo(256 * 1024);
        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).startsWith("[{},{},").endsWith("{}]");
    }

    @Test
    void mixedReasonsNameTheMostFrequentAndListAll() {
        List<Rejection> rs = List.of(new Rejection(RejectReason.BAD_TIMESTAMP, "element 1: x", "{\"a\":1}".getBytes()),
                new Rejection(RejectReason.WRONG_TYPE, "element 2: y", "{\"b\":2}".getBytes()),
                new Rejection(RejectReason.WRONG_TYPE, "element 5: z", "{\"c\":3}".getBytes()));
        DeadLetter d = DeadLetters.ofMessage(NOW, "plc/t/d", T1, rs, 10, true, 1024);
        assertThat(d.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(d.detail()).startsWith("3 of 10 element(s) rejected: bad_timestamp ×1, wrong_type ×2; element 1: x");
        assertThat(new String(d.payload())).isEqualTo("[{\"a\":1},{\"b\":2},{\"c\":3}]");
        assertThat(d.elementsRejected()).isEqualTo(3);
        // the payload cap keeps whole elements only
        DeadLetter small = DeadLetters.ofMessage(NOW, "plc/t/d", T1, rs, 10, true, 18);
        assertThat(new String(small.payload())).isEqualTo("[{\"a\":1},{\"b\":2}]");
        assertThat(small.detail()).contains("payload keeps the first 2 of them");
        // a single object keeps its raw message, as before
        DeadLetter one = DeadLetters.ofMessage(NOW, "plc/t/d", T1, List.of(rs.get(0)), 1, false, 1024);
        assertThat(new String(one.payload())).isEqualTo("{\"a\":1}");
        assertThat(one.detail()).isEqualTo("element 1: x");
        assertThat(DeadLetters.ofMessage(NOW, "plc/t/d", T1, List.of(), 1, false, 1024)).isNull();
    }

    private static DeadLetter letter(String topic, UUID tenant, int bytes) {
        return new DeadLetter(NOW, topic, tenant, RejectReason.MALFORMED_JSON, "", new byte[bytes]);
    }

    @Test
    void perDeviceRowBudgetRefillsPerMinuteAndNotesSuppressions() {
        AtomicLong clock = new AtomicLong();
        DeadLetterLimiter l = new DeadLetterLimiter(new DeadLetterLimiter.Limits(5, 1 << 20, 100, 10 << 20), clock::get);
        int stored = 0;
        for (int i = 0; i < 1000; i++) {
            if (l.admit(letter("plc/a/d1", T1, 10)) instanceof DeadLetterLimiter.Store) {
                stored++;
            }
        }
        assertThat(stored).isEqualTo(5);
        // another device of the same tenant has its own budget
        assertThat(l.admit(letter("plc/a/d2", T1, 10))).isInstanceOf(DeadLetterLimiter.Store.class);
        clock.addAndGet(MINUTE / 5); // one more row's worth
        var next = l.admit(letter("plc/a/d1", T1, 10));
        assertThat(next).isInstanceOfSatisfying(DeadLetterLimiter.Store.class, s ->
                assertThat(s.letter().detail()).startsWith("[995 earlier dead letter(s) of this device were not stored"));
        assertThat(l.admit(letter("plc/a/d1", T1, 10))).isInstanceOf(DeadLetterLimiter.Suppress.class);
    }

    @Test
    void byteBudgetsBoundOversizedJunkAndTheTenantBudgetCapsAllItsDevices() {
        AtomicLong clock = new AtomicLong();
        DeadLetterLimiter l = new DeadLetterLimiter(new DeadLetterLimiter.Limits(1000, 512 * 1024, 1000, 1024 * 1024), clock::get);
        int stored = 0;
        for (int i = 0; i < 100; i++) { // 100 × 256 KiB from one device
            if (l.admit(letter("plc/a/d1", T1, 256 * 1024)) instanceof DeadLetterLimiter.Store) {
                stored++;
            }
        }
        assertThat(stored).isEqualTo(1); // 512 KiB budget: one 256 KiB row plus overhead leaves less than another
        int tenantStored = 0;
        for (int dev = 2; dev < 50; dev++) {
            if (l.admit(letter("plc/a/d" + dev, T1, 200 * 1024)) instanceof DeadLetterLimiter.Store) {
                tenantStored++;
            }
        }
        assertThat(tenantStored).isEqualTo(3); // 1 MiB tenant budget: 256 + 3 × 200 KiB
        var suppressed = l.admit(letter("plc/a/d99", T1, 200 * 1024));
        assertThat(suppressed).isEqualTo(new DeadLetterLimiter.Suppress(true));
        // another tenant is not affected
        assertThat(l.admit(letter("plc/b/d1", T2, 200 * 1024))).isInstanceOf(DeadLetterLimiter.Store.class);
        // idle entries are forgotten after ten minutes
        clock.addAndGet(11 * MINUTE);
        l.admit(letter("plc/c/d1", UUID.randomUUID(), 1));
        assertThat(l.tracked()).isEqualTo(2);
    }
}
