package io.tenantry.ingest.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.spool.DiskSpool;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.stats.IngestMetrics;
import io.tenantry.ingest.telemetry.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BatchWriter#handle}: points grouped by bucket through the write port, one {@code influx_rejected} dead
 * letter per message owning refused points, acknowledgements in arrival order only after the points are durable,
 * and the spool when the store stays down.
 */
class BatchWriterTest {
    private static final Bucket DEDICATED = new Bucket("acme_raw", "autogen", Duration.ofDays(7));
    private final UUID tenantA = UUID.randomUUID();
    private final UUID tenantB = UUID.randomUUID();
    private final RecordingWriter store = new RecordingWriter();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final List<Envelope> acked = new CopyOnWriteArrayList<>();
    private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), System::currentTimeMillis);
    @TempDir
    Path dir;
    private DiskSpool spool;
    private BatchWriter writer;
    private long order;

    @BeforeEach
    void setUp() throws Exception {
        spool = new DiskSpool(dir, 1 << 20, 1 << 24);
        spool.open();
        PointDelivery delivery = new PointDelivery(store,
                new IngestProperties.Retry(2, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), spool, () -> { }, metrics);
        writer = new BatchWriter(new EnvelopeQueue(10_000, System::nanoTime), new IngestProperties.Batch(5000,
                Duration.ofSeconds(1), 10_000, true, Duration.ofSeconds(1)), delivery, deadLetters::addAll, acked::add, metrics, () -> false, 256 * 1024);
    }

    @AfterEach
    void tearDown() throws Exception {
        spool.close();
    }

    private Envelope message(UUID tenant, String slug, Bucket bucket, String... lines) {
        String topic = "plc/" + slug + "/press-1";
        List<SpoolEntry> points = new ArrayList<>();
        for (String l : lines) {
            points.add(new SpoolEntry(tenant, topic, bucket, l));
        }
        return new Envelope(topic, (int) order + 1, 1, 1, Instant.now(), 0, slug, points, List.of(), 0, order++);
    }

    @Test
    void pointsAreWrittenOneRequestPerBucketAndEveryMessageIsAckedInOrder() throws Exception {
        Envelope a1 = message(tenantA, "acme", DEDICATED, "a v=1 1", "a v=2 2");
        Envelope b1 = message(tenantB, "beta", SharedBuckets.RAW, "b v=1 1");
        Envelope a2 = message(tenantA, "acme", DEDICATED, "a v=3 3");
        writer.handle(List.of(a1, b1, a2));

        assertThat(store.calls).extracting(RecordingWriter.Call::bucket).containsExactly(DEDICATED, SharedBuckets.RAW);
        assertThat(store.storedLines(DEDICATED)).containsExactly("a v=1 1", "a v=2 2", "a v=3 3");
        assertThat(store.storedLines(SharedBuckets.RAW)).containsExactly("b v=1 1");
        assertThat(acked).containsExactly(a1, b1, a2);
        assertThat(deadLetters).isEmpty();
        assertThat(metrics.pointsTotal()).isEqualTo(4);
    }

    @Test
    void refusedPointsMakeOneDeadLetterPerOwningMessageAndTheRestIsStored() throws Exception {
        Envelope a1 = message(tenantA, "acme", SharedBuckets.RAW, "a v=1 1", "a BAD=1 2", "a BAD=2 3");
        Envelope b1 = message(tenantB, "beta", SharedBuckets.RAW, "b v=1 1");
        Envelope b2 = message(tenantB, "beta", DEDICATED, "b BAD=3 4", "b v=2 5");
        writer.handle(List.of(a1, b1, b2));

        assertThat(store.storedLines(SharedBuckets.RAW)).containsExactly("a v=1 1", "b v=1 1");
        assertThat(store.storedLines(DEDICATED)).containsExactly("b v=2 5");
        assertThat(deadLetters).hasSize(2);
        DeadLetter da = deadLetters.stream().filter(d -> tenantA.equals(d.tenantId())).findFirst().orElseThrow();
        assertThat(da.reason()).isEqualTo(RejectReason.INFLUX_REJECTED);
        assertThat(da.topic()).isEqualTo("plc/acme/press-1");
        assertThat(new String(da.payload())).contains("a BAD=1 2").contains("a BAD=2 3").doesNotContain("a v=1 1");
        DeadLetter db = deadLetters.stream().filter(d -> tenantB.equals(d.tenantId())).findFirst().orElseThrow();
        assertThat(new String(db.payload())).contains("b BAD=3 4").doesNotContain("b v=");
        assertThat(acked).containsExactly(a1, b1, b2);
        assertThat(metrics.pointsTotal()).as("refused points are not counted as stored").isEqualTo(3);
    }

    @Test
    void whileTheStoreStaysDownThePointsAreSpooledWithTheirBucketThenAcked() throws Exception {
        store.failNext.set(2); // both attempts of the retry fail
        Envelope a1 = message(tenantA, "acme", DEDICATED, "a v=1 1");
        Envelope b1 = message(tenantB, "beta", SharedBuckets.RAW, "b v=1 1");
        writer.handle(List.of(a1, b1));

        assertThat(store.calls).isEmpty();
        assertThat(acked).containsExactly(a1, b1);
        assertThat(spool.oldest().orElseThrow().entries()).containsExactlyElementsOf(
                List.of(a1.points().get(0), b1.points().get(0)));

        // once points wait in the spool, later batches queue behind them (order is kept)
        Envelope a2 = message(tenantA, "acme", DEDICATED, "a v=2 2");
        writer.handle(List.of(a2));
        assertThat(store.calls).isEmpty();
        assertThat(spool.points()).isEqualTo(3);
        assertThat(acked).containsExactly(a1, b1, a2);
    }

    @Test
    void aRetriableFailureWithinTheRetryBudgetStillWritesDirectly() throws Exception {
        store.failNext.set(1);
        Envelope a1 = message(tenantA, "acme", SharedBuckets.RAW, "a v=1 1");
        writer.handle(List.of(a1));
        assertThat(store.storedLines(SharedBuckets.RAW)).containsExactly("a v=1 1");
        assertThat(spool.isEmpty()).isTrue();
        assertThat(acked).containsExactly(a1);
    }

    @Test
    void aMessageWithOnlyDeadLettersIsAckedAfterTheyAreStored() throws Exception {
        DeadLetter d = new DeadLetter(Instant.now(), "plc/acme/press-1", tenantA, RejectReason.MALFORMED_JSON, "x",
                new byte[]{'{'});
        Envelope e = new Envelope("plc/acme/press-1", 1, 1, 1, Instant.now(), 0, "acme", List.of(), List.of(d), 0, order++);
        writer.handle(List.of(e));
        assertThat(store.calls).isEmpty();
        assertThat(deadLetters).containsExactly(d);
        assertThat(acked).containsExactly(e);
    }
}
