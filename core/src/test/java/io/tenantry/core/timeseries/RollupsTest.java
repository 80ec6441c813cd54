package io.tenantry.core.timeseries;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollup contract ({@link Rollups}) and the reference computation ({@link RollupReference}). */
class RollupsTest {
    static final long S = 1_000_000_000L;

    @Test
    void namesRoundTripEvenWhenTheRawFieldEndsLikeASuffix() {
        for (String raw : List.of("temp", "temp_min", "a_count_mean", "x_")) {
            for (String stat : Rollups.NUMERIC_STATS) {
                assertEquals(Optional.of(raw), Rollups.rawField(Rollups.field(raw, stat)));
            }
        }
        assertEquals(Optional.empty(), Rollups.rawField("temp"));
        assertEquals(Optional.empty(), Rollups.rawField("_mean"));
    }

    @Test
    void retentionPerTierFollowsThePlan() {
        assertEquals(Duration.ofDays(3), Rollups.Tier.RAW.retention(3, 30));
        assertEquals(Duration.ofDays(30), Rollups.Tier.TEN_SECONDS.retention(7, 180));
        assertEquals(Duration.ofDays(10), Rollups.Tier.TEN_SECONDS.retention(3, 10));
        assertEquals(Duration.ofDays(180), Rollups.Tier.ONE_MINUTE.retention(7, 180));
        assertEquals(Optional.of(Rollups.Tier.ONE_MINUTE), Rollups.Tier.of("1M"));
        assertEquals(Optional.empty(), Rollups.Tier.of("5m"));
        assertEquals(SharedBuckets.PROCESSED, Rollups.Tier.TEN_SECONDS.bucket(StoragePlacement.SHARED));
    }

    @Test
    void referenceComputesEveryStatisticPerWindow() {
        List<RollupReference.Raw> raw = List.of(
                new RollupReference.Raw(12 * S, Map.of("v", 2.0, "s", "a")),
                new RollupReference.Raw(3 * S, Map.of("v", 4.0, "n", 7L)),
                new RollupReference.Raw(5 * S, Map.of("v", -1.0, "ok", true)));
        TreeMap<Long, Map<String, Object>> w = RollupReference.expected(raw, 10 * S);
        assertEquals(List.of(0L, 10 * S), List.copyOf(w.keySet()));
        Map<String, Object> first = w.get(0L);
        assertEquals(1.5, first.get("v_mean"));
        assertEquals(-1.0, first.get("v_min"));
        assertEquals(4.0, first.get("v_max"));
        assertEquals(-1.0, first.get("v_last"), "last = latest timestamp, not arrival order");
        assertEquals(2L, first.get("v_count"));
        assertEquals(true, first.get("ok_last"));
        assertEquals("a", w.get(10 * S).get("s_last"));
        assertFalse(w.get(10 * S).containsKey("s_mean"));
    }

    @Test
    void comparisonIsExactExceptForTheMeanAndCountsWindowsOnOneSide() {
        List<RollupReference.Raw> raw = List.of(new RollupReference.Raw(1 * S, Map.of("v", 0.1)),
                new RollupReference.Raw(2 * S, Map.of("v", 0.2)), new RollupReference.Raw(3 * S, Map.of("v", 0.3)));
        TreeMap<Long, Map<String, Object>> e = RollupReference.expected(raw, 10 * S);
        Map<Long, Map<String, Object>> same = Map.of(0L, Map.of("v_mean", 0.2 * (1 + 1e-12), "v_min", 0.1, "v_max", 0.3,
                "v_last", 0.3, "v_count", 3L));
        assertEquals(0, RollupReference.compare("x", e, same).mismatches());
        Map<Long, Map<String, Object>> off = Map.of(0L, Map.of("v_mean", 0.2 * (1 + 1e-6), "v_min", 0.1, "v_max", 0.3,
                "v_last", 0.3, "v_count", 3L));
        assertEquals(1, RollupReference.compare("x", e, off).mismatches());
        Map<Long, Map<String, Object>> countOff = Map.of(0L, Map.of("v_mean", 0.2, "v_min", 0.1, "v_max", 0.3,
                "v_last", 0.3, "v_count", 2L));
        assertEquals(1, RollupReference.compare("x", e, countOff).mismatches());
        RollupReference.Report extra = RollupReference.compare("x", e, Map.of(0L, same.get(0L), 10 * S, Map.of("v_count", 1L)));
        assertEquals(2, extra.windowsChecked());
        assertEquals(1, extra.mismatches());
        assertTrue(extra.examples().get(0).contains("without raw data"));
    }
}
