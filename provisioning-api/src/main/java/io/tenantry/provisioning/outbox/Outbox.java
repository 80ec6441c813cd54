package io.tenantry.provisioning.outbox;

import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.config.ProvisioningProperties;
import org.jooq.DSLContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.Set;

import static io.tenantry.db.jooq.Tables.OUTBOX;

/**
 * The transactional outbox (microservices.io "Transactional outbox"): a PostgreSQL change that another system must
 * follow enqueues, in the same transaction, an entry naming what to bring in step ({@code kind} + aggregate id).
 * <p>
 * <b>After commit, from one place:</b> the first {@link #enqueue} of a transaction registers a hook that, once that
 * transaction has committed, publishes {@link OutboxCommitted} naming what the transaction enqueued;
 * {@link OutboxProcessor} then applies those aggregates on the same thread, so the broker usually follows before
 * the API response leaves. No caller applies the outbox
 * by hand. What fails stays queued and is retried by the processor's schedule (every 2 s) and the reconciler.
 * <p>
 * A new password travels sealed ({@link SecretBox}, AES-256-GCM) and is wiped when applied.
 */
@Component
public class Outbox {
    /** Entry kind: bring one broker login (client + role) to its desired state (handler in {@code broker}). */
    public static final String BROKER_SYNC = "broker.sync";

    private final SecretBox secrets;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public Outbox(ProvisioningProperties props, Clock clock, ApplicationEventPublisher events) {
        this.secrets = new SecretBox(props.secretKey());
        this.clock = clock;
        this.events = events;
    }

    /**
     * Enqueues an entry in the caller's transaction; it is applied right after that transaction commits.
     *
     * @param kind        the handler's kind, e.g. {@link #BROKER_SYNC}
     * @param tenant      the tenant concerned, or null
     * @param aggregateId what to bring in step (e.g. an MQTT username)
     * @param secret      a secret the handler needs once (sealed at rest, wiped when applied), or null
     * @throws IllegalStateException outside a transaction: the entry must commit with the change it follows
     */
    public void enqueue(DSLContext tx, String kind, TenantId tenant, String aggregateId, String secret) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("outbox entries are enqueued inside the transaction of the change they follow");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        tx.insertInto(OUTBOX)
                .set(OUTBOX.KIND, kind)
                .set(OUTBOX.TENANT_ID, tenant == null ? null : tenant.value())
                .set(OUTBOX.AGGREGATE_ID, aggregateId)
                .set(OUTBOX.SECRET, secret == null ? null : secrets.seal(secret))
                .set(OUTBOX.CREATED_AT, now)
                .set(OUTBOX.ATTEMPTS, 0)
                .set(OUTBOX.NEXT_ATTEMPT_AT, now)
                .execute();
        applyAfterCommit(new OutboxProcessor.Key(kind, aggregateId));
    }

    /**
     * Enqueues a broker sync of {@code username} ({@link #BROKER_SYNC}) in the caller's transaction.
     *
     * @param newPassword the login's new password, or null to keep the broker's
     */
    public void enqueueBrokerSync(DSLContext tx, TenantId tenant, String username, String newPassword) {
        enqueue(tx, BROKER_SYNC, tenant, username, newPassword);
    }

    /** True while an entry for {@code aggregateId} waits to be applied. */
    public boolean pending(DSLContext ctx, String aggregateId) {
        return ctx.fetchExists(OUTBOX, OUTBOX.AGGREGATE_ID.eq(aggregateId).and(OUTBOX.DONE_AT.isNull()));
    }

    /**
     * Tells listeners (every {@code CachedTenantDirectory}, on {@link TenantDirectory#CHANGE_CHANNEL}) that {@code tenant} changed; PostgreSQL delivers the
     * notification on commit only.
     */
    public void notifyDirectory(DSLContext tx, TenantId tenant) {
        tx.execute("SELECT pg_notify(?, ?)", TenantDirectory.CHANGE_CHANNEL, tenant.toString());
    }

    /** Opens a sealed secret from an entry. */
    String open(byte[] sealed) {
        return secrets.open(sealed);
    }

    /**
     * Registers, once per transaction, the hook that publishes {@link OutboxCommitted} after commit, and adds
     * {@code key} to what it names.
     */
    private void applyAfterCommit(OutboxProcessor.Key key) {
        @SuppressWarnings("unchecked")
        Set<OutboxProcessor.Key> keys = (Set<OutboxProcessor.Key>) TransactionSynchronizationManager.getResource(this);
        if (keys != null) {
            keys.add(key);
            return;
        }
        Set<OutboxProcessor.Key> mine = new LinkedHashSet<>();
        mine.add(key);
        TransactionSynchronizationManager.bindResource(this, mine);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                events.publishEvent(new OutboxCommitted(mine));
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(Outbox.this);
            }
        });
    }
}
