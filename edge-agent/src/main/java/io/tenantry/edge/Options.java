package io.tenantry.edge;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

/** Shared validation and the command-line value converters of the option records. */
final class Options {
    private Options() {
    }

    /** {@code d}, or {@code dflt} when null; throws when zero or negative. */
    static Duration positive(String name, Duration d, Duration dflt) {
        if (d == null) {
            return dflt;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /** Whole seconds, e.g. {@code 60}, to a {@link Duration}. */
    static final class Seconds implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a number of seconds: '" + v + "'");
            }
        }
    }

    /**
     * A whole number &gt;= 1 (on the command line 0 is an error; in the builders 0 means "default"). The message
     * names no option: picocli prefixes "Invalid value for option '--x'".
     */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            int n;
            try {
                n = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a whole number: '" + v + "'");
            }
            if (n < 1) {
                throw new TypeConversionException("must be >= 1, got " + n);
            }
            return n;
        }
    }

    /** A cell separator; {@code tab} or {@code \t} for the tab character. */
    static final class Separator implements ITypeConverter<String> {
        @Override
        public String convert(String v) {
            return switch (v) {
                case "\\t", "tab", "TAB" -> "\t";
                default -> v;
            };
        }
    }

    /** {@link Speed#parse}. */
    static final class SpeedValue implements ITypeConverter<Speed> {
        @Override
        public Speed convert(String v) {
            try {
                return Speed.parse(v);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A zone id such as {@code Europe/Moscow} or {@code UTC}. */
    static final class Zone implements ITypeConverter<ZoneId> {
        @Override
        public ZoneId convert(String v) {
            try {
                return ZoneId.of(v);
            } catch (DateTimeException e) {
                throw new TypeConversionException("invalid --zone '" + v + "': " + e.getMessage());
            }
        }
    }

    /** {@code rfc3339} (or {@code iso}) or {@code epoch-ms}. */
    static final class TsOutput implements ITypeConverter<TimestampOutput> {
        @Override
        public TimestampOutput convert(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "rfc3339", "iso" -> TimestampOutput.RFC3339;
                case "epoch-ms" -> TimestampOutput.EPOCH_MS;
                default -> throw new TypeConversionException("invalid --ts-output '" + v + "': use rfc3339 or epoch-ms");
            };
        }
    }
}
