package io.tenantry.ingest.notice;

import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.telemetry.RejectReason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Rejection notices (issue 16): stored first, one per device per interval, only for the device's own topic. */
class RejectionNoticesTest {
    static final UUID TENANT = UUID.randomUUID();
    final List<String> stored = new ArrayList<>();
    final List<String> published = new ArrayList<>();
    final AtomicLong clock = new AtomicLong();

    RejectionNotices notices(boolean publishWorks) {
        return new RejectionNotices(letters -> letters.forEach(l -> stored.add(l.topic())),
                (topic, payload) -> publishWorks && published.add(topic + " " + new String(payload, StandardCharsets.UTF_8)),
                5_000_000_000L, clock::get);
    }

    static DeadLetter letter(String topic, RejectReason reason, UUID tenant) {
        return new DeadLetter(Instant.parse("2026-01-31T10:00:00Z"), topic, tenant, reason,
                "element 2: field 'temp' is an object", "{}".getBytes(StandardCharsets.UTF_8), 1, 3);
    }

    @Test
    void oneNoticePerDevicePerIntervalCountingTheHeldBackOnes() {
        RejectionNotices n = notices(true);
        n.store(List.of(letter("plc/acme/press-01", RejectReason.WRONG_TYPE, TENANT)));
        clock.addAndGet(1_000_000_000L);
        n.store(List.of(letter("plc/acme/press-01", RejectReason.WRONG_TYPE, TENANT),
                letter("plc/acme/press-01", RejectReason.BAD_TIMESTAMP, TENANT),
                letter("plc/acme/press-02", RejectReason.BAD_TIMESTAMP, TENANT)));
        clock.addAndGet(5_000_000_000L);
        n.store(List.of(letter("plc/acme/press-01", RejectReason.INVALID_VALUE, TENANT)));
        assertThat(stored).hasSize(5);
        assertThat(published).containsExactly(
                "plc/acme/press-01/cmd/rejections {\"type\":\"rejection\",\"reason\":\"wrong_type\",\"detail\":\"element 2: field 'temp' is an object\","
                        + "\"elementsRejected\":1,\"elementsTotal\":3,\"receivedAt\":\"2026-01-31T10:00:00Z\",\"suppressed\":0}",
                "plc/acme/press-02/cmd/rejections {\"type\":\"rejection\",\"reason\":\"bad_timestamp\",\"detail\":\"element 2: field 'temp' is an object\","
                        + "\"elementsRejected\":1,\"elementsTotal\":3,\"receivedAt\":\"2026-01-31T10:00:00Z\",\"suppressed\":0}",
                "plc/acme/press-01/cmd/rejections {\"type\":\"rejection\",\"reason\":\"invalid_value\",\"detail\":\"element 2: field 'temp' is an object\","
                        + "\"elementsRejected\":1,\"elementsTotal\":3,\"receivedAt\":\"2026-01-31T10:00:00Z\",\"suppressed\":2}");
        assertThat(n.counts()).containsExactly(3L, 2L, 0L);
    }

    @Test
    void noNoticeWithoutTenantDeviceOrAProperDeviceTopic() {
        RejectionNotices n = notices(true);
        n.store(List.of(letter("plc/nobody/press-01", RejectReason.UNKNOWN_TENANT, null),
                letter("plc/acme/ghost", RejectReason.UNKNOWN_DEVICE, TENANT),
                letter("plc/acme/press-01/extra", RejectReason.WRONG_TYPE, TENANT),
                letter("plc/+/#", RejectReason.WRONG_TYPE, TENANT),
                letter("plc/acme/press-01", RejectReason.INTERNAL_ERROR, TENANT)));
        assertThat(stored).hasSize(5);
        assertThat(published).isEmpty();
    }

    @Test
    void aFailedPublishIsCountedAndNeverThrows() {
        RejectionNotices n = notices(false);
        n.store(List.of(letter("plc/acme/press-01", RejectReason.WRONG_TYPE, TENANT)));
        assertThat(stored).hasSize(1);
        assertThat(n.counts()).containsExactly(0L, 0L, 1L);
        String longDetail = "x".repeat(1000);
        DeadLetter big = letter("plc/acme/press-01", RejectReason.WRONG_TYPE, TENANT).withDetail(longDetail);
        assertThat(new String(RejectionNotices.body(big, 0), StandardCharsets.UTF_8)).hasSizeLessThan(RejectionNotices.MAX_DETAIL + 200);
    }
}
