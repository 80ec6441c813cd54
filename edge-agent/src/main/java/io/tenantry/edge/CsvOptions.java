package io.tenantry.edge;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What a CSV replay reads and how it turns rows into messages: the file and its format, which columns, pacing,
 * batching and {@code seq}. Build it with {@link #builder()}; {@code null} (or 0) components get the documented
 * defaults. The builder's fields are also the command-line options.
 *
 * @param file            the CSV file (UTF-8, header line first); required. CLI {@code --csv}
 * @param separator       cell separator; default {@code ","}. CLI {@code --separator} ({@code tab} or {@code \t}
 *                        for a tab)
 * @param timestampColumn header name of the timestamp column; {@code null} = the first column. CLI
 *                        {@code --timestamp-column}
 * @param timestampFormat {@code iso}, {@code epoch-ms}, {@code epoch-s} or a DateTimeFormatter pattern (see
 *                        {@link TimestampParser}); default {@code iso}. CLI {@code --timestamp-format}
 * @param zone            zone for timestamps without offset; default UTC. CLI {@code --zone}
 * @param fields          columns to send; empty (default) = all except the timestamp column and {@code exclude}.
 *                        CLI {@code --fields a,b}
 * @param exclude         columns never sent (e.g. {@code anomaly}, {@code changepoint}); default none. CLI
 *                        {@code --exclude}
 * @param speed           pacing; default {@link Speed#REAL}. CLI {@code --speed}
 * @param rebaseToNow     shift every timestamp by the same amount so the first row is "now" (spacing kept). CLI
 *                        {@code --rebase-to-now}
 * @param batchSize       rows per MQTT message; 1 (default) = single-object payload, &gt; 1 = JSON array. CLI
 *                        {@code --batch-size}
 * @param maxMessageBytes largest payload; a batch that encodes larger is split into consecutive messages; default
 *                        262,144 (ingest's limit). CLI {@code --max-message-bytes}
 * @param seqStart        {@code seq} of the first row; default 1 (builder), at least 0. Ingest expects a device's seq
 *                        to keep increasing across its restarts when it de-duplicates by seq (only for messages
 *                        without {@code ts}); pass e.g. the last run's seq + 1. CLI {@code --seq-start}
 * @param timestampOutput how {@code ts} is written; default {@link TimestampOutput#RFC3339}. CLI {@code --ts-output}
 * @param limit           stop after this many valid rows; 0 (default) = all. CLI {@code --limit}
 * @param nonNumeric      what to do with a non-numeric cell ({@code n/a}) in a numeric column; default
 *                        {@link CsvTelemetryReader.NonNumeric#SKIP_CELL} (see {@link CsvTelemetryReader}). CLI
 *                        {@code --non-numeric skip-cell|send-as-text|skip-row}
 */
public record CsvOptions(
        Path file,
        String separator,
        String timestampColumn,
        String timestampFormat,
        ZoneId zone,
        List<String> fields,
        List<String> exclude,
        Speed speed,
        boolean rebaseToNow,
        int batchSize,
        int maxMessageBytes,
        long seqStart,
        TimestampOutput timestampOutput,
        long limit,
        CsvTelemetryReader.NonNumeric nonNumeric) {

    /**
     * Applies defaults and validates.
     *
     * @throws IllegalArgumentException naming the first invalid component
     */
    public CsvOptions {
        if (file == null) {
            throw new IllegalArgumentException("csv is required");
        }
        separator = separator == null || separator.isEmpty() ? "," : separator;
        timestampColumn = timestampColumn == null || timestampColumn.isEmpty() ? null : timestampColumn;
        timestampFormat = timestampFormat == null || timestampFormat.isBlank() ? "iso" : timestampFormat;
        zone = zone == null ? ZoneOffset.UTC : zone;
        TimestampParser.of(timestampFormat, zone); // validates the pattern
        fields = fields == null ? List.of() : List.copyOf(fields);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        speed = speed == null ? Speed.REAL : speed;
        batchSize = batchSize == 0 ? 1 : batchSize;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        maxMessageBytes = maxMessageBytes == 0 ? TelemetryPayloads.DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
        if (maxMessageBytes < 256) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 256, got " + maxMessageBytes);
        }
        if (seqStart < 0) {
            throw new IllegalArgumentException("seqStart must be >= 0, got " + seqStart);
        }
        timestampOutput = timestampOutput == null ? TimestampOutput.RFC3339 : timestampOutput;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        nonNumeric = nonNumeric == null ? CsvTelemetryReader.NonNumeric.SKIP_CELL : nonNumeric;
    }

    /** The timestamp parser these options describe. */
    public TimestampParser timestampParser() {
        return TimestampParser.of(timestampFormat, zone);
    }

    /** A builder with every component at its default ({@code seqStart} 1). */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder (and command-line mixin) for {@link CsvOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file (UTF-8, header line first).")
        private Path file;
        @Option(names = "--separator", paramLabel = "SEP", converter = Options.Separator.class,
                description = "Cell separator; 'tab' or '\\t' for tab (default: ,).")
        private String separator;
        @Option(names = "--timestamp-column", paramLabel = "NAME", description = "Timestamp column (default: the first column).")
        private String timestampColumn;
        @Option(names = "--timestamp-format", paramLabel = "FMT",
                description = "iso, epoch-ms, epoch-s or a DateTimeFormatter pattern such as 'yyyy-MM-dd HH:mm:ss' (default: iso).")
        private String timestampFormat;
        @Option(names = "--zone", paramLabel = "ZONE", converter = Options.Zone.class,
                description = "Zone of timestamps without offset, e.g. Europe/Moscow (default: UTC).")
        private ZoneId zone;
        @Option(names = "--fields", split = ",", paramLabel = "NAME", description = "Columns to send (default: all but the timestamp and --exclude).")
        private List<String> fields;
        @Option(names = "--exclude", split = ",", paramLabel = "NAME", description = "Columns never sent, e.g. anomaly,changepoint.")
        private List<String> exclude;
        @Option(names = "--speed", paramLabel = "SPEED", converter = Options.SpeedValue.class,
                description = "real, xN or N (N times faster), or max (default: real).")
        private Speed speed;
        @Option(names = "--rebase-to-now", description = "Shift timestamps so that the first row is now (spacing kept).")
        private boolean rebaseToNow;
        @Option(names = "--batch-size", paramLabel = "N", converter = Options.PositiveInt.class, description = "Rows per MQTT message; >1 sends a JSON array (default: 1).")
        private int batchSize;
        @Option(names = "--max-message-bytes", paramLabel = "N", description = "Largest payload; bigger batches are split "
                + "(default: " + TelemetryPayloads.DEFAULT_MAX_MESSAGE_BYTES + ", ingest's limit).")
        private int maxMessageBytes;
        @Option(names = "--seq-start", paramLabel = "N", description = "seq of the first row (default: 1).")
        private long seqStart = 1;
        @Option(names = "--ts-output", paramLabel = "FORM", converter = Options.TsOutput.class,
                description = "ts in the payload: rfc3339 or epoch-ms (default: rfc3339).")
        private TimestampOutput timestampOutput;
        @Option(names = "--limit", paramLabel = "N", description = "Stop after N valid rows (default: all).")
        private long limit;
        @Option(names = "--non-numeric", paramLabel = "POLICY", converter = NonNumericConverter.class,
                description = "A non-numeric cell (n/a, hot) in a numeric column: skip-cell (default; the row's other values "
                        + "are sent), send-as-text (in field <column>_text), skip-row.")
        private CsvTelemetryReader.NonNumeric nonNumeric;

        Builder() {
        }

        public Builder file(Path v) { file = v; return this; }
        public Builder separator(String v) { separator = v; return this; }
        public Builder timestampColumn(String v) { timestampColumn = v; return this; }
        public Builder timestampFormat(String v) { timestampFormat = v; return this; }
        public Builder zone(ZoneId v) { zone = v; return this; }
        public Builder fields(List<String> v) { fields = v; return this; }
        public Builder exclude(List<String> v) { exclude = v; return this; }
        public Builder speed(Speed v) { speed = v; return this; }
        public Builder rebaseToNow(boolean v) { rebaseToNow = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
        public Builder seqStart(long v) { seqStart = v; return this; }
        public Builder timestampOutput(TimestampOutput v) { timestampOutput = v; return this; }
        public Builder limit(long v) { limit = v; return this; }
        public Builder nonNumeric(CsvTelemetryReader.NonNumeric v) { nonNumeric = v; return this; }

        /** @throws IllegalArgumentException when a component is invalid (see {@link CsvOptions}) */
        public CsvOptions build() {
            return new CsvOptions(file, separator, timestampColumn, timestampFormat, zone, fields, exclude, speed,
                    rebaseToNow, batchSize, maxMessageBytes, seqStart, timestampOutput, limit, nonNumeric);
        }
    }

    /** picocli converter of {@code --non-numeric}. */
    static final class NonNumericConverter implements picocli.CommandLine.ITypeConverter<CsvTelemetryReader.NonNumeric> {
        @Override
        public CsvTelemetryReader.NonNumeric convert(String value) {
            try {
                return CsvTelemetryReader.NonNumeric.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
