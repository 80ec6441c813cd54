package io.tenantry.core.timeseries;

import java.util.Set;

/**
 * Manages buckets and scoped credentials in the time-series store. Port; {@code InfluxV1BucketAdmin} maps a
 * bucket to a database + retention policy and a credential to a user with per-database grants; a 2.x adapter
 * would map them to buckets and tokens.
 * <p>
 * Rule (team decision): a tenant never receives a credential that can read a shared bucket directly, since it
 * would see every tenant's data. Credentials made here are for the platform's own services.
 */
public interface BucketAdmin {
    /** Access a credential has on one bucket. */
    enum Access { READ, WRITE, ALL }

    /** Creates the bucket (database and retention policy) if absent; idempotent. */
    void ensureBucket(Bucket bucket);

    /**
     * Creates a non-admin user if absent, sets its password, and makes its grants exactly {@code grants}
     * (revoking any others). Idempotent.
     */
    void ensureUser(String username, String password, Set<Grant> grants);

    /** Deletes a user; absent users are fine. */
    void dropUser(String username);

    /** The databases that exist. */
    Set<String> databases();

    /** One grant: which access on which bucket's database (1.x grants are per database). */
    record Grant(Bucket bucket, Access access) {
    }
}
