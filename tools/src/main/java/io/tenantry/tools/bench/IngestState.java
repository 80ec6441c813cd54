package io.tenantry.tools.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Ingest's own state as {@code GET /admin/ingest} on its management port serves it (loopback,
 * {@code TENANTRY_INGEST_PORT}, default 18081; ingest's {@code IngestStats}): what the benchmark waits on before a
 * phase (nothing queued, in flight or spooled) and prints when points are missing. One small JSON request to ingest
 * (not to InfluxDB or the broker).
 *
 * @param queueDepthPoints points between ingest's MQTT callback and its writer
 * @param inflightMessages messages received and not yet acknowledged
 * @param spoolPoints      points in ingest's disk spool
 * @param pointsTotal      points handed off since ingest started
 * @param messagesTotal    messages handled since ingest started
 * @param duplicatesTotal  elements dropped as repeated seq since ingest started
 * @param deadLettersTotal dead letters since ingest started
 * @param deadLettersByReason dead letters by reason code, as JSON text
 * @param status           ingest's own status ({@code UP} / {@code DEGRADED})
 * @param lastSuccessfulWrite ingest's last successful InfluxDB write (ISO-8601), or {@code null}
 */
record IngestState(long queueDepthPoints, long inflightMessages, long spoolPoints, long pointsTotal, long messagesTotal,
                   long duplicatesTotal, long deadLettersTotal, String deadLettersByReason, String status, String lastSuccessfulWrite) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Nothing queued, in flight or spooled. */
    boolean drained() {
        return queueDepthPoints == 0 && inflightMessages == 0 && spoolPoints == 0;
    }

    /**
     * Reads ingest's state now.
     *
     * @throws IllegalStateException when ingest does not answer 200 within 5 s
     */
    static IngestState read() {
        String port = System.getenv().getOrDefault("TENANTRY_INGEST_PORT", "18081");
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/ingest"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("ingest /admin/ingest answered " + r.statusCode());
            }
            JsonNode j = JSON.readTree(r.body());
            return new IngestState(j.path("queueDepthPoints").asLong(), j.path("inflightMessages").asLong(), j.path("spoolPoints").asLong(),
                    j.path("pointsTotal").asLong(), j.path("messagesTotal").asLong(), j.path("duplicatesTotal").asLong(),
                    j.path("deadLettersTotal").asLong(), String.valueOf(j.path("deadLettersByReason")), j.path("status").asString(),
                    j.path("lastSuccessfulWrite").isNull() ? null : j.path("lastSuccessfulWrite").asString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading ingest's state", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("ingest's /admin/ingest on port " + port + " is unreachable: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        String stall = "";
        if (!drained() && lastSuccessfulWrite != null) {
            long idle = Duration.between(java.time.Instant.parse(lastSuccessfulWrite), java.time.Instant.now()).toSeconds();
            if (idle > 30) { // points waiting and nothing written for so long: ingest's writer has stopped (see its log)
                stall = String.format(Locale.ROOT, "; STALLED: points queued but no InfluxDB write for %d s (see ingest's log)", idle);
            }
        }
        return String.format(Locale.ROOT, "%s, queue %,d points, %,d messages in flight, spool %,d points; since start %,d messages, "
                        + "%,d points, %,d duplicates, %,d dead letters %s; last write %s%s", status, queueDepthPoints, inflightMessages,
                spoolPoints, messagesTotal, pointsTotal, duplicatesTotal, deadLettersTotal, deadLettersByReason, lastSuccessfulWrite, stall);
    }
}
