package io.tenantry.ingest.stats;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the ingest service's state, as served by {@code GET /admin/ingest} (JSON, these names) and
 * returned by {@code IngestService.stats()} to JVM callers and tests.
 *
 * @param status              {@code UP}, or {@code DEGRADED} while points wait in the disk spool (InfluxDB
 *                            unavailable or still catching up), dead letters wait for PostgreSQL, or the broker
 *                            connection is down; {@code DOWN} when the writer thread has died (nothing is stored
 *                            until a restart)
 * @param mqttConnected       the broker session is connected
 * @param subscribed          the shared subscription was granted
 * @param directoryListening  the PostgreSQL LISTEN connection is open
 * @param messagesTotal       MQTT messages handled and acknowledged since start (accepted or dead-lettered)
 * @param pointsTotal         points handed off durably (written to InfluxDB or to the spool) since start
 * @param duplicatesTotal     elements dropped as repeated {@code seq}
 * @param messagesPerSecond   messages per second over the last minute
 * @param pointsPerSecond     points per second over the last minute
 * @param queueDepthPoints    points waiting between the MQTT callback and the writer
 * @param queueDepthMessages  messages waiting there
 * @param inflightMessages    messages received from the broker and not yet acknowledged
 * @param spoolBytes          bytes in the disk spool
 * @param spoolPoints         points in the disk spool
 * @param deadLettersTotal    dead letters stored since start
 * @param deadLettersByReason dead letters since start by reason code
 * @param deadLettersPending  dead letters in the local fallback file waiting for PostgreSQL
 * @param deadLettersSuppressed dead letters counted but not stored since start (dead-letter rate/size limits)
 * @param lastSuccessfulWrite last time a write to InfluxDB succeeded (direct or drain), or null
 * @param lastWriteError      the last InfluxDB write error, or null
 * @param startedAt           when the service started
 */
public record IngestStats(
        String status,
        boolean mqttConnected,
        boolean subscribed,
        boolean directoryListening,
        long messagesTotal,
        long pointsTotal,
        long duplicatesTotal,
        double messagesPerSecond,
        double pointsPerSecond,
        long queueDepthPoints,
        long queueDepthMessages,
        long inflightMessages,
        long spoolBytes,
        long spoolPoints,
        long deadLettersTotal,
        Map<String, Long> deadLettersByReason,
        long deadLettersPending,
        long deadLettersSuppressed,
        Instant lastSuccessfulWrite,
        String lastWriteError,
        Instant startedAt) {
}
