package io.tenantry.ingest;

import io.micrometer.core.instrument.Gauge;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.deadletter.DeadLetterLimiter;
import io.tenantry.ingest.deadletter.DeadLetterRetention;
import io.tenantry.ingest.deadletter.DeadLetterSink;
import io.tenantry.ingest.deadletter.DeadLetterStore;
import io.tenantry.ingest.deadletter.LimitedDeadLetterSink;
import io.tenantry.directory.CachedTenantDirectory;
import io.tenantry.directory.DirectoryListener;
import io.tenantry.ingest.mqtt.MqttIngestClient;
import io.tenantry.ingest.pipeline.BatchWriter;
import io.tenantry.ingest.pipeline.EnvelopeQueue;
import io.tenantry.ingest.pipeline.MessageProcessor;
import io.tenantry.ingest.pipeline.PointDelivery;
import io.tenantry.ingest.pipeline.SeqDeduplicator;
import io.tenantry.ingest.pipeline.SpoolDrainer;
import io.tenantry.ingest.schema.FieldKeyRegistry;
import io.tenantry.ingest.spool.DiskSpool;
import io.tenantry.ingest.stats.IngestMetrics;
import io.tenantry.ingest.stats.IngestStats;
import io.tenantry.ingest.telemetry.TelemetryParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The ingest pipeline as one lifecycle unit:
 * <pre>
 * MQTT (Paho, shared subscription, manual acks)
 *   → MessageProcessor (topic → directory → parse/validate → dedup → line protocol)   [callback thread]
 *   → EnvelopeQueue (bounded, in points; the callback blocks when full)
 *   → BatchWriter (5,000 points / 1 s) → PointDelivery (InfluxDB + retry, else DiskSpool) + dead letters
 *   → PUBACK                                                                          [writer thread]
 * SpoolDrainer: DiskSpool → InfluxDB when it is back                                  [drainer thread]
 * DirectoryListener: LISTEN tenantry_directory → cache invalidation                   [listener thread]
 * </pre>
 * Start order: spool (recovers the previous run's segments), directory listener, drainer, writer, MQTT.
 * Stop order: MQTT intake, writer (empties the queue, acknowledging what it hands off), MQTT disconnect (the
 * session stays at the broker), drainer, listener, spool. A SIGKILL skips all that and loses nothing either:
 * unacknowledged messages are redelivered and acknowledged ones are in InfluxDB or the fsynced spool.
 */
public final class IngestService implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestProperties props;
    private final CachedTenantDirectory directory;
    private final DirectoryListener listener;
    private final DeadLetterStore deadLetters;
    private final DeadLetterRetention deadLetterRetention;
    private final IngestMetrics metrics;
    private final DiskSpool spool;
    private final EnvelopeQueue queue;
    private final MessageProcessor processor;
    private final SpoolDrainer drainer;
    private final BatchWriter writer;
    private final MqttIngestClient mqtt;
    private volatile boolean running;
    private volatile Instant startedAt;

    /**
     * Wires the pipeline (nothing runs before {@link #start()}).
     *
     * @param props       configuration
     * @param directory   tenant/device cache
     * @param listener    its LISTEN/NOTIFY invalidator
     * @param deadLetters dead-letter store
     * @param pointWriter the write port, authenticated as the ingest InfluxDB user
     * @param quota       the per-message quota check
     * @param metrics     meters and counters
     * @param fieldKeys   the tenants' field keys (plan limit {@code max_field_keys})
     */
    public IngestService(IngestProperties props, CachedTenantDirectory directory, DirectoryListener listener,
                         DeadLetterStore deadLetters, TimeSeriesWriter pointWriter, QuotaCheck quota, IngestMetrics metrics,
                         FieldKeyRegistry fieldKeys) {
        this.props = props;
        this.directory = directory;
        this.listener = listener;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.spool = new DiskSpool(props.spool().dir(), props.spool().segmentSize().toBytes(), props.spool().maxSize().toBytes());
        this.queue = new EnvelopeQueue(props.batch().queueCapacityPoints(), System::nanoTime, props.batch().fair());
        int maxBytes = (int) props.payload().maxSize().toBytes();
        this.processor = new MessageProcessor(directory, fieldKeys,
                new TelemetryParser(maxBytes, props.payload().maxElements(), props.payload().defaultMeasurement()),
                new SeqDeduplicator(props.dedup().window(), props.dedup().capacityPerDevice()), System::nanoTime, maxBytes, quota);
        var dl = props.deadLetters();
        DeadLetterSink limitedDeadLetters = new LimitedDeadLetterSink(deadLetters, new DeadLetterLimiter(
                new DeadLetterLimiter.Limits(dl.deviceRowsPerMinute(), dl.deviceBytesPerMinute().toBytes(),
                        dl.tenantRowsPerMinute(), dl.tenantBytesPerMinute().toBytes()), System::nanoTime),
                metrics, tenant -> directory.slugOf(tenant == null ? null : TenantId.of(tenant)));
        this.deadLetterRetention = new DeadLetterRetention(deadLetters, dl.retention(), dl.purgeInterval(),
                java.time.Clock.systemUTC());
        this.drainer = new SpoolDrainer(spool, pointWriter, deadLetters, limitedDeadLetters, metrics, props.spool());
        PointDelivery delivery = new PointDelivery(pointWriter, props.retry(), spool, drainer::wake, metrics);
        this.mqtt = new MqttIngestClient(props.mqtt(), (topic, message, generation, receivedAt) ->
                queue.put(processor.process(topic, message.getPayload(), message.getId(), message.getQos(),
                        generation, receivedAt)));
        // issue 16: the device hears why (plc/<slug>/<plc_id>/cmd/rejections), rate-limited
        DeadLetterSink noticed = io.tenantry.ingest.notice.RejectionNotices.decorate(limitedDeadLetters, mqtt::publishNotice);
        this.writer = new BatchWriter(queue, props.batch(), delivery, noticed, mqtt, metrics, mqtt::windowFull,
                maxBytes);
        registerGauges();
    }

    private void registerGauges() {
        var r = metrics.registry();
        Gauge.builder("tenantry.ingest.queue.depth.points", queue, EnvelopeQueue::depthPoints)
                .description("Points waiting between the MQTT callback and the writer").register(r);
        Gauge.builder("tenantry.ingest.inflight.messages", mqtt, MqttIngestClient::inflight)
                .description("MQTT messages received and not yet acknowledged").register(r);
        Gauge.builder("tenantry.ingest.spool.bytes", spool, DiskSpool::bytes)
                .description("Bytes waiting in the disk spool").baseUnit("bytes").register(r);
        Gauge.builder("tenantry.ingest.spool.points", spool, DiskSpool::points)
                .description("Points waiting in the disk spool").register(r);
        Gauge.builder("tenantry.ingest.deadletters.pending", deadLetters, DeadLetterStore::pending)
                .description("Dead letters waiting in the local file for PostgreSQL").register(r);
    }

    /**
     * Opens the spool (recovering a previous run's segments), starts the directory listener, the drainer, the
     * writer and the MQTT session (which connects in the background, retrying until the broker answers).
     *
     * @throws java.io.UncheckedIOException when the spool directory is unusable or locked by another instance
     */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            spool.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool " + props.spool().dir(), e);
        }
        listener.start();
        deadLetterRetention.start();
        drainer.start();
        writer.start();
        try {
            mqtt.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the MQTT client: " + e.getMessage(), e);
        }
        startedAt = Instant.now();
        running = true;
        log.info("ingest started: client id {}, subscription {}, spool {}", props.mqtt().clientId(),
                mqtt.sharedFilter(), props.spool().dir());
    }

    /**
     * Graceful stop: stops taking MQTT messages, lets the writer hand off and acknowledge everything queued (up to
     * 30 s), disconnects (the broker keeps the session), then stops the drainer and the listener and closes the
     * spool. Messages that arrive meanwhile stay unacknowledged and are redelivered to the next run.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        log.info("ingest stopping: flushing {} queued message(s)", queue.depthMessages());
        mqtt.stopIntake();
        processor.stop();
        writer.stop(30_000);
        mqtt.stop();
        drainer.stop();
        deadLetterRetention.stop();
        listener.stop();
        try {
            spool.close();
        } catch (IOException e) {
            log.warn("closing the spool failed: {}", e.getMessage());
        }
        running = false;
        log.info("ingest stopped ({} point(s) left in the spool)", spool.points());
    }

    /** True between {@link #start()} and {@link #stop()}. */
    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server stops (lower phases stop later). */
    @Override
    public int getPhase() {
        return 0;
    }

    /** The current state; cheap enough to call often. */
    public IngestStats stats() {
        boolean degraded = !spool.isEmpty() || deadLetters.pending() > 0 || !mqtt.subscribed();
        return new IngestStats(
                !writer.alive() ? "DOWN" : degraded ? "DEGRADED" : "UP",
                mqtt.connected(),
                mqtt.subscribed(),
                listener.listening(),
                metrics.messagesTotal(),
                metrics.pointsTotal(),
                metrics.duplicatesTotal(),
                metrics.messagesPerSecond(),
                metrics.pointsPerSecond(),
                queue.depthPoints(),
                queue.depthMessages(),
                mqtt.inflight(),
                spool.bytes(),
                spool.points(),
                metrics.deadLettersTotal(),
                metrics.deadLettersByReason(),
                deadLetters.pending(),
                metrics.deadLettersSuppressed(),
                metrics.lastSuccessfulWrite(),
                metrics.lastWriteError(),
                startedAt);
    }

    /**
     * Sets who is told about each batch once it is durable, before its acknowledgements (metering, issue 10).
     */
    public void onHandOff(io.tenantry.ingest.pipeline.HandOffListener listener) {
        writer.onHandOff(listener);
    }

    /** The directory cache (tests use it to observe invalidations). */
    public CachedTenantDirectory directory() {
        return directory;
    }

    /** When the spool last became empty after holding points, or null. */
    public Instant lastSpoolDrained() {
        return drainer.lastDrained();
    }
}
