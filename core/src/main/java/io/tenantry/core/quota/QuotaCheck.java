package io.tenantry.core.quota;

import io.tenantry.core.id.TenantId;

import java.util.Objects;

/**
 * Asks whether a tenant may store more data: the port ingest calls once per message, before its points are queued
 * (issue 9 §2; design note 003 §7–8, quotas per plan, hard cap). The quota issue implements it from metered usage;
 * until then {@link #ALWAYS_ALLOW} is wired. Implementations must be cheap (an in-memory look-up: this runs on the
 * MQTT callback thread for every message) and thread-safe, and must never throw for an unknown tenant (allow).
 */
@FunctionalInterface
public interface QuotaCheck {
    /** The default until quotas are metered: every message is allowed. */
    QuotaCheck ALWAYS_ALLOW = (tenant, fieldValues) -> Decision.ALLOW;

    /** What to do with a message. */
    enum Verdict {
        /** Store it. */
        ALLOW,
        /** Store it, but the tenant is near or over a soft limit (the caller may slow the tenant down). */
        THROTTLE,
        /**
         * Do not store it: the tenant is over its hard cap. The message is counted, and becomes a
         * {@code quota_exceeded} dead letter only when {@link QuotaCheck#keepSample} says so.
         */
        REJECT
    }

    /**
     * A verdict with its explanation.
     *
     * @param verdict what to do
     * @param reason  why, for the dead letter or the log; empty for {@link Verdict#ALLOW}
     */
    record Decision(Verdict verdict, String reason) {
        /** Allowed, no reason. */
        public static final Decision ALLOW = new Decision(Verdict.ALLOW, "");

        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * @param tenant      the tenant the message belongs to
     * @param fieldValues number of field values the message would store (sum over its points of their fields), ≥ 0
     * @return the decision; never null
     */
    Decision check(TenantId tenant, long fieldValues);

    /**
     * Whether a message just refused with {@link Verdict#REJECT} is kept as a {@code quota_exceeded} dead letter
     * (a bounded sample: a flood must not become a dead-letter flood, issue 10). Default: every one.
     */
    default boolean keepSample(TenantId tenant) {
        return true;
    }
}
