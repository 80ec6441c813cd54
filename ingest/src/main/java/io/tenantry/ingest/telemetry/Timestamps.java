package io.tenantry.ingest.telemetry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts payload timestamps to nanoseconds since the Unix epoch (UTC), the precision ingest writes with
 * ({@code /write?precision=ns}).
 * <ul>
 *   <li>RFC 3339 {@code date-time} (RFC 3339 §5.6): {@code 2024-05-01T12:00:00.123456789+02:00}; {@code T}/{@code Z}
 *       may be lower case (§5.6 NOTE), a space separator is accepted; seconds are required; fractions longer than
 *       9 digits are truncated to nanoseconds; leap second {@code :60} is refused (Java has no leap seconds).</li>
 *   <li>Epoch milliseconds as a JSON number; a fraction carries sub-millisecond precision
 *       ({@code 1714557600123.456789} → ...123456789 ns).</li>
 * </ul>
 * Both must lie in InfluxDB's timestamp range, 1677-09-21T00:12:43.145224194Z to 2262-04-11T23:47:16.854775806Z.
 * <p>
 * Cost: every conversion is bounded by the length of its input, never by the magnitude of an exponent
 * ({@code 1e200000000} is refused in microseconds; issue 8). The per-plan window a timestamp must also fall in
 * (how far into the future and the past) is checked by {@link TimeWindow}.
 */
public final class Timestamps {
    /** Smallest timestamp InfluxDB accepts, in ns (InfluxDB 1.x line protocol reference, "Timestamp"). */
    public static final long MIN_NANOS = -9_223_372_036_854_775_806L;
    /** Largest timestamp InfluxDB accepts, in ns. */
    public static final long MAX_NANOS = 9_223_372_036_854_775_806L;

    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))");
    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
    /** InfluxDB's range is ±9.22e12 ms: 13 integer digits; anything with more is out of range without computing. */
    private static final int MAX_MILLIS_DIGITS = 13;
    private static final String OUT_OF_RANGE = "timestamp outside InfluxDB's range 1677-09-21..2262-04-11";

    private Timestamps() {
    }

    /**
     * Parses an RFC 3339 date-time.
     *
     * @return nanoseconds since the epoch
     * @throws IllegalArgumentException when the text is not RFC 3339 or out of range; the message says why
     */
    public static long parseRfc3339(String text) {
        Matcher m = RFC3339.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an RFC 3339 date-time: '" + abbreviate(text) + "'");
        }
        try {
            int offsetSeconds = 0;
            if (m.group(8) == null) {
                int oh = Integer.parseInt(m.group(10));
                int om = Integer.parseInt(m.group(11));
                if (oh > 23 || om > 59) {
                    throw new IllegalArgumentException("offset out of range in '" + abbreviate(text) + "'");
                }
                offsetSeconds = (oh * 3600 + om * 60) * ("-".equals(m.group(9)) ? -1 : 1);
            }
            String frac = m.group(7);
            int nanos = 0;
            if (frac != null) {
                String nine = frac.length() >= 9 ? frac.substring(0, 9) : (frac + "000000000").substring(0, 9);
                nanos = Integer.parseInt(nine);
            }
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), nanos);
            long seconds = local.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
            return checkRange(BigDecimal.valueOf(seconds).movePointRight(9).add(BigDecimal.valueOf(nanos)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date-time '" + abbreviate(text) + "': " + e.getMessage(), e);
        }
    }

    /**
     * Converts epoch milliseconds (integral or fractional) to nanoseconds; digits below 1 ns are truncated.
     *
     * @throws IllegalArgumentException when out of InfluxDB's range
     */
    public static long fromEpochMillis(BigDecimal millis) {
        // Bound the cost first (issue 8): a 12-byte JSON number such as 1e200000000 is a BigDecimal of precision 1
        // and scale -200000000, and multiplying/rescaling it would build a 200-million-digit integer. Decide from
        // precision and scale alone, which are O(1) here (the digits themselves are bounded by
        // TelemetryParser.MAX_NUMBER_LENGTH), before any arithmetic.
        if (millis.signum() == 0) {
            return 0L;
        }
        long integerDigits = (long) millis.precision() - millis.scale(); // |millis| < 10^integerDigits
        if (integerDigits > MAX_MILLIS_DIGITS) {
            throw new IllegalArgumentException(OUT_OF_RANGE);
        }
        if (integerDigits < -9) {
            // |millis| < 1e-9 ms, i.e. below a thousandth of a nanosecond: floor is 0 or -1 ns
            return millis.signum() > 0 ? 0L : -1L;
        }
        return checkRange(millis.multiply(NANOS_PER_MILLI).setScale(0, RoundingMode.FLOOR));
    }

    private static long checkRange(BigDecimal nanos) {
        if (nanos.compareTo(BigDecimal.valueOf(MIN_NANOS)) < 0 || nanos.compareTo(BigDecimal.valueOf(MAX_NANOS)) > 0) {
            throw new IllegalArgumentException(OUT_OF_RANGE);
        }
        return nanos.longValueExact();
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
