package io.tenantry.core.timeseries;

import java.util.Objects;

/**
 * Where a tenant's points live (issue 9 §1; design note 003 §5 shared buckets, §12 migration of a heavy tenant to
 * dedicated buckets {@code <slug>_raw}, {@code <slug>_proc}). One place decides: ingest writes raw points to
 * {@link #raw()}, rollups go to {@link #processed()} and {@link #oneMinute()}, and every read path resolves the same
 * placement. Held in PostgreSQL per tenant and carried in the tenant directory snapshot.
 *
 * @param kind      {@link Kind#SHARED} (default: the platform's shared buckets, points tagged {@code locatario_id})
 *                  or {@link Kind#DEDICATED} (the tenant's own buckets; points keep the tag)
 * @param raw       bucket of raw points
 * @param processed bucket of 10-second rollups
 * @param oneMinute bucket of 1-minute rollups
 */
public record StoragePlacement(Kind kind, Bucket raw, Bucket processed, Bucket oneMinute) {
    /** The default placement: {@link SharedBuckets#RAW}, {@link SharedBuckets#PROCESSED}, {@link SharedBuckets#ONE_MINUTE}. */
    public static final StoragePlacement SHARED = new StoragePlacement(Kind.SHARED, SharedBuckets.RAW,
            SharedBuckets.PROCESSED, SharedBuckets.ONE_MINUTE);

    /** Shared buckets, or a tenant's own. */
    public enum Kind { SHARED, DEDICATED }

    public StoragePlacement {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(processed, "processed");
        Objects.requireNonNull(oneMinute, "oneMinute");
    }
}
