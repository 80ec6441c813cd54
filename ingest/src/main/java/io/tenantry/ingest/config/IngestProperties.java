package io.tenantry.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * All settings of the ingest service, bound from {@code tenantry.ingest.*} (application.yml maps the stack's
 * {@code TENANTRY_*} values onto them). Defaults run everything on one machine; the connection secrets have no
 * default and fail start-up when missing.
 *
 * @param mqtt      broker connection and session (MQTT v5, OASIS mqtt-v5.0 §3.1.2.11 session expiry, §3.3.4
 *                  Receive Maximum)
 * @param influx    InfluxDB v1 HTTP API endpoint and the ingest service's own credential (WRITE on
 *                  {@code processo_raw} only)
 * @param batch     batching between the MQTT callback and the InfluxDB writer
 * @param retry     retries of one batch write before it goes to the disk spool
 * @param spool     the local durable spool used while InfluxDB is unavailable
 * @param payload   payload limits and defaults of the telemetry contract (docs/telemetry.md)
 * @param dedup     the per-device {@code seq} window
 * @param directory tenant/device cache over PostgreSQL
 * @param deadLetters limits and retention of stored dead letters (issue 8)
 */
@Validated
@ConfigurationProperties("tenantry.ingest")
public record IngestProperties(
        @Valid @NotNull @DefaultValue Mqtt mqtt,
        @Valid @NotNull @DefaultValue Influx influx,
        @Valid @NotNull @DefaultValue Batch batch,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Spool spool,
        @Valid @NotNull @DefaultValue Payload payload,
        @Valid @NotNull @DefaultValue Dedup dedup,
        @Valid @NotNull @DefaultValue Directory directory,
        @Valid @NotNull @DefaultValue DeadLetters deadLetters) {

    /**
     * Broker connection.
     *
     * @param url               loopback listener of the broker, e.g. {@code tcp://127.0.0.1:11883}
     * @param username          the ingest service's broker login ({@code TENANTRY_INGEST_MQTT_USER})
     * @param password          its password
     * @param clientId          fixed MQTT client id of this instance; the persistent session is keyed by it, so
     *                          each instance needs its own stable id (e.g. {@code ingest-1}, {@code ingest-2})
     * @param sessionExpiry     how long the broker keeps the session (and queues messages) while this instance
     *                          is away; whole seconds
     * @param receiveMaximum    MQTT v5 Receive Maximum: at most this many unacknowledged QoS 1 messages in flight
     *                          from the broker (1..65535)
     * @param keepAlive         MQTT keep-alive
     * @param connectTimeout    connect timeout
     * @param maxReconnectDelay upper bound of the reconnect back-off (attempts start 100 ms apart and double up to
     *                          this). Short by default (1 s): after a broker restart devices get PUBACK 0x10 (no
     *                          matching subscribers) until ingest has subscribed again, so every second counts
     */
    public record Mqtt(
            @NotBlank String url,
            @NotBlank String username,
            @NotBlank String password,
            @DefaultValue("ingest-1") @Pattern(regexp = "[A-Za-z0-9_.-]{1,64}") String clientId,
            @DefaultValue("7d") @NotNull Duration sessionExpiry,
            @DefaultValue("1000") @Min(1) @Max(65535) int receiveMaximum,
            @DefaultValue("30s") @NotNull Duration keepAlive,
            @DefaultValue("10s") @NotNull Duration connectTimeout,
            @DefaultValue("1s") @NotNull Duration maxReconnectDelay) {
    }

    /**
     * InfluxDB.
     *
     * @param url      base URL, e.g. {@code http://127.0.0.1:18086}
     * @param username ingest's InfluxDB user ({@code TENANTRY_INGEST_INFLUX_USER})
     * @param password its password
     * @param timeout  connect and request timeout of one {@code /write}
     */
    public record Influx(
            @NotBlank String url,
            @NotBlank String username,
            @NotBlank String password,
            @DefaultValue("10s") @NotNull Duration timeout) {
    }

    /**
     * Batching.
     *
     * @param maxPoints           a batch is written once it holds this many points (5,000)
     * @param maxDelay            ... or once its oldest message has waited this long (1 s)
     * @param linger              ... or once the queue has stayed empty this long (5 ms; issue 15: a lone message
     *                            is written at once instead of waiting {@code maxDelay} for company)
     * @param queueCapacityPoints capacity of the queue between the MQTT callback and the writer, in points; the
     *                            callback blocks when it is full (back-pressure to the broker)
     * @param fair                serve tenants round-robin from per-tenant lanes (issue 8); {@code false} only to
     *                            measure the old single FIFO with {@code bin/tenantry bench --fairness}
     */
    public record Batch(
            @DefaultValue("5000") @Min(1) int maxPoints,
            @DefaultValue("1s") @NotNull Duration maxDelay,
            @DefaultValue("20000") @Min(1) int queueCapacityPoints,
            @DefaultValue("true") boolean fair,
            @DefaultValue("5ms") @NotNull Duration linger) {
    }

    /**
     * Retry of a failed batch write (transport errors, 5xx, 429) before spooling to disk.
     *
     * @param maxAttempts    attempts in total, including the first (resilience4j {@code maxAttempts})
     * @param initialBackoff wait after the first failure
     * @param multiplier     exponential back-off multiplier
     * @param maxBackoff     longest wait between attempts
     */
    public record Retry(
            @DefaultValue("3") @Min(1) int maxAttempts,
            @DefaultValue("500ms") @NotNull Duration initialBackoff,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("4s") @NotNull Duration maxBackoff) {
    }

    /**
     * Disk spool.
     *
     * @param dir              directory of this instance's spool (exclusively locked; one per instance)
     * @param segmentSize      a spool segment file is closed once it reaches this size
     * @param maxSize          when the spool holds this much, the writer stops accepting (back-pressure)
     *                         instead of dropping
     * @param drainInterval    how often the drainer looks at the spool
     * @param drainChunkPoints points per {@code /write} while draining
     * @param maxDrainBackoff  longest wait between drain attempts while InfluxDB stays down
     */
    public record Spool(
            @NotNull Path dir,
            @DefaultValue("16MB") @NotNull DataSize segmentSize,
            @DefaultValue("2GB") @NotNull DataSize maxSize,
            @DefaultValue("500ms") @NotNull Duration drainInterval,
            @DefaultValue("5000") @Min(1) int drainChunkPoints,
            @DefaultValue("5s") @NotNull Duration maxDrainBackoff) {
    }

    /**
     * Payload rules (docs/telemetry.md).
     *
     * @param maxSize            larger payloads are dead-lettered as {@code oversized} (256 KiB)
     * @param defaultMeasurement measurement of elements without {@code measurement}
     * @param maxElements        batches with more elements are dead-lettered whole as {@code too_many_elements}
     *                           (10,000; a 256 KiB message of {@code {}} holds 87,000)
     */
    public record Payload(
            @DefaultValue("256KB") @NotNull DataSize maxSize,
            @DefaultValue("telemetry") @NotBlank String defaultMeasurement,
            @DefaultValue("10000") @Min(1) int maxElements) {
    }

    /**
     * Dead letters (docs/telemetry.md §9): per-device and per-tenant budgets (token buckets refilled per minute,
     * burst = one minute's worth); what exceeds them is counted, not stored. Rows older than {@code retention}
     * are deleted every {@code purgeInterval}.
     *
     * @param deviceRowsPerMinute  rows one device may add per minute (60)
     * @param deviceBytesPerMinute bytes (payload + detail) one device may add per minute (512 KiB)
     * @param tenantRowsPerMinute  rows one tenant's devices may add per minute together (300)
     * @param tenantBytesPerMinute bytes one tenant's devices may add per minute together (2 MiB)
     * @param retention            rows are kept this long (7 days)
     * @param purgeInterval        how often old rows are deleted (10 minutes; the first run is at start-up)
     */
    public record DeadLetters(
            @DefaultValue("60") @Min(1) long deviceRowsPerMinute,
            @DefaultValue("512KB") @NotNull DataSize deviceBytesPerMinute,
            @DefaultValue("300") @Min(1) long tenantRowsPerMinute,
            @DefaultValue("2MB") @NotNull DataSize tenantBytesPerMinute,
            @DefaultValue("7d") @NotNull Duration retention,
            @DefaultValue("10m") @NotNull Duration purgeInterval) {
    }

    /**
     * {@code seq} de-duplication window per device.
     *
     * @param window            a seq is remembered this long
     * @param capacityPerDevice ... and at most this many seqs per device (oldest forgotten first). 256 (issue 15;
     *                          was 1,024): ~6 KiB per busy device, so 2,000 devices that sent within the window
     *                          hold ~12 MB of ingest's 96 MiB heap instead of ~48 MB (the benchmark's second
     *                          1,000-device run spent most of its CPU in full GCs); 256 elements is 25 messages of
     *                          10 rows, far more than a device re-sends after a lost PUBACK
     */
    public record Dedup(
            @DefaultValue("10m") @NotNull Duration window,
            @DefaultValue("256") @Min(1) int capacityPerDevice) {
    }

    /**
     * Tenant/device directory (module {@code directory}; it listens on {@code TenantDirectory.CHANGE_CHANNEL}).
     *
     * @param ttl              a cached tenant (with its devices) is reloaded after this long even without a
     *                         NOTIFY
     * @param reconnectBackoff wait before re-opening the LISTEN connection after it failed
     * @param pollInterval     how long one {@code getNotifications} call waits
     */
    public record Directory(
            @DefaultValue("30s") @NotNull Duration ttl,
            @DefaultValue("2s") @NotNull Duration reconnectBackoff,
            @DefaultValue("500ms") @NotNull Duration pollInterval) {
    }
}
