package io.tenantry.alert.rule;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rule durations as text: a whole number and a unit, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} (InfluxQL's units). */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(0|[1-9][0-9]{0,6})(s|m|h|d)");

    private Durations() {
    }

    /** @return the duration, or null when {@code text} is not of the form {@code <n>(s|m|h|d)} */
    public static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest text form: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
