package io.tenantry.edge;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * Turns the text of a CSV timestamp cell into an {@link Instant}.
 * <p>
 * Formats ({@link #of(String, ZoneId)}):
 * <ul>
 *   <li>{@code iso}: ISO-8601 / RFC 3339 date-time, with offset ({@code 2020-03-09T10:14:33+03:00},
 *       {@code ...Z}), with zone region ({@code ...+01:00[Europe/Paris]}) or without either
 *       ({@code 2020-03-09T10:14:33}, fractions allowed); a space instead of {@code T} is accepted.</li>
 *   <li>{@code epoch-ms}: milliseconds since 1970-01-01T00:00Z, integer or decimal.</li>
 *   <li>{@code epoch-s}: seconds since 1970-01-01T00:00Z, integer or decimal (e.g. {@code 1583748873.25}).</li>
 *   <li>anything else: a {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd HH:mm:ss}; a pattern with an
 *       offset or zone ({@code XXX}, {@code VV}) uses it, a date-only pattern means start of day.</li>
 * </ul>
 * Timestamps without offset or zone are read in {@code zone}. In a daylight-saving gap the local time is moved
 * forward by the gap's length; in an overlap the earlier offset is used ({@link ZonedDateTime#ofLocal}).
 * <p>
 * Immutable and thread-safe.
 */
public final class TimestampParser {
    private enum Kind { ISO, EPOCH_MS, EPOCH_S, PATTERN }

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal BILLION = BigDecimal.valueOf(1_000_000_000);

    private final Kind kind;
    private final DateTimeFormatter formatter;
    private final ZoneId zone;
    private final String format;

    private TimestampParser(Kind kind, DateTimeFormatter formatter, ZoneId zone, String format) {
        this.kind = kind;
        this.formatter = formatter;
        this.zone = zone;
        this.format = format;
    }

    /**
     * @param format {@code iso}, {@code epoch-ms}, {@code epoch-s} (case-insensitive) or a DateTimeFormatter pattern
     * @param zone   zone for timestamps without offset
     * @throws IllegalArgumentException when the pattern is invalid
     */
    public static TimestampParser of(String format, ZoneId zone) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("timestamp format is empty");
        }
        if (zone == null) {
            throw new IllegalArgumentException("zone is null");
        }
        switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "iso":
                return new TimestampParser(Kind.ISO, DateTimeFormatter.ISO_DATE_TIME, zone, "iso");
            case "epoch-ms":
                return new TimestampParser(Kind.EPOCH_MS, null, zone, "epoch-ms");
            case "epoch-s":
                return new TimestampParser(Kind.EPOCH_S, null, zone, "epoch-s");
            default:
                try {
                    return new TimestampParser(Kind.PATTERN, DateTimeFormatter.ofPattern(format, Locale.ROOT), zone, format);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("invalid timestamp format '" + format
                            + "': use iso, epoch-ms, epoch-s or a DateTimeFormatter pattern (" + e.getMessage() + ")", e);
                }
        }
    }

    /** The format this parser was made from ({@code iso}, {@code epoch-ms}, {@code epoch-s} or the pattern). */
    public String format() {
        return format;
    }

    /** The zone applied to timestamps without offset. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * @param text the cell (surrounding whitespace ignored)
     * @return the instant
     * @throws DateTimeException when the text does not match the format (also for empty text)
     */
    public Instant parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DateTimeException("empty timestamp");
        }
        String s = text.strip();
        try {
            return switch (kind) {
                case ISO -> fromTemporal(DateTimeFormatter.ISO_DATE_TIME.parse(normalizeIso(s)));
                case EPOCH_MS -> epoch(new BigDecimal(s).divide(THOUSAND));
                case EPOCH_S -> epoch(new BigDecimal(s));
                case PATTERN -> fromTemporal(formatter.parse(s));
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new DateTimeException("not a " + format + " number: '" + s + "'");
        } catch (DateTimeParseException e) {
            throw new DateTimeException("'" + s + "' does not match " + format + ": " + e.getMessage());
        }
    }

    private static String normalizeIso(String s) {
        // RFC 3339 allows a space or a lower-case t between date and time, and a lower-case z.
        if (s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 't')) {
            s = s.substring(0, 10) + 'T' + s.substring(11).stripLeading();
        }
        if (s.endsWith("z")) {
            s = s.substring(0, s.length() - 1) + 'Z';
        }
        return s;
    }

    private static Instant epoch(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).multiply(BILLION).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    private Instant fromTemporal(TemporalAccessor t) {
        if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(t); // date-time with offset, or with zone region
        }
        ZoneId z = t.query(TemporalQueries.zone());
        if (z == null) {
            z = zone;
        }
        if (t.isSupported(ChronoField.HOUR_OF_DAY)) {
            return ZonedDateTime.ofLocal(LocalDateTime.from(t), z, null).toInstant();
        }
        return LocalDate.from(t).atStartOfDay(z).toInstant();
    }

    @Override
    public String toString() {
        return "TimestampParser[" + format + ", zone=" + zone + "]";
    }
}
