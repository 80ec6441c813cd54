package io.tenantry.ingest.spool;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskSpoolTest {
    @TempDir
    Path dir;
    private final UUID tenant = UUID.randomUUID();
    /** A bucket whose names need encoding (space, percent, non-ASCII): the format must round-trip it. */
    private static final Bucket DEDICATED = new Bucket("acme raw%é", "rp 7d", Duration.ofDays(7));

    private List<SpoolEntry> entries(int from, int n) {
        List<SpoolEntry> l = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            l.add(new SpoolEntry(i % 2 == 0 ? tenant : null, "plc/acme/press-" + i, i % 3 == 0 ? DEDICATED : SharedBuckets.RAW,
                    "telemetry,locatario_id=" + tenant + " Volume\\ Flow\\ RateRMS=" + i + ".5,température°=1.0 " + i));
        }
        return l;
    }

    @Test
    void roundTripKeepsOrderTenantTopicBucketAndLinesIncludingNewlinesInStrings() throws IOException {
        List<SpoolEntry> all = new ArrayList<>(entries(0, 3));
        all.add(new SpoolEntry(tenant, "plc/acme/x", DEDICATED, "m note=\"two\nlines\" 9"));
        try (DiskSpool s = new DiskSpool(dir, 1 << 20, 1 << 30)) {
            s.open();
            assertThat(s.isEmpty()).isTrue();
            s.append(all.subList(0, 2));
            s.append(all.subList(2, 4));
            assertThat(s.points()).isEqualTo(4);
            assertThat(s.bytes()).isPositive();
            DiskSpool.Segment seg = s.oldest().orElseThrow();
            assertThat(seg.entries()).containsExactlyElementsOf(all);
            s.remove(seg);
            assertThat(s.isEmpty()).isTrue();
            assertThat(s.oldest()).isEmpty();
        }
    }

    @Test
    void survivesReopenAndDrainsOldestFirstAcrossSegments() throws IOException {
        try (DiskSpool s = new DiskSpool(dir, 600, 1 << 30)) { // tiny segments: rotates often
            s.open();
            for (int i = 0; i < 10; i++) {
                s.append(entries(i * 5, 5));
            }
        }
        try (DiskSpool s = new DiskSpool(dir, 600, 1 << 30)) {
            s.open();
            assertThat(s.points()).isEqualTo(50);
            List<SpoolEntry> read = new ArrayList<>();
            for (var seg = s.oldest(); seg.isPresent(); seg = s.oldest()) {
                read.addAll(seg.get().entries());
                s.remove(seg.get());
            }
            assertThat(read).containsExactlyElementsOf(entries(0, 50));
            assertThat(s.points()).isZero();
            assertThat(s.bytes()).isZero();
        }
    }

    @Test
    void aTornLastRecordIsCutOffOnOpen() throws IOException {
        try (DiskSpool s = new DiskSpool(dir, 1 << 20, 1 << 30)) {
            s.open();
            s.append(entries(0, 3));
            s.append(entries(3, 3));
        }
        Path seg;
        try (Stream<Path> files = Files.list(dir)) {
            seg = files.filter(p -> p.getFileName().toString().endsWith(".spool")).findFirst().orElseThrow();
        }
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(size - 10); // crash in the middle of the second append
        }
        try (DiskSpool s = new DiskSpool(dir, 1 << 20, 1 << 30)) {
            s.open();
            assertThat(s.points()).isEqualTo(3);
            assertThat(s.oldest().orElseThrow().entries()).containsExactlyElementsOf(entries(0, 3));
        }
        // a corrupted byte inside a record (bad CRC) is detected too
        byte[] data = Files.readAllBytes(seg);
        data[data.length - 5] ^= 0x01;
        Files.write(seg, data);
        try (DiskSpool s = new DiskSpool(dir, 1 << 20, 1 << 30)) {
            s.open();
            assertThat(s.points()).isZero();
        }
    }

    @Test
    void fullSpoolRefusesAndTheDirectoryIsExclusive() throws IOException {
        try (DiskSpool s = new DiskSpool(dir, 1 << 20, 2000)) {
            s.open();
            s.append(entries(0, 5));
            assertThatThrownBy(() -> s.append(entries(5, 20))).isInstanceOf(SpoolFullException.class);
            assertThat(s.points()).isEqualTo(5);
            DiskSpool other = new DiskSpool(dir, 1 << 20, 2000);
            assertThatThrownBy(other::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
        }
    }
}
