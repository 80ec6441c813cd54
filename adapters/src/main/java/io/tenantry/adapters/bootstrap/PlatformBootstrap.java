package io.tenantry.adapters.bootstrap;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.timeseries.BucketAdmin;
import io.tenantry.core.timeseries.BucketAdmin.Access;
import io.tenantry.core.timeseries.BucketAdmin.Grant;
import io.tenantry.core.timeseries.SharedBuckets;

import java.util.List;
import java.util.Set;

/**
 * Ensures what the platform needs before any tenant exists (issue 3, "What happens outside PostgreSQL"):
 * the shared buckets ({@link SharedBuckets#ALL}) and least-privilege identities for the platform's own services,
 * separate from the admin users:
 * <ul>
 *   <li>InfluxDB {@code ingest}: WRITE on {@code processo_raw} only;</li>
 *   <li>InfluxDB {@code jobs} (quotas, downsampling, alerts): ALL on raw (READ for rollups, WRITE because InfluxQL
 *       {@code DELETE} needs it: per-plan retention, issue 11), ALL on processed, 1m and metrics;</li>
 *   <li>InfluxDB {@code api} (telemetry read-back behind the tenant-enforcing API): READ on raw, processed, 1m;</li>
 *   <li>broker {@code ingest}: may subscribe to {@code $share/ingest/plc/+/+} ({@link MqttNames#ingestSharedSubscription()}) and receive {@code plc/#}; may
 *       publish only rejection notices, {@code plc/+/+/cmd/rejections} (issue 16; ingest's RejectionNotices).</li>
 * </ul>
 * Idempotent; provisioning-api runs it at start-up and the reconciler re-runs it.
 */
public final class PlatformBootstrap {
    private PlatformBootstrap() {
    }

    /** A service credential: user name and password. */
    public record Credential(String username, String password) {
    }

    /** Creates the shared buckets with their retention policies. */
    public static void ensureBuckets(BucketAdmin buckets) {
        SharedBuckets.ALL.forEach(buckets::ensureBucket);
    }

    /** Creates or updates the services' InfluxDB users with exactly their grants. */
    public static void ensureInfluxUsers(BucketAdmin buckets, Credential ingest, Credential jobs, Credential api) {
        buckets.ensureUser(ingest.username(), ingest.password(), Set.of(new Grant(SharedBuckets.RAW, Access.WRITE)));
        buckets.ensureUser(jobs.username(), jobs.password(), Set.of(
                new Grant(SharedBuckets.RAW, Access.ALL), // issue 11: per-tenant retention DELETE needs WRITE
                new Grant(SharedBuckets.PROCESSED, Access.ALL),
                new Grant(SharedBuckets.ONE_MINUTE, Access.ALL),
                new Grant(SharedBuckets.PLATFORM_METRICS, Access.ALL)));
        buckets.ensureUser(api.username(), api.password(), Set.of(
                new Grant(SharedBuckets.RAW, Access.READ),
                new Grant(SharedBuckets.PROCESSED, Access.READ),
                new Grant(SharedBuckets.ONE_MINUTE, Access.READ),
                // the query gateway reads with this user by default; it filters platform_metrics to the tenant's rows
                new Grant(SharedBuckets.PLATFORM_METRICS, Access.READ)));
    }

    /**
     * The ingest service's broker role: subscribe to the shared device topics and receive them; publish a device's
     * rejection notices ({@code plc/+/+/cmd/rejections}, issue 16); nothing else.
     */
    public static List<AclRule> ingestAcls() {
        return List.of(
                AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, MqttNames.ingestSharedSubscription()),
                AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, MqttNames.TELEMETRY_TOPIC_FILTER),
                AclRule.allow(AclRule.Type.PUBLISH_CLIENT_RECEIVE, "plc/#"),
                AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, MqttNames.TELEMETRY_TOPIC_FILTER + "/cmd/rejections"));
    }

    /**
     * Creates or updates the ingest service's broker client and role (role name = username).
     *
     * @param resetPassword also set the password of an existing client to the configured one. Mosquitto 2.0
     *                      drops the client's connections when its password is set, so do this at start-up only,
     *                      not in every reconciliation.
     */
    public static void ensureIngestBrokerClient(BrokerAdmin broker, Credential ingest, boolean resetPassword) {
        broker.ensureRole(ingest.username(), ingestAcls());
        boolean existed = broker.client(ingest.username()).isPresent();
        broker.ensureClient(ingest.username(), ingest.password(), List.of(ingest.username()));
        if (existed && resetPassword) {
            broker.setPassword(ingest.username(), ingest.password());
        }
    }
}
