package io.tenantry.alert.eval;

import java.time.Instant;
import java.util.UUID;

/**
 * A rule's evaluation ticks: tick {@code k} of a rule with period {@code every} (seconds) falls due at
 * {@code k · every + phase}, where {@code phase = floorMod(hash(rule id), every)} spreads rules with the same period
 * over it instead of making them all due at the same instant. The claim on {@code alert_rules.last_tick} counts these.
 */
public final class Ticks {
    private Ticks() {
    }

    /** The rule's phase within its period, 0 ≤ phase &lt; every (seconds). */
    public static long phase(UUID rule, long everySeconds) {
        return Math.floorMod(rule.hashCode(), everySeconds);
    }

    /** The latest tick due at or before {@code now}. */
    public static long current(UUID rule, long everySeconds, Instant now) {
        return Math.floorDiv(now.getEpochSecond() - phase(rule, everySeconds), everySeconds);
    }

    /** When tick {@code k} falls due. */
    public static Instant due(UUID rule, long everySeconds, long tick) {
        return Instant.ofEpochSecond(tick * everySeconds + phase(rule, everySeconds));
    }
}
