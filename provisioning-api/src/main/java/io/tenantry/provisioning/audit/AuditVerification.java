package io.tenantry.provisioning.audit;

import io.tenantry.db.jooq.tables.records.AuditEventsRecord;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static io.tenantry.db.jooq.Tables.AUDIT_EVENTS;

/**
 * Verifies the audit hash chain from the first row: each row's {@code prev_hash} must equal the previous row's
 * {@code hash}, and its {@code hash} must equal the recomputed one ({@link AuditLog#hash}).
 */
@Component
public class AuditVerification {
    private final DSLContext dsl;

    public AuditVerification(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Result of a verification.
     *
     * @param valid      true when the whole chain verifies
     * @param checked    rows checked (up to and including the first broken one)
     * @param brokenSeq  {@code seq} of the first broken row, or null
     * @param brokenId   {@code id} of the first broken row, or null
     * @param reason     why it is broken, or null
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "AuditVerification", description = "Outcome of verifying the audit hash chain")
    public record Result(boolean valid, long checked, Long brokenSeq, String brokenId, String reason) {
    }

    /** Streams the table in {@code seq} order and stops at the first broken row. */
    public Result verify() {
        String prev = AuditLog.GENESIS;
        long checked = 0;
        try (Cursor<AuditEventsRecord> rows = dsl.selectFrom(AUDIT_EVENTS).orderBy(AUDIT_EVENTS.SEQ).fetchSize(1000).fetchLazy()) {
            for (AuditEventsRecord r : rows) {
                checked++;
                if (!prev.equals(r.getPrevHash())) {
                    return new Result(false, checked, r.getSeq(), r.getId().toString(),
                            "prev_hash does not match the hash of the row before (a row was removed or reordered)");
                }
                String expected = AuditLog.hash(prev, r);
                if (!expected.equals(r.getHash())) {
                    return new Result(false, checked, r.getSeq(), r.getId().toString(),
                            "hash does not match the row's content (the row was edited)");
                }
                prev = r.getHash();
            }
        }
        return new Result(true, checked, null, null, null);
    }
}
