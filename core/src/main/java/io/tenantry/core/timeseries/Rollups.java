package io.tenantry.core.timeseries;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rollup contract (issue 11; docs/rollups.md): tiers, window sizes, stored field names and per-plan retention
 * of each tier. Written by quota-service's rollup job, read by the telemetry API ({@code tier=}) and by dashboards
 * and the query gateway. One definition, so every reader agrees with the writer.
 * <p>
 * <b>Naming.</b> A rollup point has the raw point's stored measurement ({@code <tenant uuid>.<measurement>}) and
 * exactly the raw series' tags ({@code locatario_id}, {@code plc_id}, {@code type}, device tags); its timestamp is
 * the window start (UTC, windows aligned to the epoch). For a raw numeric field {@code f} it carries
 * {@code f_mean} (float), {@code f_min}, {@code f_max}, {@code f_last} (the raw field's type) and {@code f_count}
 * (integer); for a string or boolean field {@code f_last} and {@code f_count}. A field absent from a window has no
 * rollup fields in it; a window without raw points has no rollup point. The suffixes are fixed and none is a
 * suffix of another, so the raw field name is the rollup field name minus its suffix ({@link #rawField}).
 */
public final class Rollups {
    /** Allowed lateness: a window is rolled up once {@code its end + ALLOWED_LATENESS ≤ now}. */
    public static final Duration ALLOWED_LATENESS = Duration.ofSeconds(20);
    /**
     * Clock skew tolerated between ingest and the rollup job. Ingest records a point as late (table
     * {@code rollup_dirty}) when its timestamp is older than {@code write completion − (ALLOWED_LATENESS − CLOCK_SKEW)};
     * any other point lands before its window can be closed.
     */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    /** Longest a 10-second rollup is kept, whatever the plan (the plan's aggregated retention, at most this). */
    public static final Duration TEN_SECOND_MAX_RETENTION = Duration.ofDays(30);

    /** Statistic suffixes, in the order they are written. */
    public static final List<String> NUMERIC_STATS = List.of("mean", "min", "max", "last", "count");
    /** Statistics of string and boolean fields. */
    public static final List<String> OTHER_STATS = List.of("last", "count");

    /** A storage tier of a tenant's points. */
    public enum Tier {
        /** Points as received: {@link StoragePlacement#raw()}. */
        RAW("raw", Duration.ZERO),
        /** 10-second rollups: {@link StoragePlacement#processed()} ({@code processo}). */
        TEN_SECONDS("10s", Duration.ofSeconds(10)),
        /** 1-minute rollups: {@link StoragePlacement#oneMinute()} ({@code processo_1m}). */
        ONE_MINUTE("1m", Duration.ofMinutes(1));

        private final String code;
        private final Duration resolution;

        Tier(String code, Duration resolution) {
            this.code = code;
            this.resolution = resolution;
        }

        /** {@code raw}, {@code 10s}, {@code 1m}: the API's {@code tier} values and the watermark table's key. */
        public String code() {
            return code;
        }

        /** Window length; zero for raw. */
        public Duration resolution() {
            return resolution;
        }

        /** The bucket of this tier in a placement. */
        public Bucket bucket(StoragePlacement p) {
            return switch (this) {
                case RAW -> p.raw();
                case TEN_SECONDS -> p.processed();
                case ONE_MINUTE -> p.oneMinute();
            };
        }

        /**
         * How long a tenant's points stay in this tier (design note 003 §7): raw the plan's raw retention,
         * 1 minute the plan's aggregated retention, 10 seconds the aggregated retention capped at
         * {@link #TEN_SECOND_MAX_RETENTION}.
         */
        public Duration retention(int rawRetentionDays, int aggregatedRetentionDays) {
            return switch (this) {
                case RAW -> Duration.ofDays(rawRetentionDays);
                case TEN_SECONDS -> min(Duration.ofDays(aggregatedRetentionDays), TEN_SECOND_MAX_RETENTION);
                case ONE_MINUTE -> Duration.ofDays(aggregatedRetentionDays);
            };
        }

        /** The tier for an API code, case-insensitive. */
        public static Optional<Tier> of(String code) {
            for (Tier t : values()) {
                if (t.code.equals(code == null ? null : code.toLowerCase(Locale.ROOT))) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    private Rollups() {
    }

    /** {@code <field>_<stat>}. */
    public static String field(String rawField, String stat) {
        return rawField + "_" + stat;
    }

    /** The raw field of a rollup field name ({@code temp_mean} → {@code temp}), empty when it has no known suffix. */
    public static Optional<String> rawField(String rollupField) {
        for (String s : NUMERIC_STATS) {
            String suffix = "_" + s;
            if (rollupField.endsWith(suffix) && rollupField.length() > suffix.length()) {
                return Optional.of(rollupField.substring(0, rollupField.length() - suffix.length()));
            }
        }
        return Optional.empty();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
