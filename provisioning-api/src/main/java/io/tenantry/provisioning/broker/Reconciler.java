package io.tenantry.provisioning.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.bootstrap.PlatformBootstrap.Credential;
import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.core.broker.BrokerClient;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.timeseries.BucketAdmin;
import io.tenantry.provisioning.config.ProvisioningProperties;
import io.tenantry.provisioning.outbox.OutboxProcessor;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * Re-applies the desired state from PostgreSQL to the broker and InfluxDB, at start-up and every
 * {@code tenantry.reconciler.interval} (default 10 min), so a failure between the three systems never leaves them
 * disagreeing for long. Changes reach the broker through the outbox right after their commit (and its 2-second
 * retry); this full sweep is only the safety net, so it is rare and done in bulk (issue 15): one
 * {@code listClients} and one {@code listRoles} (verbose) from the broker, one query joining credentials, tenants
 * and devices, compared in memory; only the logins that disagree cost broker commands. Its cost no longer grows
 * by round trips per login, and idle CPU does not grow with the number of logins.
 * <ol>
 *   <li>platform bootstrap: shared buckets, service users with their grants, the ingest broker login;</li>
 *   <li>pending outbox entries;</li>
 *   <li>every tenant login in PostgreSQL is synced ({@link BrokerSync}); broker logins and roles named
 *       {@code t_*} that PostgreSQL does not know are deleted. Logins still named by the V1 scheme are kept and
 *       listed in the report ({@code legacyLogins}); issuing their credential again renames them.</li>
 * </ol>
 * Drift it fixed is logged, counted ({@code tenantry.reconciler.drift}) and returned.
 */
@Component
public class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final DSLContext dsl;
    private final BrokerAdmin broker;
    private final BucketAdmin buckets;
    private final BrokerSync sync;
    private final OutboxProcessor outbox;
    private final ProvisioningProperties props;
    private final Counter driftCounter;

    public Reconciler(DSLContext dsl, BrokerAdmin broker, BucketAdmin buckets, BrokerSync sync, OutboxProcessor outbox,
                      ProvisioningProperties props, MeterRegistry meters) {
        this.dsl = dsl;
        this.broker = broker;
        this.buckets = buckets;
        this.sync = sync;
        this.outbox = outbox;
        this.props = props;
        this.driftCounter = Counter.builder("tenantry.reconciler.drift").description("changes the reconciler had to make")
                .register(meters);
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        if (props.reconciler().enabled()) {
            try {
                reconcile(true);
            } catch (RuntimeException e) {
                log.warn("start-up reconciliation failed: {}", e.getMessage());
            }
        }
    }

    @Scheduled(fixedDelayString = "${tenantry.reconciler.interval:10m}", initialDelayString = "${tenantry.reconciler.interval:10m}")
    void scheduled() {
        if (!props.reconciler().enabled()) {
            return;
        }
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.warn("reconciliation failed: {}", e.getMessage());
        }
    }

    /** Runs one full reconciliation now. */
    public ReconcileReport reconcile() {
        return reconcile(false);
    }

    /**
     * @param startup also reset the ingest login's password to the configured secret (this drops its connection,
     *                so it is not done periodically)
     */
    synchronized ReconcileReport reconcile(boolean startup) {
        Instant start = Instant.now();
        List<String> drift = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int logins = 0;
        List<String> legacy = new ArrayList<>();
        try {
            PlatformBootstrap.ensureBuckets(buckets);
            var ix = props.influx();
            PlatformBootstrap.ensureInfluxUsers(buckets, new Credential(ix.ingestUser(), ix.ingestPassword()),
                    new Credential(ix.jobsUser(), ix.jobsPassword()), new Credential(ix.apiUser(), ix.apiPassword()));
        } catch (RuntimeException e) {
            problems.add("InfluxDB bootstrap: " + e.getMessage());
        }
        try {
            PlatformBootstrap.ensureIngestBrokerClient(broker,
                    new Credential(props.mqtt().ingestUser(), props.mqtt().ingestPassword()), startup);
            outbox.processDue();
            // List the broker BEFORE reading PostgreSQL: a login the broker has was committed to PostgreSQL first
            // (outbox), so it is in the desired set read afterwards and is never mistaken for an orphan while it
            // is being created.
            Map<String, BrokerClient> brokerClients = broker.clients();
            Map<String, List<AclRule>> brokerRoles = broker.roles();
            Map<String, BrokerSync.Desired> desired = sync.desiredAll();
            for (BrokerSync.Desired d : desired.values()) {
                String u = d.username();
                logins++;
                if (MqttNames.isLegacyUsername(u)) {
                    legacy.add(u);
                }
                if (!BrokerSync.agrees(d, brokerClients.get(u), brokerRoles.get(u))) {
                    drift.addAll(sync.apply(u, null)); // re-reads both sides for this login before changing it
                }
            }
            for (String u : brokerClients.keySet()) {
                if (u.startsWith("t_") && !desired.containsKey(u)) {
                    drift.addAll(sync.apply(u, null)); // re-checks PostgreSQL, deletes client then role
                    logins++;
                }
            }
            for (String r : brokerRoles.keySet()) {
                if (r.startsWith("t_") && !desired.containsKey(r) && !brokerClients.containsKey(r)
                        && broker.client(r).isEmpty()) {
                    // never delete a role a client still holds: Mosquitto 2.0.11 crashed doing that (seen here)
                    broker.deleteRole(r);
                    drift.add("deleted orphan role " + r);
                }
            }
        } catch (RuntimeException e) {
            problems.add("broker: " + e.getMessage());
        }
        ReconcileReport report = new ReconcileReport(start, logins, drift, problems,
                java.time.Duration.between(start, Instant.now()).toMillis(), List.copyOf(legacy));
        driftCounter.increment(drift.size());
        if (startup && !legacy.isEmpty()) {
            log.warn("{} MQTT login(s) still carry a V1 name that can collide across tenants; issue their credentials "
                    + "again to rename them: {}", legacy.size(), legacy);
        }
        if (!drift.isEmpty() || !problems.isEmpty()) {
            log.info("reconciliation fixed {} drift(s): {}; problems: {}", drift.size(), drift, problems);
        }
        return report;
    }

}
