package io.tenantry.edge;

import io.tenantry.core.retry.Backoff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reliable publisher's bookkeeping without a broker: what may be sent when, and what each PUBACK reason code,
 * connection loss and refusal does to the queue and the counts (docs/telemetry.md, section 8.1). A fake clock drives
 * the retry pause.
 */
class DeliveryTrackerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static byte[] p(long seq) {
        return ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    }

    private DeliveryTracker tracker(Spool spool, int maxInflight, Duration resendWindow) {
        DeliveryTracker t = new DeliveryTracker(spool, maxInflight, 1000, resendWindow, now::get);
        t.connected();
        return t;
    }

    private static DeliveryTracker withMessages(DeliveryTracker t, long n) throws Exception {
        for (long i = 1; i <= n; i++) {
            assertThat(t.append(i, 1, p(i))).isEqualTo(i);
        }
        return t;
    }

    /** Everything poll() hands out now, by seq. */
    private static List<Spool.Entry> pollAll(DeliveryTracker t) {
        List<Spool.Entry> out = new ArrayList<>();
        for (Spool.Entry e; (e = t.poll()) != null; ) {
            out.add(e);
        }
        return out;
    }

    private static List<Long> seqs(List<Spool.Entry> es) {
        return es.stream().map(e -> e.firstSeq).toList();
    }

    @Test
    void sendsInOrderWithAtMostMaxInflightUnacknowledged() throws Exception {
        DeliveryTracker t = withMessages(tracker(Spool.inMemory(), 2, Duration.ZERO), 5);
        List<Spool.Entry> first = pollAll(t);
        assertThat(seqs(first)).containsExactly(1L, 2L);
        assertThat(t.inflight()).isEqualTo(2);
        assertThat(t.delivered(first.get(1))).isEqualTo(1); // acknowledgements may come out of order
        assertThat(seqs(pollAll(t))).containsExactly(3L);
        assertThat(t.delivered(first.get(1))).as("a duplicate PUBACK counts once").isZero();
        assertThat(t.stats().acknowledged()).isEqualTo(1);
        assertThat(t.stats().pending()).isEqualTo(4);
        assertThat(t.stats().published()).isEqualTo(5);
    }

    @Test
    void nothingIsSentWhileDisconnectedAndEverythingUnacknowledgedGoesAgainInOrder() throws Exception {
        DeliveryTracker t = withMessages(tracker(Spool.inMemory(), 10, Duration.ZERO), 4);
        List<Spool.Entry> sent = pollAll(t);
        t.delivered(sent.get(0));
        t.connectionLost();
        assertThat(t.poll()).isNull();
        assertThat(t.inflight()).isZero();
        // a late PUBACK of the lost connection still counts as delivered, without freeing a slot twice
        assertThat(t.delivered(sent.get(2))).isEqualTo(2);
        t.connected();
        assertThat(seqs(pollAll(t))).containsExactly(2L, 4L);
        assertThat(t.stats().connectionLosses()).isEqualTo(1);
        assertThat(t.stats().resent()).isZero();
    }

    @Test
    void aConnectionLossAlsoResendsWhatWasAcknowledgedWithinTheWindow() throws Exception {
        DeliveryTracker t = withMessages(tracker(Spool.inMemory(Duration.ofMinutes(5), 1000), 10, Duration.ofMinutes(5)), 3);
        List<Spool.Entry> sent = pollAll(t);
        t.delivered(sent.get(0));
        t.delivered(sent.get(1));
        t.connectionLost();
        t.connected();
        List<Spool.Entry> again = pollAll(t);
        assertThat(seqs(again)).containsExactly(1L, 2L, 3L);
        assertThat(t.stats().resent()).isEqualTo(2);
        // the copies' PUBACKs are not counted again as acknowledged
        assertThat(t.delivered(again.get(0))).isZero();
        assertThat(t.delivered(again.get(1))).isZero();
        assertThat(t.delivered(again.get(2))).isEqualTo(3);
        assertThat(t.stats().pending()).isZero();
    }

    @Test
    void noMatchingSubscribersKeepsTheMessageAndResendsFromItAfterADoublingPause() throws Exception {
        DeliveryTracker t = withMessages(tracker(Spool.inMemory(), 10, Duration.ZERO), 3);
        List<Spool.Entry> sent = pollAll(t);
        assertThat(DeliveryTracker.verdict(0x10)).isEqualTo(DeliveryTracker.Verdict.RETRY);
        assertThat(t.notDelivered(sent.get(1))).isEqualTo(250);
        // the answers for 2's successors, sent in the same generation, change nothing more
        assertThat(t.notDelivered(sent.get(2))).isEqualTo(-1);
        assertThat(t.poll()).as("paused").isNull();
        now.addAndGet(249_000_000L);
        assertThat(t.poll()).as("still paused").isNull();
        now.addAndGet(1_000_000L);
        List<Spool.Entry> again = pollAll(t);
        assertThat(seqs(again)).as("1 was in flight too: everything unacknowledged goes again, in order")
                .containsExactly(1L, 2L, 3L);
        assertThat(t.notDelivered(again.get(0))).isEqualTo(500);
        now.addAndGet(500_000_000L);
        again = pollAll(t);
        for (long expected : new long[]{1000, 2000, 4000, 4000}) {
            assertThat(t.notDelivered(again.get(0))).isEqualTo(expected);
            now.addAndGet(expected * 1_000_000L);
            again = pollAll(t);
        }
        assertThat(t.delivered(again.get(0))).isEqualTo(1);
        assertThat(t.notDelivered(again.get(1))).as("0x00 resets the pause").isEqualTo(250);
        assertThat(t.stats().notDelivered()).isEqualTo(7);
        assertThat(t.stats().acknowledged()).isEqualTo(1);
        assertThat(t.stats().pending()).isEqualTo(2);
    }

    @Test
    void reasonCodes() {
        assertThat(DeliveryTracker.verdict(0x00)).isEqualTo(DeliveryTracker.Verdict.DELIVERED);
        for (int rc : new int[]{0x10, 0x80, 0x83, 0x97}) {
            assertThat(DeliveryTracker.verdict(rc)).as("0x%02X", rc).isEqualTo(DeliveryTracker.Verdict.RETRY);
        }
        for (int rc : new int[]{0x87, 0x90, 0x91, 0x93, 0x95, 0x99}) {
            assertThat(DeliveryTracker.verdict(rc)).as("0x%02X", rc).isEqualTo(DeliveryTracker.Verdict.REFUSED);
        }
    }

    @Test
    void aRefusalStopsSendingAndKeepsTheMessageInTheSpoolDirectoryForTheNextRun(@TempDir Path dir) throws Exception {
        Spool spool = Spool.open(dir);
        DeliveryTracker t = withMessages(tracker(spool, 10, Duration.ZERO), 3);
        List<Spool.Entry> sent = pollAll(t);
        t.delivered(sent.get(0));
        assertThat(t.refused(sent.get(1), "PUBACK reason code 0x87")).isEqualTo(1);
        assertThat(t.refused(sent.get(1), "again")).isZero();
        assertThat(t.refusal()).contains("seq 2", "0x87", "kept in the spool directory");
        assertThat(t.poll()).isNull();
        assertThat(t.take()).as("the sender stops").isNull();
        assertThat(t.append(4, 1, p(4))).as("nothing more is queued").isZero();
        assertThat(t.awaitEmpty(0)).as("flush does not wait after a refusal").isTrue();
        t.closeSpool();

        try (Spool next = Spool.open(dir)) {
            // the segment is not done, and acknowledgements are not recorded: 1 goes again too (at least once)
            assertThat(next.recovered()).extracting(e -> e.firstSeq).containsExactly(1L, 2L, 3L);
            DeliveryTracker t2 = tracker(next, 10, Duration.ZERO);
            assertThat(t2.stats().recovered()).isEqualTo(3);
            assertThat(t2.stats().published()).isEqualTo(3);
            assertThat(seqs(pollAll(t2))).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aMessageTheClientDidNotTakeGoesBackToTheFront() throws Exception {
        DeliveryTracker t = withMessages(tracker(Spool.inMemory(), 1, Duration.ZERO), 2);
        Spool.Entry e = t.poll();
        assertThat(t.poll()).isNull();
        t.unsend(e);
        assertThat(t.inflight()).isZero();
        assertThat(t.poll()).isSameAs(e);
    }

    @Test
    void flushWaitsForEveryAcknowledgementAndAppendWaitsForRoom() throws Exception {
        DeliveryTracker t = new DeliveryTracker(Spool.inMemory(), 10, 2, Duration.ZERO, now::get);
        t.connected();
        withMessages(t, 2);
        assertThat(t.awaitEmpty(1_000_000)).as("two pending").isFalse();
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                t.append(3, 1, p(3)); // waits: the buffer holds 2
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        List<Spool.Entry> sent = pollAll(t);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> producer.getState() == Thread.State.TIMED_WAITING);
        assertThat(t.stats().published()).as("the third message waits for room").isEqualTo(2);
        t.delivered(sent.get(0));
        producer.join();
        assertThat(t.stats().published()).isEqualTo(3);
        t.delivered(sent.get(1));
        t.delivered(t.poll());
        assertThat(t.awaitEmpty(0)).isTrue();
    }

    @Test
    void backoffDoublesUpToItsMaximumAndResets() {
        Backoff b = new Backoff(5, 200);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pauses.add(b.next());
        }
        assertThat(pauses).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 200L, 200L);
        b.reset();
        assertThat(b.peek()).isEqualTo(5);
        assertThat(b.next()).isEqualTo(5);
    }
}
