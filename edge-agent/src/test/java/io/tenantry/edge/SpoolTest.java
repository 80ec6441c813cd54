package io.tenantry.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpoolTest {
    private static byte[] p(long seq) {
        return ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> drainOrder(Spool s, long gen) {
        List<Long> out = new ArrayList<>();
        for (Spool.Entry e; (e = s.nextToSend()) != null; ) {
            s.markSent(e, gen);
            out.add(e.firstSeq);
        }
        return out;
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> l = Files.list(dir)) {
            return l.filter(f -> f.getFileName().toString().startsWith("seg-")).sorted().toList();
        }
    }

    @Test
    void sendsInOrderAndResendsEverythingUnacknowledgedAfterALoss() throws Exception {
        Spool s = Spool.inMemory();
        List<Spool.Entry> es = new ArrayList<>();
        for (long i = 1; i <= 5; i++) {
            es.add(s.append(i, 1, p(i)));
        }
        assertThat(drainOrder(s, 0)).containsExactly(1L, 2L, 3L, 4L, 5L);
        s.done(es.get(0));
        s.done(es.get(2)); // acknowledgements may come out of order
        assertThat(s.pending()).isEqualTo(3);
        s.requeueAll(); // connection lost
        assertThat(drainOrder(s, 1)).containsExactly(2L, 4L, 5L);
        assertThat(s.done(es.get(2))).isFalse(); // a late duplicate acknowledgement
    }

    @Test
    void acknowledgedMessagesWithinTheResendWindowGoAgainAfterALossInOrderFirst() throws Exception {
        Spool s = Spool.inMemory(java.time.Duration.ofMinutes(5), 3);
        List<Spool.Entry> es = new ArrayList<>();
        for (long i = 1; i <= 6; i++) {
            es.add(s.append(i, 1, p(i)));
        }
        assertThat(drainOrder(s, 0)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        long before = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            s.done(es.get(i)); // 1..5 acknowledged; the window keeps at most 3 of them (3, 4, 5)
        }
        assertThat(s.ackedKept()).isEqualTo(3);
        assertThat(s.requeueAll(before)).isEqualTo(3); // connection lost: 3, 4, 5 go again, then 6
        assertThat(s.pending()).isEqualTo(4);
        List<Spool.Entry> again = new ArrayList<>();
        for (Spool.Entry e; (e = s.nextToSend()) != null; ) {
            s.markSent(e, 1);
            again.add(e);
        }
        assertThat(again).extracting(e -> e.firstSeq).containsExactly(3L, 4L, 5L, 6L);
        assertThat(again).extracting(e -> e.resend).containsExactly(true, true, true, false);
        assertThat(new String(again.get(0).payload, StandardCharsets.UTF_8)).isEqualTo("{\"seq\":3}");
        for (Spool.Entry e : again) {
            assertThat(s.done(e)).isTrue();
        }
        assertThat(s.pending()).isZero();
        // only what was acknowledged at or after the given time goes again
        assertThat(s.requeueAll(System.nanoTime() + 1_000_000_000L)).isZero();
        assertThat(s.nextToSend()).isNull();
    }

    @Test
    void withoutAResendWindowNothingAcknowledgedGoesAgain() throws Exception {
        Spool s = Spool.inMemory();
        Spool.Entry a = s.append(1, 1, p(1));
        s.append(2, 1, p(2));
        long before = System.nanoTime();
        drainOrder(s, 0);
        s.done(a);
        assertThat(s.requeueAll(before)).isZero();
        assertThat(drainOrder(s, 1)).containsExactly(2L);
    }

    @Test
    void aRefusedMessageStaysPendingAndOnDiskButIsNotSentAgain(@TempDir Path dir) throws Exception {
        Spool s = Spool.open(dir);
        Spool.Entry a = s.append(1, 1, p(1));
        Spool.Entry b = s.append(2, 1, p(2));
        drainOrder(s, 0);
        assertThat(s.refuse(a)).isTrue();
        assertThat(s.refuse(a)).isFalse();
        assertThat(s.done(a)).isFalse(); // a refused message is not acknowledged later by accident
        s.done(b);
        assertThat(s.pending()).isEqualTo(1);
        s.requeueAll();
        assertThat(s.nextToSend()).isNull();
        s.close();
        Spool reopened = Spool.open(dir); // the next run sends it again
        assertThat(reopened.recovered()).extracting(e -> e.firstSeq).contains(1L);
        reopened.close();
    }

    @Test
    void aMessageTheClientDidNotTakeGoesBackToTheFront() throws Exception {
        Spool s = Spool.inMemory();
        Spool.Entry a = s.append(1, 1, p(1));
        s.append(2, 1, p(2));
        Spool.Entry first = s.nextToSend();
        assertThat(first).isSameAs(a);
        s.markSent(first, 0);
        s.unsend(first);
        assertThat(drainOrder(s, 0)).containsExactly(1L, 2L);
        // acknowledged while queued again: skipped
        s.requeueAll();
        s.done(a);
        assertThat(drainOrder(s, 1)).containsExactly(2L);
    }

    @Test
    void segmentsAreWrittenDeletedWhenDoneAndRecoveredByTheNextRun(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("dev-1");
        int n = Spool.SEGMENT_RECORDS * 2 + 500;
        List<Spool.Entry> es = new ArrayList<>();
        try (Spool s = Spool.open(dir)) {
            for (long i = 1; i <= n; i++) {
                es.add(s.append(i, 1, p(i)));
            }
            assertThat(segments(dir)).hasSize(3);
            for (int i = 0; i < Spool.SEGMENT_RECORDS + 10; i++) {
                s.done(es.get(i));
            }
            assertThat(segments(dir)).hasSize(2); // the first segment is complete and gone
            assertThatThrownBy(() -> Spool.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
        // the next run gets what was not acknowledged, in order; the partly done segment is sent whole again
        try (Spool s = Spool.open(dir)) {
            assertThat(s.recovered()).hasSize(n - Spool.SEGMENT_RECORDS);
            assertThat(s.recovered().get(0).firstSeq).isEqualTo(Spool.SEGMENT_RECORDS + 1);
            assertThat(new String(s.recovered().get(0).payload, StandardCharsets.UTF_8)).isEqualTo("{\"seq\":1001}");
            Spool.Entry fresh = s.append(9999, 3, p(9999));
            List<Long> order = drainOrder(s, 0);
            assertThat(order).hasSize(n - Spool.SEGMENT_RECORDS + 1).endsWith(9999L);
            assertThat(order.subList(0, order.size() - 1)).isSorted();
            for (Spool.Entry e : s.recovered()) {
                s.done(e);
            }
            s.done(fresh);
            assertThat(s.pending()).isZero();
        }
        assertThat(segments(dir)).isEmpty();
    }

    @Test
    void aTornLastRecordIsDropped(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("dev-2");
        try (Spool s = Spool.open(dir)) {
            for (long i = 1; i <= 3; i++) {
                s.append(i, 1, p(i));
            }
        }
        Path seg = segments(dir).get(0);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (Spool s = Spool.open(dir)) {
            assertThat(s.recovered()).extracting(e -> e.firstSeq).containsExactly(1L, 2L);
        }
    }

    @Test
    void safeDirectoryNames() {
        assertThat(ReliablePublisher.safeName("t_acme_pump-1.a")).isEqualTo("t_acme_pump-1.a");
        assertThat(ReliablePublisher.safeName("a/b")).startsWith("a_b-").isNotEqualTo(ReliablePublisher.safeName("a:b"));
        assertThat(ReliablePublisher.safeName("..")).startsWith("..-");
    }
}
