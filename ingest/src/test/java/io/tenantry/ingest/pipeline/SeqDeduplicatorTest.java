package io.tenantry.ingest.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SeqDeduplicatorTest {
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void repeatedSeqWithoutTsOfTheSameDeviceIsADuplicate() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofMinutes(10), 100);
        assertThat(d.firstSeen(a, 1, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 2, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 1, null, 1)).isFalse();
        assertThat(d.firstSeen(b, 1, null, 1)).isTrue(); // per device
        assertThat(d.firstSeen(a, 0, null, 2)).isTrue(); // out of order but new
        assertThat(d.firstSeen(a, 0, null, 3)).isFalse();
    }

    @Test
    void withTsTheKeyIsSeqAndTs() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofMinutes(10), 100);
        assertThat(d.firstSeen(a, 1, 1_000L, 0)).isTrue();
        assertThat(d.firstSeen(a, 1, 1_000L, 1)).isFalse(); // exact re-send
        assertThat(d.firstSeen(a, 1, 5_000L, 2)).isTrue();  // counter restarted: new data
        assertThat(d.firstSeen(a, 1, null, 3)).isTrue();    // no ts: its own key space
        assertThat(d.firstSeen(a, 1, null, 4)).isFalse();
    }

    @Test
    void seqsAreForgottenAfterTheWindow() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofSeconds(10), 100);
        long s = 1_000_000_000L;
        assertThat(d.firstSeen(a, 7, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 7, null, 10 * s)).isFalse();
        assertThat(d.firstSeen(a, 8, null, 10 * s)).isTrue();
        assertThat(d.firstSeen(a, 7, null, 11 * s)).isTrue(); // the window passed
        assertThat(d.firstSeen(a, 8, null, 11 * s)).isFalse();
    }

    @Test
    void onlyTheLastCapacitySeqsAreRemembered() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofHours(1), 3);
        for (long i = 1; i <= 4; i++) {
            assertThat(d.firstSeen(a, i, null, i)).isTrue();
        }
        assertThat(d.firstSeen(a, 1, null, 5)).isTrue(); // evicted
        assertThat(d.firstSeen(a, 4, null, 6)).isFalse();
        assertThat(d.firstSeen(a, 3, null, 6)).isFalse();
    }

    @Test
    void behavesLikeAnUnboundedMapOfExactKeysOverARandomStream() {
        // reference: the boxed LinkedHashMap implementation this class replaced (same eviction rules)
        Random rnd = new Random(42);
        int capacity = 50;
        long window = 1_000;
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofNanos(window), capacity);
        Map<UUID, LinkedHashMap<String, Long>> ref = new java.util.HashMap<>();
        UUID[] devices = {a, b, UUID.randomUUID()};
        long now = 0;
        int drops = 0;
        for (int n = 0; n < 200_000; n++) {
            now += rnd.nextInt(3);
            UUID dev = devices[rnd.nextInt(devices.length)];
            long seq = rnd.nextInt(120);
            Long ts = rnd.nextBoolean() ? null : (long) rnd.nextInt(3);
            LinkedHashMap<String, Long> seen = ref.computeIfAbsent(dev, x -> new LinkedHashMap<>());
            long t = now;
            seen.values().removeIf(at -> t - at > window);
            String key = ts == null ? seq + "/-" : seq + "/" + ts;
            boolean expected = !seen.containsKey(key);
            if (expected) {
                seen.put(key, now);
                if (seen.size() > capacity) {
                    seen.remove(seen.keySet().iterator().next());
                }
            } else {
                drops++;
            }
            assertThat(d.firstSeen(dev, seq, ts, now)).as("element %d", n).isEqualTo(expected);
        }
        assertThat(drops).isGreaterThan(10_000); // the stream really repeats keys
    }

    @Test
    void devicesThatWentQuietAreForgottenAndMemoryIsBounded() {
        long s = 1_000_000_000L;
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofSeconds(10), 1024);
        for (int dev = 0; dev < 1_000; dev++) {
            UUID id = new UUID(7, dev);
            for (long seq = 0; seq < 2_000; seq++) {
                d.firstSeen(id, seq, seq * 1_000L, 0);
            }
        }
        assertThat(d.devices()).isEqualTo(1_000);
        assertThat(d.keys()).isEqualTo(1_000L * 1024); // capacity per device, never more
        d.firstSeen(a, 1, null, 11 * s); // after the window: the sweep drops every quiet device
        assertThat(d.devices()).isEqualTo(1);
        assertThat(d.keys()).isEqualTo(1);
    }
}
