package io.tenantry.provisioning.outbox;

import io.tenantry.core.retry.Backoff;
import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.OutboxRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tenantry.db.jooq.Tables.OUTBOX;

/**
 * Applies due outbox entries, oldest first, by handing each ({@code kind}, aggregate) to the {@link OutboxHandler}
 * of that kind. All pending entries of one aggregate are applied together with the newest secret among them (a
 * later rotation wins). A failed aggregate is retried with exponential backoff (1 s doubling, at most 16 s); an
 * entry whose kind has no handler backs off the same way (and is logged). While a target is unreachable
 * ({@link UnavailableException}) processing stops and resumes on the next run.
 * <p>
 * Runs right after every transaction that enqueued entries ({@link OutboxCommitted}, see {@link Outbox}: only the
 * aggregates that transaction enqueued, on its thread), every 2 s and from the reconciler (every due aggregate).
 * <p>
 * Concurrency (issue 15): each aggregate is applied in its own transaction under a PostgreSQL advisory lock of
 * that aggregate ({@code pg_advisory_xact_lock(hashtextextended(kind/aggregate, …))}), so one aggregate is applied
 * by one thread of one instance at a time, while different aggregates (e.g. the logins of concurrent credential
 * requests) are applied in parallel. Before, one {@code synchronized} run under one global lock applied
 * everything, so concurrent requests queued behind each other's broker round trips. The after-commit path waits
 * for the aggregate's lock (another thread is applying it: the answer then says what that run achieved); the
 * periodic run skips aggregates locked by someone else. Nothing orders different aggregates: each names a state to
 * reach, not a step, so no handler depends on another aggregate's entry having been applied first. The thread of
 * the after-commit path still holds its request's connection while the aggregate's transaction takes a second
 * one: the pool is sized for that ({@code spring.datasource.hikari.maximum-pool-size}, application.yml).
 */
@Component
public class OutboxProcessor {
    private static final Logger log = LoggerFactory.getLogger(OutboxProcessor.class);
    private static final long LOCK_KEY = 0x7465_6e61_6e74_7279L; // "tenantry"

    private final DSLContext dsl;
    private final Outbox outbox;
    private final Map<String, OutboxHandler> handlers = new HashMap<>();
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    /**
     * @throws IllegalStateException when two handlers claim the same kind
     */
    public OutboxProcessor(DSLContext dsl, Outbox outbox, List<OutboxHandler> handlers, PlatformTransactionManager tm,
                           Clock clock) {
        this.dsl = dsl;
        this.outbox = outbox;
        this.clock = clock;
        for (OutboxHandler h : handlers) {
            OutboxHandler before = this.handlers.putIfAbsent(h.kind(), h);
            if (before != null) {
                throw new IllegalStateException("two outbox handlers for kind " + h.kind() + ": " + before + ", " + h);
            }
        }
        // its own transaction even when called from an after-commit hook, where the committed one is still bound
        this.ownTransaction = new TransactionTemplate(tm);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @EventListener
    void afterCommit(OutboxCommitted event) {
        for (Key key : event.keys()) {
            try {
                if (applyKey(key, true) == Outcome.UNAVAILABLE) {
                    return; // the target is away: the rest waits for the periodic run as well
                }
            } catch (RuntimeException e) {
                log.warn("outbox processing of {} failed: {}", key, e.getMessage());
            }
        }
    }

    /** Scheduled run; like {@link #processDue()} but never throws (what fails stays queued, logged). */
    @Scheduled(fixedDelay = 2000, initialDelay = 2000)
    void applyNow() {
        try {
            processDue();
        } catch (RuntimeException e) {
            log.warn("outbox processing failed: {}", e.getMessage());
        }
    }

    /**
     * Applies every due entry (each aggregate under its own lock; aggregates another thread is applying are
     * skipped, it applies them).
     *
     * @return aggregates applied in this run
     */
    public int processDue() {
        List<Key> keys = dsl.select(OUTBOX.KIND, OUTBOX.AGGREGATE_ID, DSL.min(OUTBOX.ID)).from(OUTBOX)
                .where(OUTBOX.DONE_AT.isNull()).and(OUTBOX.NEXT_ATTEMPT_AT.le(OffsetDateTime.now(clock)))
                .groupBy(OUTBOX.KIND, OUTBOX.AGGREGATE_ID).orderBy(DSL.min(OUTBOX.ID)).limit(500)
                .fetch(r -> new Key(r.value1(), r.value2()));
        int applied = 0;
        for (Key key : keys) {
            Outcome o = applyKey(key, false);
            if (o == Outcome.APPLIED) {
                applied++;
            } else if (o == Outcome.UNAVAILABLE) {
                break;
            }
        }
        return applied;
    }

    /** What one aggregate's run came to. */
    private enum Outcome { APPLIED, NOTHING_PENDING, LOCKED_ELSEWHERE, FAILED, UNAVAILABLE }

    /**
     * Applies every pending entry of one aggregate, in its own transaction under that aggregate's advisory lock.
     *
     * @param wait wait for the lock (after commit) instead of skipping an aggregate another thread is applying
     */
    private Outcome applyKey(Key key, boolean wait) {
        Outcome o = ownTransaction.execute(status -> applyKeyLocked(key, wait));
        return o == null ? Outcome.FAILED : o;
    }

    private Outcome applyKeyLocked(Key key, boolean wait) {
        var lockKey = DSL.field("hashtextextended({0}, {1})", Long.class, DSL.val(key.kind() + "/" + key.aggregateId()),
                DSL.val(LOCK_KEY));
        if (wait) {
            dsl.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, lockKey)).fetch();
        } else {
            Boolean locked = dsl.select(DSL.field("pg_try_advisory_xact_lock({0})", Boolean.class, lockKey))
                    .fetchOne(0, Boolean.class);
            if (!Boolean.TRUE.equals(locked)) {
                return Outcome.LOCKED_ELSEWHERE;
            }
        }
        List<OutboxRecord> pending = dsl.selectFrom(OUTBOX).where(OUTBOX.DONE_AT.isNull())
                .and(OUTBOX.KIND.eq(key.kind())).and(OUTBOX.AGGREGATE_ID.eq(key.aggregateId()))
                .orderBy(OUTBOX.ID).fetch();
        if (pending.isEmpty()) {
            return Outcome.NOTHING_PENDING;
        }
        try {
            OutboxHandler handler = handlers.get(key.kind());
            if (handler == null) {
                throw new IllegalStateException("no outbox handler for kind " + key.kind());
            }
            List<String> changes = handler.apply(fold(key, pending));
            if (!changes.isEmpty()) {
                log.info("{} {}: {}", key.kind(), key.aggregateId(), changes);
            }
            for (OutboxRecord r : pending) {
                r.setDoneAt(OffsetDateTime.now(clock));
                r.setSecret(null);
                r.setLastError(null);
                r.store();
            }
            return Outcome.APPLIED;
        } catch (RuntimeException e) {
            for (OutboxRecord r : pending) {
                int attempts = r.getAttempts() + 1;
                r.setAttempts(attempts);
                long backoffMs = Backoff.delayForAttempt(1000, 16_000, attempts); // 1 s doubling to 16 s
                r.setNextAttemptAt(OffsetDateTime.now(clock).plus(Duration.ofMillis(backoffMs)));
                String msg = String.valueOf(e.getMessage());
                r.setLastError(msg.length() > 1000 ? msg.substring(0, 1000) : msg);
                r.store();
            }
            if (e instanceof UnavailableException) {
                log.warn("{} target unavailable, outbox paused: {}", key.kind(), e.getMessage());
                return Outcome.UNAVAILABLE;
            }
            log.warn("{} of {} failed: {}", key.kind(), key.aggregateId(), e.getMessage());
            return Outcome.FAILED;
        }
    }

    /** One entry for the handler: the newest secret, the newest tenant id. */
    private OutboxEntry fold(Key key, List<OutboxRecord> pending) {
        String secret = null;
        TenantId tenant = null;
        for (OutboxRecord r : pending) {
            if (r.getSecret() != null) {
                secret = outbox.open(r.getSecret());
            }
            if (r.getTenantId() != null) {
                tenant = TenantId.of(r.getTenantId());
            }
        }
        return new OutboxEntry(key.kind(), tenant, key.aggregateId(), secret);
    }

    /** One aggregate of one kind: what an outbox entry names. */
    public record Key(String kind, String aggregateId) {
    }
}
