package io.tenantry.ingest.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.ingest.config.IngestProperties;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.deadletter.DeadLetterStore;
import io.tenantry.ingest.spool.DiskSpool;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.stats.IngestMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spool written before the bucket was part of the record format (version 1, {@code #R}) still drains after the
 * upgrade: {@code spool/v1/seg-00000000000000000001.spool} was written by the DiskSpool of commit 4739ec2 (see the
 * README next to it). Its points go to {@link SharedBuckets#RAW}, the only bucket ingest wrote then; points
 * appended after the upgrade (version 2) keep their own bucket and drain after the old ones.
 */
class SpoolFormatUpgradeTest {
    private static final String TENANT = "5f0c6a9e-1b7d-4c38-9a51-2e8b7c4d1f20";
    private static final String M = TENANT + ".telemetry,locatario_id=" + TENANT;
    @TempDir
    Path dir;

    private void copyOldSegment() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/spool/v1/seg-00000000000000000001.spool")) {
            assertThat(in).isNotNull();
            Files.copy(in, dir.resolve("seg-00000000000000000001.spool"));
        }
    }

    @Test
    void aVersion1SegmentIsReadWithTheSharedRawBucket() throws Exception {
        copyOldSegment();
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 1 << 24)) {
            spool.open();
            assertThat(spool.points()).isEqualTo(3);
            assertThat(spool.oldest().orElseThrow().entries()).containsExactly(
                    new SpoolEntry(UUID.fromString(TENANT), "plc/acme/plc-1", SharedBuckets.RAW,
                            M + ",plc_id=plc-1,type=siemens_s7 temp=21.5 1700000000000000000"),
                    new SpoolEntry(UUID.fromString(TENANT), "plc/acme/plc-1", SharedBuckets.RAW,
                            M + ",plc_id=plc-1,type=siemens_s7 note=\"two\nlines\" 1700000000000000001"),
                    new SpoolEntry(null, "plc/acme/plc-2", SharedBuckets.RAW,
                            M + ",plc_id=plc-2,type=opcua rpm=1200i 1700000000000000002"));
        }
    }

    @Test
    void anOldSpoolDrainsAfterTheUpgradeThenTheNewRecordsWithTheirBuckets() throws Exception {
        copyOldSegment();
        Bucket dedicated = new Bucket("acme_raw", "autogen", Duration.ofDays(30));
        RecordingWriter store = new RecordingWriter();
        List<DeadLetter> refused = new CopyOnWriteArrayList<>();
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), System::currentTimeMillis);
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 1 << 24)) {
            spool.open();
            spool.append(List.of(new SpoolEntry(UUID.fromString(TENANT), "plc/acme/plc-1", dedicated,
                    M + ",plc_id=plc-1,type=siemens_s7 temp=22.5 1700000000000000003")));
            SpoolDrainer drainer = new SpoolDrainer(spool, store, new DeadLetterStore(null, dir.resolve("dl.jsonl")),
                    refused::addAll, metrics, new IngestProperties.Spool(dir, DataSize.ofMegabytes(1),
                    DataSize.ofMegabytes(16), Duration.ofMillis(20), 2, Duration.ofMillis(200)));
            drainer.start();
            try {
                drainer.wake();
                await().atMost(Duration.ofSeconds(10)).until(spool::isEmpty);
            } finally {
                drainer.stop();
            }
        }
        assertThat(store.calls).extracting(RecordingWriter.Call::bucket)
                .containsExactly(SharedBuckets.RAW, SharedBuckets.RAW, dedicated); // chunks of 2 points
        assertThat(store.storedLines(SharedBuckets.RAW)).containsExactly(
                M + ",plc_id=plc-1,type=siemens_s7 temp=21.5 1700000000000000000",
                M + ",plc_id=plc-1,type=siemens_s7 note=\"two\nlines\" 1700000000000000001",
                M + ",plc_id=plc-2,type=opcua rpm=1200i 1700000000000000002");
        assertThat(store.storedLines(dedicated)).containsExactly(M + ",plc_id=plc-1,type=siemens_s7 temp=22.5 1700000000000000003");
        assertThat(refused).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".spool")))
                    .as("drained segments are deleted").isEmpty();
        }
    }
}
