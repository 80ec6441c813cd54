package io.tenantry.edge;

import java.util.Locale;

/**
 * Replay pacing: how fast the CSV's own time runs on the wall clock.
 * <p>
 * {@code factor} is the time-lapse factor: 1 replays with the original spacing between rows, 10 ten times faster,
 * 0.5 twice slower; {@link #MAX} ({@code factor} = +infinity) sends as fast as the broker acknowledges.
 *
 * @param factor how many seconds of CSV time pass per wall-clock second; &gt; 0, {@code Double.POSITIVE_INFINITY}
 *               for {@link #MAX}
 * @throws IllegalArgumentException when {@code factor} is not a positive number
 */
public record Speed(double factor) {
    /** Original pacing (factor 1). */
    public static final Speed REAL = new Speed(1.0);
    /** No pacing at all: as fast as possible. */
    public static final Speed MAX = new Speed(Double.POSITIVE_INFINITY);

    public Speed {
        if (Double.isNaN(factor) || factor <= 0) {
            throw new IllegalArgumentException("speed factor must be > 0, got " + factor);
        }
    }

    /** {@code factor} times faster than real time ({@code times(1)} is {@link #REAL}). */
    public static Speed times(double factor) {
        return new Speed(factor);
    }

    /** True for {@link #MAX}: rows are not paced. */
    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    /**
     * Parses the CLI form: {@code real}, {@code max}, {@code xN}, {@code Nx} or a plain number {@code N}
     * (N times faster; decimals allowed, e.g. {@code x0.5} is half speed). Case-insensitive.
     *
     * @throws IllegalArgumentException on anything else, or when N is not &gt; 0
     */
    public static Speed parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("speed is empty; use real, max, xN or N");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "real":
                return REAL;
            case "max":
                return MAX;
            default:
                break;
        }
        String n = s.startsWith("x") ? s.substring(1) : s.endsWith("x") ? s.substring(0, s.length() - 1) : s;
        double f;
        try {
            f = Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid speed '" + text + "'; use real, max, xN or N", e);
        }
        if (Double.isInfinite(f) || Double.isNaN(f) || f <= 0) {
            throw new IllegalArgumentException("invalid speed '" + text + "'; N must be a positive number");
        }
        return new Speed(f);
    }

    @Override
    public String toString() {
        if (isMax()) {
            return "max";
        }
        return factor == 1.0 ? "real" : "x" + (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor));
    }
}
