package io.tenantry.edge;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class CsvTelemetryReaderTest {
    static final String SKAB_FORMAT = "yyyy-MM-dd HH:mm:ss";

    static Path resource(String name) {
        try {
            return Path.of(CsvTelemetryReaderTest.class.getResource("/csv/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<TelemetryRow> readAll(CsvTelemetryReader r) {
        List<TelemetryRow> rows = new ArrayList<>();
        for (TelemetryRow row; (row = r.next()) != null; ) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void skabHeaderWithSemicolonsLocalTimeAndExcludedLabels() throws Exception {
        List<String> skipLog = new ArrayList<>();
        try (CsvTelemetryReader r = CsvTelemetryReader.open(resource("skab-sample.csv"), ";", null,
                TimestampParser.of(SKAB_FORMAT, ZoneOffset.UTC), List.of(), List.of("anomaly", "changepoint"),
                (line, reason, detail) -> skipLog.add(line + ":" + reason))) {
            assertThat(r.timestampColumn()).isEqualTo("datetime");
            assertThat(r.fieldNames()).containsExactly("Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure",
                    "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS");
            List<TelemetryRow> rows = readAll(r);

            assertThat(rows).extracting(TelemetryRow::line).containsExactly(2L, 3L, 4L, 8L);
            TelemetryRow first = rows.get(0);
            assertThat(first.timestamp()).isEqualTo(Instant.parse("2020-03-09T10:14:33Z"));
            assertThat(first.fields()).containsExactly(
                    entry("Accelerometer1RMS", 0.0265878), entry("Accelerometer2RMS", 0.0401113), entry("Current", 1.3302),
                    entry("Pressure", 0.054711), entry("Temperature", 79.3366), entry("Thermocouple", 26.0199),
                    entry("Voltage", 233.062), entry("Volume Flow RateRMS", 32.0));
            // empty cell: field omitted, the rest kept
            assertThat(rows.get(2).fields()).doesNotContainKey("Current").containsEntry("Volume Flow RateRMS", 31.0).hasSize(7);
            assertThat(rows.get(3).fields()).containsEntry("Pressure", -0.273216);

            assertThat(r.rowsRead()).isEqualTo(7);
            assertThat(r.skipped()).containsExactly(entry("bad_timestamp", 1L), entry("column_count", 1L), entry("no_fields", 1L));
            assertThat(skipLog).containsExactly("5:bad_timestamp", "6:column_count", "7:no_fields");
        }
    }

    @Test
    void labelColumnsAreSentWhenNotExcluded() throws Exception {
        try (CsvTelemetryReader r = CsvTelemetryReader.open(resource("skab-sample.csv"), ";", "datetime",
                TimestampParser.of(SKAB_FORMAT, ZoneOffset.UTC), null, null, null)) {
            assertThat(r.fieldNames()).hasSize(10).contains("anomaly", "changepoint");
            List<TelemetryRow> rows = readAll(r);
            // the row with only labels is valid now
            assertThat(rows).extracting(TelemetryRow::line).containsExactly(2L, 3L, 4L, 7L, 8L);
            assertThat(rows.get(3).fields()).containsExactly(entry("anomaly", 1.0), entry("changepoint", 1.0));
        }
    }

    @Test
    void timeZoneAppliesToLocalTimestamps() throws Exception {
        try (CsvTelemetryReader r = CsvTelemetryReader.open(resource("skab-sample.csv"), ";", null,
                TimestampParser.of(SKAB_FORMAT, ZoneId.of("Europe/Moscow")), List.of("Current"), List.of(), null)) {
            TelemetryRow first = r.next();
            assertThat(first.timestamp()).isEqualTo(Instant.parse("2020-03-09T07:14:33Z"));
            assertThat(first.fields()).containsExactly(entry("Current", 1.3302));
        }
    }

    @Test
    void nabFormatWithRepeatedTimestampsAndBlankLine() throws Exception {
        try (CsvTelemetryReader r = CsvTelemetryReader.open(resource("nab-sample.csv"), ",", null,
                TimestampParser.of(SKAB_FORMAT, ZoneOffset.UTC), List.of(), List.of(), null)) {
            assertThat(r.fieldNames()).containsExactly("value");
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows).hasSize(6);
            assertThat(r.rowsRead()).isEqualTo(6);
            assertThat(r.skipped()).isEmpty();
            assertThat(rows.get(2).timestamp()).isEqualTo(rows.get(3).timestamp()).isEqualTo(Instant.parse("2014-01-07T02:00:00Z"));
            assertThat(rows.get(5).fields()).containsExactly(entry("value", 88.0));
        }
    }

    @Test
    void bomQuotingIsoOffsetsAndCellTypes() throws Exception {
        try (CsvTelemetryReader r = CsvTelemetryReader.open(resource("mixed.csv"), ",", "time",
                TimestampParser.of("iso", ZoneId.of("Europe/Berlin")), List.of(), List.of(), null)) {
            assertThat(r.header()).containsExactly("time", "temp", "door open", "mode", "note");
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows).extracting(TelemetryRow::timestamp).containsExactly(
                    Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:00:01Z"), Instant.parse("2024-05-01T10:00:02Z"));
            assertThat(rows.get(0).fields()).containsExactly(entry("temp", 21.5), entry("door open", true),
                    entry("mode", "AUTO"), entry("note", "hello, world"));
            assertThat(rows.get(1).fields()).containsExactly(entry("temp", -0.03), entry("door open", false), entry("mode", "manual"));
            // issue 16: "NaN" in the numeric column temp is not sent as a string (the field would change type)
            assertThat(rows.get(2).fields()).containsExactly(entry("note", "say \"hi\""));
            assertThat(r.nonNumericCells()).containsExactly(entry("temp", 1L));
        }
    }

    @Test
    void cellValues() {
        assertThat(CsvTelemetryReader.cellValue("")).isNull();
        assertThat(CsvTelemetryReader.cellValue("   ")).isNull();
        assertThat(CsvTelemetryReader.cellValue(null)).isNull();
        assertThat(CsvTelemetryReader.cellValue("42")).isEqualTo(42.0);
        assertThat(CsvTelemetryReader.cellValue(" -1.5 ")).isEqualTo(-1.5);
        assertThat(CsvTelemetryReader.cellValue(".5")).isEqualTo(0.5);
        assertThat(CsvTelemetryReader.cellValue("1e3")).isEqualTo(1000.0);
        assertThat(CsvTelemetryReader.cellValue("+7.")).isEqualTo(7.0);
        assertThat(CsvTelemetryReader.cellValue("True")).isEqualTo(true);
        assertThat(CsvTelemetryReader.cellValue("false")).isEqualTo(false);
        // Java-only number forms are text, not numbers
        assertThat(CsvTelemetryReader.cellValue("1.5d")).isEqualTo("1.5d");
        assertThat(CsvTelemetryReader.cellValue("0x10")).isEqualTo("0x10");
        assertThat(CsvTelemetryReader.cellValue("Infinity")).isEqualTo("Infinity");
        assertThat(CsvTelemetryReader.cellValue("1e999")).isEqualTo("1e999");
        assertThat(CsvTelemetryReader.cellValue("OK")).isEqualTo("OK");
    }

    @Test
    void headerProblemsAreReportedUpFront() {
        TimestampParser iso = TimestampParser.of("iso", ZoneOffset.UTC);
        assertThatThrownBy(() -> new CsvTelemetryReader(new StringReader("t,a\n"), ",", "time", iso, null, null, null, "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestamp column 'time' not in header");
        assertThatThrownBy(() -> new CsvTelemetryReader(new StringReader("t,a\n"), ",", null, iso, List.of("b"), null, null, "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'b' not in header");
        assertThatThrownBy(() -> new CsvTelemetryReader(new StringReader("t,a\n"), ",", null, iso, null, List.of("a"), null, "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field column left");
        assertThatThrownBy(() -> new CsvTelemetryReader(new StringReader("t,a,a\n"), ",", null, iso, null, null, null, "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate column 'a'");
        assertThatThrownBy(() -> new CsvTelemetryReader(new StringReader(""), ",", null, iso, null, null, null, "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header");
    }

    @Test
    void explicitFieldsKeepTheirOrderAndUnknownExcludesAreIgnored() throws Exception {
        String csv = "ts,a,b,c\n1000,1,2,3\n";
        try (CsvTelemetryReader r = new CsvTelemetryReader(new StringReader(csv), ",", null,
                TimestampParser.of("epoch-ms", ZoneOffset.UTC), List.of("c", "a"), List.of("zzz"), null, "x.csv")) {
            TelemetryRow row = r.next();
            assertThat(row.timestamp()).isEqualTo(Instant.ofEpochSecond(1));
            assertThat(row.fields()).isEqualTo(Map.of("c", 3.0, "a", 1.0));
            assertThat(row.fields().keySet()).containsExactly("c", "a");
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void tabSeparatorAndTimestampColumnInTheMiddle() throws Exception {
        String csv = "a\tts\tb\n1\t1583748873.5\tx\n";
        try (CsvTelemetryReader r = new CsvTelemetryReader(new StringReader(csv), "\t", "ts",
                TimestampParser.of("epoch-s", ZoneOffset.UTC), null, null, null, "x.csv")) {
            TelemetryRow row = r.next();
            assertThat(row.timestamp()).isEqualTo(Instant.parse("2020-03-09T10:14:33.500Z"));
            assertThat(row.fields()).containsExactly(entry("a", 1.0), entry("b", "x"));
        }
    }

    static final String BAD_CELLS = "ts,temp,pressure,mode\n"
            + "1000,21.5,7,auto\n"
            + "2000,n/a,8,auto\n"
            + "3000,hot,,manual\n"
            + "4000,22.5,9,42\n";

    private static CsvTelemetryReader bad(CsvTelemetryReader.NonNumeric policy, List<String> events) throws Exception {
        return new CsvTelemetryReader(new StringReader(BAD_CELLS), ",", null, TimestampParser.of("epoch-ms", ZoneOffset.UTC),
                null, null, (line, reason, detail) -> events.add(line + " " + reason + " " + detail), "x.csv", policy);
    }

    @Test
    void nonNumericCellsAreSkippedByDefaultAndTheRowsOtherValuesSent() throws Exception {
        List<String> events = new ArrayList<>();
        try (CsvTelemetryReader r = bad(CsvTelemetryReader.NonNumeric.SKIP_CELL, events)) {
            assertThat(r.numericColumns()).containsExactly("temp", "pressure");
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows).hasSize(4);
            assertThat(rows.get(1).fields()).containsExactly(entry("pressure", 8.0), entry("mode", "auto"));
            assertThat(rows.get(2).fields()).containsExactly(entry("mode", "manual"));
            // a number in a text column stays text: mode keeps one type
            assertThat(rows.get(3).fields()).containsExactly(entry("temp", 22.5), entry("pressure", 9.0), entry("mode", "42"));
            assertThat(r.nonNumericCells()).containsExactly(entry("temp", 2L));
            assertThat(r.skipped()).isEmpty();
            assertThat(events).containsExactly("3 non_numeric_cell column 'temp': 'n/a' is not a number (cell skipped)",
                    "4 non_numeric_cell column 'temp': 'hot' is not a number (cell skipped)");
        }
    }

    @Test
    void nonNumericCellsCanGoAsTextInTheirOwnFieldOrSkipTheRow() throws Exception {
        List<String> events = new ArrayList<>();
        try (CsvTelemetryReader r = bad(CsvTelemetryReader.NonNumeric.SEND_AS_TEXT, events)) {
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows.get(1).fields()).containsExactly(entry("temp_text", "n/a"), entry("pressure", 8.0), entry("mode", "auto"));
            assertThat(r.nonNumericCells()).containsExactly(entry("temp", 2L));
            assertThat(rows.get(1).fields()).doesNotContainKey("temp");
        }
        try (CsvTelemetryReader r = bad(CsvTelemetryReader.NonNumeric.SKIP_ROW, new ArrayList<>())) {
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows).extracting(TelemetryRow::timestamp).containsExactly(Instant.ofEpochSecond(1), Instant.ofEpochSecond(4));
            assertThat(r.skipped()).containsExactly(entry(CsvTelemetryReader.SKIP_NON_NUMERIC, 2L));
        }
        assertThat(CsvTelemetryReader.NonNumeric.parse("send-as-text")).isEqualTo(CsvTelemetryReader.NonNumeric.SEND_AS_TEXT);
        assertThatThrownBy(() -> CsvTelemetryReader.NonNumeric.parse("drop")).hasMessageContaining("skip-cell, send-as-text or skip-row");
    }

    @Test
    void aBadCellBeforeTheNumbersDoesNotMakeTheColumnText() throws Exception {
        String csv = "ts,v\n1000,n/a\n2000,3\n3000,5\n";
        try (CsvTelemetryReader r = new CsvTelemetryReader(new StringReader(csv), ",", null,
                TimestampParser.of("epoch-ms", ZoneOffset.UTC), null, null, null, "x.csv")) {
            List<TelemetryRow> rows = readAll(r);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).fields()).containsExactly(entry("v", 3.0));
            assertThat(r.skipped()).containsExactly(entry(CsvTelemetryReader.SKIP_NO_FIELDS, 1L));
        }
    }
}
