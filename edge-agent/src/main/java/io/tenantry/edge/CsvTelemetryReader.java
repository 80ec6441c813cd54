package io.tenantry.edge;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a CSV file with a header line and turns its rows into {@link TelemetryRow}s.
 * <p>
 * The first record is the header; field names are the header names exactly (spaces kept, a UTF-8 byte-order mark
 * dropped). Blank lines are ignored and not counted. Quoting follows RFC 4180 ({@code "} quotes, {@code ""}
 * escapes). Each cell of a field column becomes:
 * <ul>
 *   <li>empty or blank: the field is omitted from that row;</li>
 *   <li>a decimal number ({@code -1}, {@code 0.5}, {@code 1e-3}, {@code .5}): a {@link Double};</li>
 *   <li>{@code true} / {@code false} (any case): a {@link Boolean};</li>
 *   <li>anything else (also {@code NaN}, {@code inf}): the cell text as a {@link String}.</li>
 * </ul>
 * Rows are skipped and counted under a reason ({@link #skipped()}) when they have a different number of cells
 * than the header ({@value #SKIP_COLUMN_COUNT}), an empty or unparsable timestamp ({@value #SKIP_BAD_TIMESTAMP}),
 * or no non-empty field cell ({@value #SKIP_NO_FIELDS}).
 * <p>
 * Column types (issue 16): a field is stored with the type of its first value and InfluxDB refuses every later point
 * with another type, so one {@code n/a} must not turn a numeric column into a string field. A column is
 * <em>numeric</em> when, among its non-empty cells in the first {@value #LOOKAHEAD_ROWS} rows, there are numbers and
 * at least as many as texts ({@code true}/{@code false} count for neither); with no cells there, its first non-empty
 * cell later decides. A <em>text</em> column sends every cell as text, numbers too.
 * A non-numeric cell in a numeric column ({@code n/a}, {@code hot}, {@code NaN}, {@code true}) is handled by
 * {@link NonNumeric}: skipped (default; the row's other values are sent), sent as text in field
 * {@code <column>_text}, or the whole row skipped ({@value #SKIP_NON_NUMERIC}). Such cells are counted per column
 * ({@link #nonNumericCells()}) and reported to the skip handler with reason {@value #CELL_NON_NUMERIC}.
 * <p>
 * Not thread-safe: one reader per replay.
 */
public final class CsvTelemetryReader implements Closeable {
    /** Skip reason: the row's cell count differs from the header's. */
    public static final String SKIP_COLUMN_COUNT = "column_count";
    /** Skip reason: the timestamp cell is empty or does not match the timestamp format. */
    public static final String SKIP_BAD_TIMESTAMP = "bad_timestamp";
    /** Skip reason: every field cell of the row is empty. */
    public static final String SKIP_NO_FIELDS = "no_fields";
    /** Skip reason ({@link NonNumeric#SKIP_ROW}): a numeric column holds a non-numeric cell. */
    public static final String SKIP_NON_NUMERIC = "non_numeric";
    /** Reason given to the skip handler for one non-numeric cell that was skipped or sent as text. */
    public static final String CELL_NON_NUMERIC = "non_numeric_cell";
    /** Rows read ahead to decide which columns are numeric. */
    public static final int LOOKAHEAD_ROWS = 1000;

    /** What happens to a non-numeric cell in a numeric column (CLI {@code --non-numeric}). */
    public enum NonNumeric {
        /** Leave the cell out; the row's other values are sent (default). */
        SKIP_CELL("skip-cell"),
        /** Send the cell's text in a separate string field {@code <column>_text}; the numeric field stays numeric. */
        SEND_AS_TEXT("send-as-text"),
        /** Skip the whole row (counted under {@value #SKIP_NON_NUMERIC}). */
        SKIP_ROW("skip-row");

        private final String option;

        NonNumeric(String option) {
            this.option = option;
        }

        /** The command-line spelling, e.g. {@code skip-cell}. */
        public String option() {
            return option;
        }

        /** @throws IllegalArgumentException for anything but skip-cell, send-as-text, skip-row */
        public static NonNumeric parse(String s) {
            for (NonNumeric n : values()) {
                if (n.option.equalsIgnoreCase(s) || n.name().equalsIgnoreCase(s)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("--non-numeric must be skip-cell, send-as-text or skip-row, not '" + s + "'");
        }
    }

    private enum Kind { UNDECIDED, NUMERIC, TEXT }

    /** A record read ahead, with the line it started on. */
    private record Ahead(CSVRecord rec, long line) {
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** Receives each skipped row (line number, reason key, human detail). */
    @FunctionalInterface
    public interface SkipHandler {
        void skipped(long line, String reason, String detail);
    }

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private final int tsIndex;
    private final int[] fieldIndexes;
    private final List<String> fieldNames;
    private final TimestampParser timestamps;
    private final SkipHandler skipHandler;
    private final Map<String, Long> skipped = new TreeMap<>();
    private final NonNumeric nonNumeric;
    private final Kind[] kinds;
    private final java.util.ArrayDeque<Ahead> ahead = new java.util.ArrayDeque<>();
    private final Map<String, Long> nonNumericCells = new TreeMap<>();
    private RuntimeException lookaheadFailure;
    private long rowsRead;
    private long nextLine = 2;

    /**
     * Opens {@code csv} (UTF-8) and reads its header.
     *
     * @param csv             the file
     * @param separator       the cell separator, e.g. {@code ","}, {@code ";"} or {@code "\t"}
     * @param timestampColumn header name of the timestamp column; {@code null} for the first column
     * @param timestamps      how to parse the timestamp column
     * @param fields          the field columns to send; empty for every column except the timestamp and excluded ones
     * @param exclude         columns never sent (e.g. label columns); names not in the header are ignored
     * @param skipHandler     told about each skipped row; may be {@code null}
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when the header is missing or has duplicate names, the timestamp column
     *                                  or a listed field is not in the header, or no field column is left
     */
    public static CsvTelemetryReader open(Path csv, String separator, String timestampColumn, TimestampParser timestamps,
                                          Collection<String> fields, Collection<String> exclude, SkipHandler skipHandler) throws IOException {
        Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        try {
            return new CsvTelemetryReader(r, separator, timestampColumn, timestamps, fields, exclude, skipHandler, csv.toString());
        } catch (RuntimeException | IOException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Like {@link #open} on an already open reader (closed by {@link #close()}); {@code source} names it in errors.
     */
    public CsvTelemetryReader(Reader reader, String separator, String timestampColumn, TimestampParser timestamps,
                              Collection<String> fields, Collection<String> exclude, SkipHandler skipHandler,
                              String source) throws IOException {
        this(reader, separator, timestampColumn, timestamps, fields, exclude, skipHandler, source, NonNumeric.SKIP_CELL);
    }

    /**
     * Like {@link #open}, with the policy for non-numeric cells in numeric columns (see the class comment).
     */
    public static CsvTelemetryReader open(Path csv, String separator, String timestampColumn, TimestampParser timestamps,
                                          Collection<String> fields, Collection<String> exclude, SkipHandler skipHandler,
                                          NonNumeric nonNumeric) throws IOException {
        Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        try {
            return new CsvTelemetryReader(r, separator, timestampColumn, timestamps, fields, exclude, skipHandler,
                    csv.toString(), nonNumeric);
        } catch (RuntimeException | IOException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Like {@link #open(Path, String, String, TimestampParser, Collection, Collection, SkipHandler, NonNumeric)} on
     * an already open reader; reads up to {@value #LOOKAHEAD_ROWS} rows ahead to type the columns.
     */
    public CsvTelemetryReader(Reader reader, String separator, String timestampColumn, TimestampParser timestamps,
                              Collection<String> fields, Collection<String> exclude, SkipHandler skipHandler,
                              String source, NonNumeric nonNumeric) throws IOException {
        this.nonNumeric = nonNumeric == null ? NonNumeric.SKIP_CELL : nonNumeric;
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("separator is empty");
        }
        this.timestamps = timestamps;
        this.skipHandler = skipHandler;
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(separator)
                .setIgnoreEmptyLines(true)
                .get();
        this.parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        this.records = parser.iterator();
        if (!records.hasNext()) {
            throw new IllegalArgumentException(source + ": no header line");
        }
        List<String> h = new ArrayList<>(records.next().toList());
        if (!h.isEmpty() && h.get(0).startsWith("\uFEFF")) {
            h.set(0, h.get(0).substring(1));
        }
        Set<String> seen = new HashSet<>();
        for (String name : h) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(source + ": duplicate column '" + name + "' in header " + h);
            }
        }
        this.header = List.copyOf(h);
        this.tsIndex = timestampColumn == null || timestampColumn.isEmpty() ? 0 : header.indexOf(timestampColumn);
        if (tsIndex < 0) {
            throw new IllegalArgumentException(source + ": timestamp column '" + timestampColumn + "' not in header " + header);
        }
        Set<String> ex = exclude == null ? Set.of() : new HashSet<>(exclude);
        List<String> wanted = new ArrayList<>();
        if (fields == null || fields.isEmpty()) {
            for (int i = 0; i < header.size(); i++) {
                if (i != tsIndex && !header.get(i).isEmpty()) {
                    wanted.add(header.get(i));
                }
            }
        } else {
            for (String f : fields) {
                int i = header.indexOf(f);
                if (i < 0) {
                    throw new IllegalArgumentException(source + ": field '" + f + "' not in header " + header);
                }
                if (i == tsIndex) {
                    throw new IllegalArgumentException(source + ": field '" + f + "' is the timestamp column");
                }
                if (!wanted.contains(f)) {
                    wanted.add(f);
                }
            }
        }
        wanted.removeIf(ex::contains);
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException(source + ": no field column left (header " + header + ", excluded " + ex + ")");
        }
        this.fieldNames = List.copyOf(wanted);
        this.fieldIndexes = wanted.stream().mapToInt(header::indexOf).toArray();
        this.kinds = new Kind[fieldIndexes.length];
        java.util.Arrays.fill(kinds, Kind.UNDECIDED);
        try {
            while (ahead.size() < LOOKAHEAD_ROWS && records.hasNext()) {
                CSVRecord rec = records.next();
                ahead.add(new Ahead(rec, nextLine));
                nextLine = parser.getCurrentLineNumber() + 1;
            }
        } catch (IllegalStateException | UncheckedIOException e) { // malformed quoting or I/O in the look-ahead: next() reports it there
            lookaheadFailure = e;
        }
        long[] numbers = new long[fieldIndexes.length];
        long[] texts = new long[fieldIndexes.length];
        for (Ahead a : ahead) {
            if (a.rec().size() != header.size()) {
                continue;
            }
            for (int k = 0; k < fieldIndexes.length; k++) {
                Object v = cellValue(a.rec().get(fieldIndexes[k]));
                if (v instanceof Double) {
                    numbers[k]++;
                } else if (v instanceof String) {
                    texts[k]++;
                }
            }
        }
        for (int k = 0; k < fieldIndexes.length; k++) { // the majority of the look-ahead types the column
            if (numbers[k] > 0 && numbers[k] >= texts[k]) {
                kinds[k] = Kind.NUMERIC;
            } else if (texts[k] > 0) {
                kinds[k] = Kind.TEXT;
            }
        }
    }

    /** The columns typed numeric so far (see the class comment), in {@link #fieldNames()} order. */
    public List<String> numericColumns() {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < kinds.length; k++) {
            if (kinds[k] == Kind.NUMERIC) {
                out.add(fieldNames.get(k));
            }
        }
        return out;
    }

    /** Non-numeric cells met in numeric columns so far: column to count (sorted); whatever the policy did with them. */
    public Map<String, Long> nonNumericCells() {
        return Collections.unmodifiableMap(nonNumericCells);
    }

    /** The policy for non-numeric cells in numeric columns. */
    public NonNumeric nonNumeric() {
        return nonNumeric;
    }

    /** The header names, in file order. */
    public List<String> header() {
        return header;
    }

    /** The header name of the timestamp column. */
    public String timestampColumn() {
        return header.get(tsIndex);
    }

    /** The columns sent as fields, in file order of selection. */
    public List<String> fieldNames() {
        return fieldNames;
    }

    /** Data records read so far (header and blank lines not counted; skipped rows counted). */
    public long rowsRead() {
        return rowsRead;
    }

    /** Skipped rows so far: reason key to count (sorted by reason). */
    public Map<String, Long> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    /**
     * The next valid row, skipping (and counting) invalid ones.
     *
     * @return the row, or {@code null} at end of file
     * @throws UncheckedIOException when reading fails
     */
    public TelemetryRow next() {
        while (true) {
            CSVRecord rec;
            long line;
            try {
                long startLine;
                if (!ahead.isEmpty()) {
                    Ahead a = ahead.poll();
                    rec = a.rec();
                    startLine = a.line();
                } else if (lookaheadFailure != null) {
                    RuntimeException e = lookaheadFailure;
                    lookaheadFailure = null;
                    throw e;
                } else if (!records.hasNext()) {
                    return null;
                } else {
                    rec = records.next();
                    startLine = nextLine;
                    nextLine = parser.getCurrentLineNumber() + 1;
                }
                line = startLine;
            } catch (UncheckedIOException e) {
                throw e;
            } catch (IllegalStateException e) { // commons-csv wraps IOExceptions (and malformed quoting)
                throw new UncheckedIOException(new IOException(e.getMessage(), e));
            }
            rowsRead++;
            if (rec.size() != header.size()) {
                skip(line, SKIP_COLUMN_COUNT, rec.size() + " cells, header has " + header.size());
                continue;
            }
            Instant ts;
            try {
                ts = timestamps.parse(rec.get(tsIndex));
            } catch (DateTimeException e) {
                skip(line, SKIP_BAD_TIMESTAMP, e.getMessage());
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            boolean skipRow = false;
            for (int k = 0; k < fieldIndexes.length && !skipRow; k++) {
                String cell = rec.get(fieldIndexes[k]);
                Object v = cellValue(cell);
                if (v == null) {
                    continue;
                }
                if (kinds[k] == Kind.UNDECIDED) {
                    kinds[k] = v instanceof Double ? Kind.NUMERIC : v instanceof String ? Kind.TEXT : Kind.UNDECIDED;
                }
                String name = fieldNames.get(k);
                if (kinds[k] == Kind.TEXT && v instanceof Double) {
                    v = cell; // a number in a text column stays text: the field keeps one type
                } else if (kinds[k] == Kind.NUMERIC && !(v instanceof Double)) {
                    nonNumericCells.merge(name, 1L, Long::sum);
                    String what = "column '" + name + "': '" + cell.strip() + "' is not a number";
                    switch (nonNumeric) {
                        case SKIP_CELL -> {
                            note(line, what + " (cell skipped)");
                            continue;
                        }
                        case SEND_AS_TEXT -> {
                            note(line, what + " (sent as text in '" + name + "_text')");
                            values.put(name + "_text", cell.strip());
                            continue;
                        }
                        case SKIP_ROW -> {
                            skip(line, SKIP_NON_NUMERIC, what);
                            skipRow = true;
                            continue;
                        }
                    }
                }
                values.put(name, v);
            }
            if (skipRow) {
                continue;
            }
            if (values.isEmpty()) {
                skip(line, SKIP_NO_FIELDS, "every field cell is empty");
                continue;
            }
            return new TelemetryRow(line, ts, values);
        }
    }

    /**
     * The JSON value of one cell: {@code null} (omit) for empty/blank, {@link Double} for a decimal number,
     * {@link Boolean} for {@code true}/{@code false} (any case), else the text itself.
     */
    public static Object cellValue(String cell) {
        if (cell == null) {
            return null;
        }
        String s = cell.strip();
        if (s.isEmpty()) {
            return null;
        }
        if (NUMBER.matcher(s).matches()) {
            double d = Double.parseDouble(s);
            if (!Double.isInfinite(d)) {
                return d;
            }
            return cell;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("true")) {
            return Boolean.TRUE;
        }
        if (lower.equals("false")) {
            return Boolean.FALSE;
        }
        return cell;
    }

    private void note(long line, String detail) {
        if (skipHandler != null) {
            skipHandler.skipped(line, CELL_NON_NUMERIC, detail);
        }
    }

    private void skip(long line, String reason, String detail) {
        skipped.merge(reason, 1L, Long::sum);
        if (skipHandler != null) {
            skipHandler.skipped(line, reason, detail);
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
