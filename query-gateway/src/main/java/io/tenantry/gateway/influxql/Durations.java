package io.tenantry.gateway.influxql;

/**
 * InfluxQL durations (influxql v1.0.0 {@code ParseDuration} / {@code FormatDuration}): sequences of
 * {@code <digits><unit>} with units {@code ns u µ ms s m h d w}, summed, in nanoseconds; an unknown unit (e.g.
 * {@code y}) is "invalid duration", a sum beyond int64 nanoseconds "overflowed duration".
 */
public final class Durations {
    private Durations() {
    }

    /**
     * @param text e.g. {@code 1h30m}, {@code 500ms}
     * @return nanoseconds
     * @throws InfluxQLException (syntax) when invalid or too large
     */
    public static long parse(String text) {
        if (text.length() < 2) {
            throw InfluxQLException.syntax("invalid duration");
        }
        int[] a = text.codePoints().toArray();
        int i = 0;
        boolean negative = false;
        if (a[0] == '-') {
            negative = true;
            i++;
        }
        long d = 0;
        try {
            while (i < a.length) {
                int start = i;
                while (i < a.length && Lexer.isDigit(a[i])) {
                    i++;
                }
                if (i >= a.length || i == start) {
                    throw InfluxQLException.syntax("invalid duration");
                }
                long n = Long.parseLong(new String(a, start, i - start));
                long unit;
                switch (a[i]) {
                    case 'n' -> {
                        if (i + 1 < a.length && a[i + 1] == 's') {
                            unit = 1;
                            i++;
                        } else {
                            throw InfluxQLException.syntax("invalid duration");
                        }
                    }
                    case 'u', 'µ' -> unit = 1_000L;
                    case 'm' -> {
                        if (i + 1 < a.length && a[i + 1] == 's') {
                            unit = 1_000_000L;
                            i++;
                        } else {
                            unit = 60_000_000_000L;
                        }
                    }
                    case 's' -> unit = 1_000_000_000L;
                    case 'h' -> unit = 3_600_000_000_000L;
                    case 'd' -> unit = 86_400_000_000_000L;
                    case 'w' -> unit = 7 * 86_400_000_000_000L;
                    default -> throw InfluxQLException.syntax("invalid duration");
                }
                d = Math.addExact(d, Math.multiplyExact(n, unit));
                i++;
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw InfluxQLException.syntax("overflowed duration " + text + ": choose a smaller duration or INF");
        }
        return negative ? -d : d;
    }

    /** The shortest exact text for nanoseconds: {@code 1w}, {@code 90m}, {@code 1500ms}, {@code 0s}. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        if (nanos == Long.MIN_VALUE) {
            throw new IllegalArgumentException("duration out of range");
        }
        String sign = nanos < 0 ? "-" : "";
        long v = Math.abs(nanos);
        long[] units = {7 * 86_400_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
                1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"w", "d", "h", "m", "s", "ms", "u", "ns"};
        for (int k = 0; k < units.length; k++) {
            if (v % units[k] == 0) {
                return sign + (v / units[k]) + names[k];
            }
        }
        throw new AssertionError();
    }
}
