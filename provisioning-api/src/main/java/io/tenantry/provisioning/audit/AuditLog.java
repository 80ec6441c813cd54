package io.tenantry.provisioning.audit;

import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.AuditEventsRecord;
import io.tenantry.web.auth.Actor;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.AUDIT_EVENTS;

/**
 * Append-only audit trail of every mutation (design note 003 §10 "Auditoria"), hash-chained so tampering is
 * detectable: {@code hash = SHA-256(prev_hash ‖ canonical(row))}, the first row chaining from 64 zeros. The app's
 * database role has no UPDATE or DELETE on the table; appends serialise on a transaction-scoped advisory lock so
 * the chain never forks.
 */
@Component
public class AuditLog {
    /** The {@code prev_hash} of the first event. */
    public static final String GENESIS = "0".repeat(64);
    private static final long LOCK_KEY = 0x6175_6469_74L; // "audit"
    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Appends one event in the caller's transaction.
     *
     * @param tenant  the tenant concerned, or null for platform-wide events
     * @param action  e.g. {@code device.created}
     * @param target  e.g. {@code device:<uuid>}
     * @param details small key/value context (no secrets)
     */
    public void append(DSLContext tx, Actor actor, TenantId tenant, String action, String target, String requestId,
                       Map<String, String> details) {
        tx.execute("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
        String prev = tx.select(AUDIT_EVENTS.HASH).from(AUDIT_EVENTS).orderBy(AUDIT_EVENTS.SEQ.desc()).limit(1)
                .fetchOptional(AUDIT_EVENTS.HASH).orElse(GENESIS);
        AuditEventsRecord r = tx.newRecord(AUDIT_EVENTS);
        r.setId(UUID.randomUUID());
        r.setOccurredAt(OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS));
        r.setActor(actor == null ? "system" : actor.subject() + actor.tenantId().map(t -> "@" + t).orElse("@platform"));
        r.setTenantId(tenant == null ? null : tenant.value());
        r.setAction(action);
        r.setTarget(target);
        r.setRequestId(requestId);
        r.setDetails(details == null || details.isEmpty() ? null : new TreeMap<>(details).toString());
        r.setPrevHash(prev);
        r.setHash(hash(prev, r));
        r.insert();
    }

    /** The chain hash of a row given its predecessor's hash. */
    public static String hash(String prevHash, AuditEventsRecord r) {
        String canonical = String.join("\u001f",
                prevHash,
                r.getId().toString(),
                r.getOccurredAt().withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                r.getActor(),
                Objects.toString(r.getTenantId(), ""),
                r.getAction(),
                r.getTarget(),
                Objects.toString(r.getRequestId(), ""),
                Objects.toString(r.getDetails(), ""));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
