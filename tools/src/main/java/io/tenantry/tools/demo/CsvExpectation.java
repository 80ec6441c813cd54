package io.tenantry.tools.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a replayed CSV must become in InfluxDB, computed from the file alone (independently of the edge agent and
 * ingest): one point per distinct timestamp (where a timestamp repeats, the last row wins, as in InfluxDB), and
 * one field value per non-empty sensor cell of those winning rows. Label columns are excluded.
 *
 * @param rows        data rows read
 * @param points      distinct timestamps
 * @param fieldValues non-empty sensor cells of the winning rows
 */
public record CsvExpectation(long rows, long points, long fieldValues) {

    /**
     * @param separator   cell separator
     * @param tsPattern   DateTimeFormatter pattern of the first column
     * @param excluded    label columns not sent as telemetry
     * @throws IOException when the file cannot be read
     */
    public static CsvExpectation of(Path csv, String separator, String tsPattern, List<String> excluded) throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(tsPattern);
        Map<LocalDateTime, Integer> cellsByTs = new HashMap<>();
        long rows = 0;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String[] header = r.readLine().split(Pattern.quote(separator), -1);
            boolean[] sensor = new boolean[header.length];
            for (int i = 1; i < header.length; i++) {
                sensor[i] = !excluded.contains(header[i].trim());
            }
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                rows++;
                String[] cells = line.split(Pattern.quote(separator), -1);
                if (cells.length != header.length) {
                    continue;
                }
                int n = 0;
                for (int i = 1; i < cells.length; i++) {
                    if (sensor[i] && !cells[i].isBlank()) {
                        n++;
                    }
                }
                if (n > 0) {
                    cellsByTs.put(LocalDateTime.parse(cells[0].trim(), f), n);
                }
            }
        }
        return new CsvExpectation(rows, cellsByTs.size(), cellsByTs.values().stream().mapToLong(Integer::longValue).sum());
    }

}
