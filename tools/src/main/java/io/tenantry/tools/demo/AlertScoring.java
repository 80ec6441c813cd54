package io.tenantry.tools.demo;

import io.tenantry.adapters.auth.LocalIssuer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job's alert part (issue 12 "Scored on real anomalies"): one EWMA anomaly rule per replayed SKAB valve1
 * device and per NAB device is created through the alert-engine's API and replayed over the data the device sent
 * ({@code POST …/alert-rules/{id}/evaluate} with {@code from}, {@code to}, {@code step}, {@code record: true}: the
 * engine evaluates it tick by tick as its scheduler would, reading InfluxDB, and stores the transitions as alert
 * events). The rule's FIRING periods are then compared with the labels of the files, which were never sent:
 * <ul>
 *   <li>SKAB: every row is predicted anomalous when the rule was FIRING at its time; compared with the
 *       {@code anomaly} column as SKAB's outlier-detection leaderboard does (binary classification over all rows
 *       of all files): precision, recall, F1 = 2TP/(2TP+FP+FN), FAR = FP/(FP+TN)·100, MAR = FN/(FN+TP)·100. Rows in
 *       the first {@code baseline + window} of each file are left out: the rule has no baseline there yet.</li>
 *   <li>NAB: per labelled window ({@code labels/combined_windows.json}), whether the rule fired inside it and the
 *       detection delay from the window's start (in the data's own time: the replay is time-compressed); firings
 *       outside any window are counted as false alarms.</li>
 * </ul>
 * Rule parameters are fixed here, a priori (λ = 0.2 from the EWMA literature; baseline and window in the data's
 * time scale), never fitted on these labels. SKAB's control limit L is calibrated on in-control data only, as a
 * control chart's phase I: the 99th percentile of the rule's per-tick score over the unlabelled
 * {@code anomaly-free} file (replayed as its own device, not scored), at least 3; NAB has no such file: L = 3. The rules are created disabled (they are evaluated by the
 * replay, not by the live scheduler), so they do not use the plans' active-rule limits.
 */
final class AlertScoring {
    static final List<String> SKAB_FIELDS = List.of("Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure",
            "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS");
    static final int SKAB_BASELINE_S = 400;
    static final int SKAB_WINDOW_S = 60;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** One replayed file as the scoring sees it. */
    record Device(String tenantId, String plcId, Path fitted, Path original, ZoneId zone, String separator, long factor) {
    }

    /** The results; {@code skabF1} is NaN when no SKAB row could be scored. */
    record Scores(double limitSigmas, long fired, long resolved, long tp, long fp, long tn, long fn, List<String> nabLines, int nabWindows,
                  int nabDetected, long nabFalseAlarms) {
        double precision() {
            return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        }

        double f1() {
            return 2 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2 * tp + fp + fn);
        }

        double far() {
            return fp + tn == 0 ? 0 : 100.0 * fp / (fp + tn);
        }

        double mar() {
            return fn + tp == 0 ? 0 : 100.0 * fn / (fn + tp);
        }
    }

    private AlertScoring() {
    }

    /**
     * @param alerts the alert-engine's base URL
     * @param skab   the SKAB valve1 devices (labelled)
     * @param nab    the NAB devices
     */
    static Scores run(String alerts, LocalIssuer issuer, Device calibration, List<Device> skab, List<Device> nab, Path nabLabels)
            throws Exception {
        waitUp(alerts);
        // SKAB's control limit L, calibrated on in-control data only (SPC phase I): the unlabelled anomaly-free file
        // (not scored) is replayed with the same rule; L = the 99th percentile of its per-tick scores, at least 3
        double limit = 3;
        if (calibration != null) {
            String owner = issuer.mint("demo-alerts", calibration.tenantId(), List.of("owner"), Duration.ofHours(1));
            List<Row> rows = rows(calibration.fitted(), calibration.separator(), calibration.zone());
            JsonNode res = backtest(alerts, owner, calibration, skabSpec(3), rows.get(0).at(), rows.get(rows.size() - 1).at(), "5s", false, true);
            List<Double> scores = new ArrayList<>();
            for (JsonNode t : res.get("ticks")) {
                if (t.get("value").isNumber()) {
                    scores.add(t.get("value").asDouble());
                }
            }
            scores.sort(Double::compare);
            if (!scores.isEmpty()) {
                limit = Math.max(3, scores.get(Math.max(0, (int) Math.ceil(0.99 * scores.size()) - 1)));
            }
        }
        long fired = 0;
        long resolved = 0;
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (Device d : skab) {
            String owner = issuer.mint("demo-alerts", d.tenantId(), List.of("owner"), Duration.ofHours(1));
            Map<String, Object> spec = skabSpec(limit);
            List<Row> rows = rows(d.fitted(), d.separator(), d.zone());
            Instant first = rows.get(0).at();
            Instant last = rows.get(rows.size() - 1).at();
            List<Transition> tr = transitions(backtest(alerts, owner, d, spec, first, last, "5s", true, false));
            for (Transition t : tr) {
                if (t.fired()) fired++; else resolved++;
            }
            Instant scoredFrom = first.plusSeconds(SKAB_BASELINE_S + SKAB_WINDOW_S);
            int k = 0;
            boolean firing = false;
            for (Row r : rows) {
                while (k < tr.size() && !tr.get(k).at().isAfter(r.at())) {
                    firing = tr.get(k).fired();
                    k++;
                }
                if (r.at().isBefore(scoredFrom) || r.label() < 0) {
                    continue;
                }
                boolean actual = r.label() > 0;
                if (firing && actual) tp++;
                else if (firing) fp++;
                else if (actual) fn++;
                else tn++;
            }
        }
        List<String> lines = new ArrayList<>();
        int windows = 0;
        int detected = 0;
        long falseAlarms = 0;
        JsonNode labels = Files.exists(nabLabels) ? JSON.readTree(nabLabels.toFile()) : JSON.createObjectNode();
        for (Device d : nab) {
            String owner = issuer.mint("demo-alerts", d.tenantId(), List.of("owner"), Duration.ofHours(1));
            long f = Math.max(1, d.factor());
            // a priori, in the data's own time: one day of baseline, two hours of window, one step per hour at most 2000
            long baseline = Math.max(1, 86_400 / f);
            long window = Math.max(1, 7_200 / f);
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("fields", List.of("value"));
            spec.put("lambda", 0.2);
            spec.put("limitSigmas", 3);
            spec.put("baseline", baseline + "s");
            spec.put("window", window + "s");
            spec.put("minBaseline", 10);
            List<Row> fittedRows = rows(d.fitted(), d.separator(), d.zone());
            List<Row> origRows = rows(d.original(), d.separator(), d.zone());
            Instant first = fittedRows.get(0).at();
            Instant last = fittedRows.get(fittedRows.size() - 1).at();
            long span = Duration.between(first, last).toSeconds();
            long step = Math.max(Math.max(1, 3_600 / f), (span + 1999) / 2000);
            List<Transition> tr = transitions(backtest(alerts, owner, d, spec, first.plusSeconds(baseline), last, step + "s", true, false));
            Instant origLast = origRows.stream().map(Row::at).max(Instant::compareTo).orElseThrow();
            String key = "realKnownCause/" + d.original().getFileName();
            List<Instant[]> wins = new ArrayList<>();
            for (JsonNode w : labels.path(key)) {
                Instant ws = LocalDateTime.parse(w.get(0).asString().substring(0, 19), TS).toInstant(ZoneOffset.UTC);
                Instant we = LocalDateTime.parse(w.get(1).asString().substring(0, 19), TS).toInstant(ZoneOffset.UTC);
                // the replay moved each row to last - (origLast - t) / factor (DemoJob.fitToWindow)
                wins.add(new Instant[]{last.minusSeconds(Duration.between(ws, origLast).toSeconds() / f),
                        last.minusSeconds(Duration.between(we, origLast).toSeconds() / f), ws});
            }
            long outside = 0;
            for (Transition t : tr) {
                if (t.fired()) {
                    fired++;
                    boolean in = wins.stream().anyMatch(w -> !t.at().isBefore(w[0]) && !t.at().isAfter(w[1]));
                    outside += in ? 0 : 1;
                } else {
                    resolved++;
                }
            }
            falseAlarms += outside;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s (%dx compressed): ", d.plcId(), f));
            for (Instant[] w : wins) {
                windows++;
                Transition hit = tr.stream().filter(t -> t.fired() && !t.at().isBefore(w[0]) && !t.at().isAfter(w[1])).findFirst().orElse(null);
                if (hit == null) {
                    sb.append("window ").append(w[2]).append(" missed; ");
                } else {
                    detected++;
                    double hours = Duration.between(w[0], hit.at()).toSeconds() * (double) f / 3600.0;
                    sb.append(String.format(Locale.ROOT, "window %s detected after %.1f h; ", w[2], hours));
                }
            }
            sb.append(outside).append(" firings outside the windows");
            lines.add(sb.toString());
        }
        return new Scores(limit, fired, resolved, tp, fp, tn, fn, lines, windows, detected, falseAlarms);
    }

    record Row(Instant at, int label) {
    }

    record Transition(Instant at, boolean fired) {
    }

    /** Rows of a CSV: time and the {@code anomaly} label (-1 when the file has none). */
    static List<Row> rows(Path csv, String separator, ZoneId zone) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        String sep = java.util.regex.Pattern.quote(separator);
        List<String> header = List.of(lines.get(0).split(sep));
        int label = header.indexOf("anomaly");
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(sep);
            if (c.length == 0 || c[0].isBlank()) {
                continue;
            }
            try {
                Instant at = LocalDateTime.parse(c[0].trim().substring(0, 19), TS).atZone(zone).toInstant();
                int l = label >= 0 && label < c.length ? (int) Math.round(Double.parseDouble(c[label])) : -1;
                out.add(new Row(at, l));
            } catch (RuntimeException e) {
                // unparsable rows were not replayed either
            }
        }
        out.sort((a, b) -> a.at().compareTo(b.at()));
        return out;
    }

    /** The SKAB rule's spec: all eight sensors, λ = 0.2, control limit {@code limit}, 400 s baseline, 60 s window. */
    static Map<String, Object> skabSpec(double limit) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("fields", SKAB_FIELDS);
        spec.put("lambda", 0.2);
        spec.put("limitSigmas", limit);
        spec.put("baseline", SKAB_BASELINE_S + "s");
        spec.put("window", SKAB_WINDOW_S + "s");
        spec.put("minBaseline", 30);
        return spec;
    }

    private static List<Transition> transitions(JsonNode res) {
        List<Transition> out = new ArrayList<>();
        for (JsonNode t : res.get("transitions")) {
            out.add(new Transition(Instant.parse(t.get("at").asString()), "fired".equals(t.get("transition").asString())));
        }
        return out;
    }

    private static JsonNode backtest(String alerts, String owner, Device d, Map<String, Object> spec, Instant from,
                                     Instant to, String step, boolean record, boolean trace) throws Exception {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", "anomaly " + d.plcId());
        rule.put("kind", "anomaly");
        rule.put("enabled", false);
        rule.put("severity", "warning");
        rule.put("selector", Map.of("devices", List.of(d.plcId())));
        rule.put("spec", spec);
        rule.put("labels", Map.of("source", "demo"));
        JsonNode created = post(alerts + "/api/v1/tenants/" + d.tenantId() + "/alert-rules", owner, rule, 201);
        return post(alerts + "/api/v1/tenants/" + d.tenantId() + "/alert-rules/" + created.get("id").asString() + "/evaluate",
                owner, Map.of("from", from.toString(), "to", to.toString(), "step", step, "record", record, "trace", trace), 200);
    }

    private static JsonNode post(String url, String token, Object body, int expected) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(15))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static void waitUp(String alerts) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(alerts + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the alert-engine at " + alerts + " is not up (bin/tenantry start starts it)");
    }
}
