package io.tenantry.provisioning.broker;

import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.config.ProvisioningProperties;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static io.tenantry.db.jooq.Tables.OUTBOX;

/**
 * The transactional outbox (microservices.io "Transactional outbox"): a PostgreSQL change that the broker must
 * follow enqueues, in the same transaction, a "sync this broker login" entry; {@link OutboxProcessor} applies it
 * after commit and retries with backoff until the broker has it. Entries name what to sync, not what to do: the
 * processor re-reads the desired state, so applying an entry twice, late or out of order is harmless. A new
 * password travels sealed ({@link SecretBox}) and is wiped when applied.
 */
@Component
public class Outbox {
    /** Entry kind: bring one broker login (client + role) to its desired state. */
    public static final String BROKER_SYNC = "broker.sync";
    /** PostgreSQL NOTIFY channel telling ingest instances a tenant or its devices changed. */
    public static final String DIRECTORY_CHANNEL = "tenantry_directory";

    private final SecretBox secrets;

    public Outbox(ProvisioningProperties props) {
        this.secrets = new SecretBox(props.secretKey());
    }

    /**
     * Enqueues a broker sync of {@code username} in the caller's transaction.
     *
     * @param newPassword the login's new password, or null to keep the broker's
     */
    public void enqueueBrokerSync(DSLContext tx, TenantId tenant, String username, String newPassword) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        tx.insertInto(OUTBOX)
                .set(OUTBOX.KIND, BROKER_SYNC)
                .set(OUTBOX.TENANT_ID, tenant == null ? null : tenant.value())
                .set(OUTBOX.AGGREGATE_ID, username)
                .set(OUTBOX.SECRET, newPassword == null ? null : secrets.seal(newPassword))
                .set(OUTBOX.CREATED_AT, now)
                .set(OUTBOX.ATTEMPTS, 0)
                .set(OUTBOX.NEXT_ATTEMPT_AT, now)
                .execute();
    }

    /** Opens a sealed password from an entry. */
    String open(byte[] sealed) {
        return secrets.open(sealed);
    }

    /**
     * Tells listeners (ingest's tenant directory cache) that {@code tenant} changed; PostgreSQL delivers the
     * notification on commit only.
     */
    public static void notifyDirectory(DSLContext tx, TenantId tenant) {
        tx.execute("SELECT pg_notify(?, ?)", DIRECTORY_CHANNEL, tenant.toString());
    }
}
