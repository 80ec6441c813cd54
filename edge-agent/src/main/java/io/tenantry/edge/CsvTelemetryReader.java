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
 * Not thread-safe: one reader per replay.
 */
public final class CsvTelemetryReader implements Closeable {
    /** Skip reason: the row's cell count differs from the header's. */
    public static final String SKIP_COLUMN_COUNT = "column_count";
    /** Skip reason: the timestamp cell is empty or does not match the timestamp format. */
    public static final String SKIP_BAD_TIMESTAMP = "bad_timestamp";
    /** Skip reason: every field cell of the row is empty. */
    public static final String SKIP_NO_FIELDS = "no_fields";

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
            try {
                if (!records.hasNext()) {
                    return null;
                }
                rec = records.next();
            } catch (UncheckedIOException e) {
                throw e;
            } catch (IllegalStateException e) { // commons-csv wraps IOExceptions (and malformed quoting)
                throw new UncheckedIOException(new IOException(e.getMessage(), e));
            }
            rowsRead++;
            long line = nextLine;
            nextLine = parser.getCurrentLineNumber() + 1;
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
            for (int k = 0; k < fieldIndexes.length; k++) {
                Object v = cellValue(rec.get(fieldIndexes[k]));
                if (v != null) {
                    values.put(fieldNames.get(k), v);
                }
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
