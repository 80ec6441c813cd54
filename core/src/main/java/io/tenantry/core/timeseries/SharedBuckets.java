package io.tenantry.core.timeseries;

import java.time.Duration;
import java.util.List;

/**
 * The shared buckets every tenant's data lands in, tagged {@code locatario_id} (design note 003 §5), plus the
 * platform's own metrics bucket (§9). Retention follows the longest plan (Enterprise: 30 d raw, 365 d aggregated,
 * §7); shorter plan retention is enforced per tenant by the quota jobs.
 */
public final class SharedBuckets {
    /** The tag carrying the tenant UUID on every point ({@link PlatformTags#TENANT}, the data contract). */
    public static final String TENANT_TAG = PlatformTags.TENANT;
    /** The tag carrying the device's PLC id ({@link PlatformTags#DEVICE}). */
    public static final String DEVICE_TAG = PlatformTags.DEVICE;

    public static final Bucket RAW = new Bucket("processo_raw", "autogen", Duration.ofDays(30));
    public static final Bucket PROCESSED = new Bucket("processo", "autogen", Duration.ofDays(365));
    public static final Bucket ONE_MINUTE = new Bucket("processo_1m", "autogen", Duration.ofDays(365));
    public static final Bucket PLATFORM_METRICS = new Bucket("platform_metrics", "autogen", Duration.ofDays(90));

    public static final List<Bucket> ALL = List.of(RAW, PROCESSED, ONE_MINUTE, PLATFORM_METRICS);

    private SharedBuckets() {
    }
}
