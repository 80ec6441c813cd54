package io.tenantry.ingest.pipeline;

import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.ingest.spool.SpoolEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EnvelopeQueueTest {
    private static final long MS = 1_000_000L;
    private int nextId = 1;

    private Envelope env(int points) {
        List<SpoolEntry> ps = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            ps.add(new SpoolEntry(null, "plc/t/d", SharedBuckets.RAW, "m v=" + i + " " + i));
        }
        return new Envelope("plc/t/d", nextId++, 1, 1, Instant.now(), 0, "t", ps, List.of(), 0);
    }

    private Envelope env(String tenant, int points) {
        List<SpoolEntry> ps = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            ps.add(new SpoolEntry(null, "plc/" + tenant + "/d", SharedBuckets.RAW, "m v=" + i + " " + i));
        }
        return new Envelope("plc/" + tenant + "/d", nextId++, 1, 1, Instant.now(), 0, tenant, ps, List.of(), 0);
    }

    @Test
    void aTenantsBacklogDoesNotDelayAnotherTenantsMessageBeyondOneBatch() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(100_000, System::nanoTime);
        for (int i = 0; i < 40; i++) {
            q.put(env("flood", 500)); // 20,000 points: four full batches of 5,000
        }
        q.put(env("quiet", 1));
        q.put(env("quiet", 1));
        List<Envelope> first = q.takeBatch(5000, 1000 * MS, 10 * MS, () -> false);
        // round-robin: the quiet tenant's first message is in the very first batch, right after one flood message
        assertThat(first).extracting(Envelope::tenantTag).startsWith("flood", "quiet", "flood", "quiet", "flood");
        assertThat(first.stream().mapToInt(e -> e.points().size()).sum()).isLessThanOrEqualTo(5000);
        // each tenant's own order is kept, and arrival order is numbered for in-order acknowledgement
        List<Envelope> rest = new ArrayList<>(first);
        while (!q.isEmpty()) {
            rest.addAll(q.takeBatch(5000, 1000 * MS, 10 * MS, () -> false));
        }
        assertThat(rest).filteredOn(e -> e.tenantTag().equals("flood")).extracting(Envelope::order).isSorted().hasSize(40);
        assertThat(rest).extracting(Envelope::order).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.range(0, 42).boxed().toList());
        assertThat(q.depthPoints()).isZero();
        assertThat(q.depthTenants()).isZero();
    }

    @Test
    void withoutFairnessItIsOneFifoForEveryone() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(1000, System::nanoTime, false);
        q.put(env("a", 1));
        q.put(env("a", 1));
        q.put(env("b", 1));
        assertThat(q.takeBatch(10, 1000 * MS, 10 * MS, () -> true)).extracting(Envelope::tenantTag).containsExactly("a", "a", "b");
    }

    @Test
    void roundRobinContinuesAcrossBatchesAndInterruptPutsBackPerLane() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(1000, System::nanoTime);
        q.put(env("a", 1));
        q.put(env("a", 1));
        q.put(env("b", 1));
        q.put(env("c", 1));
        assertThat(q.takeBatch(2, 1000 * MS, 10 * MS, () -> false)).extracting(Envelope::tenantTag).containsExactly("a", "b");
        assertThat(q.depthTenants()).isEqualTo(2);
        assertThat(q.takeBatch(2, 1000 * MS, 10 * MS, () -> false)).extracting(Envelope::tenantTag).containsExactly("c", "a");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void acknowledgementsAreReleasedInArrivalOrder() throws Exception {
        EnvelopeQueue q = new EnvelopeQueue(1000, System::nanoTime);
        q.put(env("a", 1)); // order 0
        q.put(env("a", 1)); // 1
        q.put(env("b", 1)); // 2
        List<Envelope> b = q.takeBatch(10, 1000 * MS, 10 * MS, () -> true); // a0, b2, a1
        assertThat(b).extracting(Envelope::order).containsExactly(0L, 2L, 1L);
        AckSequencer s = new AckSequencer();
        assertThat(s.complete(b.get(1))).isEmpty(); // 2 waits for 0 and 1
        assertThat(s.complete(b.get(0))).extracting(Envelope::order).containsExactly(0L);
        assertThat(s.complete(b.get(2))).extracting(Envelope::order).containsExactly(1L, 2L);
        assertThat(s.waiting()).isZero();
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
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !f.isDone());
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
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !blocked.isDone()); // back-pressure
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
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> !third.isDone());
        assertThat(q.takeBatch(10, 10 * MS, 10 * MS, () -> false)).hasSizeGreaterThanOrEqualTo(2);
        third.get(2, TimeUnit.SECONDS);
    }

    /**
     * Issue 15 (freshness): a lone message is written once the queue has stayed empty for the linger, not after
     * the full max delay; what arrives during the linger joins the batch, and the linger runs from the first
     * time the queue ran empty (a trickle cannot hold the batch open). The clock is the test's: no timing.
     */
    @Test
    void aBatchClosesOnceTheQueueStaysDrainedForTheLinger() throws Exception {
        AtomicLong now = new AtomicLong(1_000 * MS);
        EnvelopeQueue q = new EnvelopeQueue(1000, now::get);
        q.put(env("a", 1));
        CompletableFuture<List<Envelope>> batch = CompletableFuture.supplyAsync(() -> {
            try {
                return q.takeBatch(5000, 3_600_000 * MS, 5 * MS, 10 * MS, () -> false);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> !batch.isDone()); // lingering
        q.put(env("b", 1)); // arrives during the linger: joins
        now.addAndGet(4 * MS);
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> !batch.isDone());
        now.addAndGet(1 * MS); // 5 ms since the queue first ran empty; b's arrival did not restart it
        assertThat(batch.get(5, TimeUnit.SECONDS)).extracting(Envelope::tenantTag).containsExactly("a", "b");
    }

    @Test
    void theOldFormWaitsTheMaxDelayForCompany() throws Exception {
        AtomicLong now = new AtomicLong(1_000 * MS);
        EnvelopeQueue q = new EnvelopeQueue(1000, now::get);
        q.put(env("a", 1));
        CompletableFuture<List<Envelope>> batch = CompletableFuture.supplyAsync(() -> {
            try {
                return q.takeBatch(5000, 1000 * MS, 10 * MS, () -> false);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        now.addAndGet(999 * MS);
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> !batch.isDone());
        now.addAndGet(1 * MS);
        assertThat(batch.get(5, TimeUnit.SECONDS)).hasSize(1);
    }
}
