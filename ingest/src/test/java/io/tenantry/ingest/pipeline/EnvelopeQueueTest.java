package io.tenantry.ingest.pipeline;

import io.tenantry.ingest.spool.SpoolEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeQueueTest {
    private static final long MS = 1_000_000L;
    private int nextId = 1;

    private Envelope env(int points) {
        List<SpoolEntry> ps = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            ps.add(new SpoolEntry(null, "plc/t/d", "m v=" + i + " " + i));
        }
        return new Envelope("plc/t/d", nextId++, 1, 1, Instant.now(), 0, "t", ps, List.of(), 0);
    }

    @Test
    void batchClosesAtMaxPointsWithoutSplittingMessages() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(1000, System::nanoTime);
        for (int i = 0; i < 5; i++) {
            q.put(env(3));
        }
        List<Envelope> b1 = q.takeBatch(7, 1000 * MS, 10 * MS, () -> false);
        assertThat(b1).extracting(Envelope::messageId).containsExactly(1, 2); // a third would make 9 > 7
        List<Envelope> b2 = q.takeBatch(6, 1000 * MS, 10 * MS, () -> false);
        assertThat(b2).extracting(Envelope::messageId).containsExactly(3, 4); // exactly 6: closes at once
        assertThat(q.depthMessages()).isEqualTo(1);
        assertThat(q.depthPoints()).isEqualTo(3);
    }

    @Test
    void batchClosesWhenTheOldestMessageHasWaitedMaxDelay() throws Exception {
        AtomicLong now = new AtomicLong(0);
        EnvelopeQueue q = new EnvelopeQueue(1000, now::get);
        q.put(env(1));
        now.set(400 * MS);
        q.put(env(1));
        CompletableFuture<List<Envelope>> f = CompletableFuture.supplyAsync(() -> {
            try {
                return q.takeBatch(5000, 1000 * MS, 10 * MS, () -> false);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertThat(f).isNotDone();
        now.set(1000 * MS); // the first message is 1 s old
        assertThat(f.get(2, TimeUnit.SECONDS)).hasSize(2);
    }

    @Test
    void idleTakeReturnsEmptyAndFlushNowClosesAtOnce() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(1000, System::nanoTime);
        assertThat(q.takeBatch(10, 1000 * MS, 20 * MS, () -> false)).isEmpty();
        q.put(env(1));
        long t0 = System.nanoTime();
        assertThat(q.takeBatch(10, 5000 * MS, 20 * MS, () -> true)).hasSize(1);
        assertThat(System.nanoTime() - t0).isLessThan(1000 * MS);
    }

    @Test
    void putBlocksWhileFullAndAnOversizedMessageStillFitsAnEmptyQueue() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(5, System::nanoTime);
        q.put(env(20)); // bigger than the capacity, queue empty: admitted
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                q.put(env(1));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        assertThat(blocked).isNotDone(); // back-pressure
        assertThat(q.takeBatch(5000, 10 * MS, 10 * MS, () -> false)).hasSize(1);
        blocked.get(2, TimeUnit.SECONDS);
        assertThat(q.depthMessages()).isEqualTo(1);
    }

    @Test
    void messagesWithoutPointsWeighOne() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(2, System::nanoTime);
        q.put(env(0));
        q.put(env(0));
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                q.put(env(0));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(150);
        assertThat(third).isNotDone();
        assertThat(q.takeBatch(10, 10 * MS, 10 * MS, () -> false)).hasSizeGreaterThanOrEqualTo(2);
        third.get(2, TimeUnit.SECONDS);
    }
}
