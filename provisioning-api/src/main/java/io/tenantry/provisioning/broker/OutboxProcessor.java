package io.tenantry.provisioning.broker;

import io.tenantry.core.error.UnavailableException;
import io.tenantry.db.jooq.tables.records.OutboxRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tenantry.db.jooq.Tables.OUTBOX;

/**
 * Applies due outbox entries to the broker, one login at a time, oldest first. All pending entries of a login are
 * applied together with the newest password among them (a later rotation wins). A failed login is retried with
 * exponential backoff (1 s doubling, at most 16 s); while the broker is unreachable processing stops and resumes
 * on the next run (every 2 s, and right after each API change, {@link #applyNow()}). Runs under a PostgreSQL advisory lock, so one
 * instance of a cluster processes at a time.
 */
@Component
public class OutboxProcessor {
    private static final Logger log = LoggerFactory.getLogger(OutboxProcessor.class);
    private static final long LOCK_KEY = 0x7465_6e61_6e74_7279L; // "tenantry"

    private final DSLContext dsl;
    private final Outbox outbox;
    private final BrokerSync sync;

    public OutboxProcessor(DSLContext dsl, Outbox outbox, BrokerSync sync) {
        this.dsl = dsl;
        this.outbox = outbox;
        this.sync = sync;
    }

    /**
     * Applies due entries now, on the caller's thread, right after an API change has committed, so the broker
     * usually follows before the response leaves. Never throws: what fails stays in the outbox and is retried
     * every 2 s (logged).
     */
    @Scheduled(fixedDelay = 2000, initialDelay = 2000)
    public void applyNow() {
        try {
            processDue();
        } catch (RuntimeException e) {
            log.warn("outbox processing failed: {}", e.getMessage());
        }
    }

    /**
     * Applies every due entry.
     *
     * @return logins applied in this run
     */
    public synchronized int processDue() {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            Boolean locked = tx.select(DSL.field("pg_try_advisory_xact_lock({0})", Boolean.class, DSL.val(LOCK_KEY))).fetchOne(0, Boolean.class);
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<OutboxRecord> due = tx.selectFrom(OUTBOX).where(OUTBOX.DONE_AT.isNull()).and(OUTBOX.NEXT_ATTEMPT_AT.le(now))
                    .orderBy(OUTBOX.ID).limit(500).fetch();
            Map<String, Boolean> logins = new LinkedHashMap<>();
            due.forEach(r -> logins.put(r.getAggregateId(), true));
            int applied = 0;
            for (String username : logins.keySet()) {
                List<OutboxRecord> pending = tx.selectFrom(OUTBOX).where(OUTBOX.DONE_AT.isNull())
                        .and(OUTBOX.AGGREGATE_ID.eq(username)).orderBy(OUTBOX.ID).fetch();
                String password = null;
                for (OutboxRecord r : pending) {
                    if (r.getSecret() != null) {
                        password = outbox.open(r.getSecret());
                    }
                }
                try {
                    List<String> changes = sync.apply(username, password);
                    if (!changes.isEmpty()) {
                        log.info("broker sync {}: {}", username, changes);
                    }
                    for (OutboxRecord r : pending) {
                        r.setDoneAt(OffsetDateTime.now(ZoneOffset.UTC));
                        r.setSecret(null);
                        r.setLastError(null);
                        r.store();
                    }
                    applied++;
                } catch (RuntimeException e) {
                    for (OutboxRecord r : pending) {
                        int attempts = r.getAttempts() + 1;
                        r.setAttempts(attempts);
                        long backoff = Math.min(16, 1L << Math.min(4, attempts - 1));
                        r.setNextAttemptAt(OffsetDateTime.now(ZoneOffset.UTC).plus(Duration.ofSeconds(backoff)));
                        String msg = String.valueOf(e.getMessage());
                        r.setLastError(msg.length() > 1000 ? msg.substring(0, 1000) : msg);
                        r.store();
                    }
                    if (e instanceof UnavailableException) {
                        log.warn("broker unavailable, outbox paused: {}", e.getMessage());
                        break;
                    }
                    log.warn("broker sync of {} failed: {}", username, e.getMessage());
                }
            }
            return applied;
        });
    }

    /** Entries not yet applied. */
    public int pendingCount() {
        return dsl.fetchCount(OUTBOX, OUTBOX.DONE_AT.isNull());
    }
}
