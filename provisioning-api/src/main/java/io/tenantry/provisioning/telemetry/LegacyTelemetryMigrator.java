package io.tenantry.provisioning.telemetry;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.TelemetryNamespaceMigration;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.provisioning.config.ProvisioningProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * At start-up, moves telemetry stored before the per-tenant measurement namespace (the shared {@code telemetry}
 * measurement and any other legacy name in {@code processo_raw}) into {@code <tenant uuid>.<name>}
 * ({@link TelemetryNamespaceMigration}: idempotent, verified by counts, drops a legacy measurement only after every
 * tenant's copy matched). Disabled with {@code tenantry.telemetry.migrate-legacy=false}. Runs with the InfluxDB
 * admin credential provisioning-api already holds for the platform bootstrap.
 */
@Component
public class LegacyTelemetryMigrator {
    private static final Logger log = LoggerFactory.getLogger(LegacyTelemetryMigrator.class);

    private final ProvisioningProperties props;
    private final boolean enabled;

    public LegacyTelemetryMigrator(ProvisioningProperties props, @Value("${tenantry.telemetry.migrate-legacy:true}") boolean enabled) {
        this.props = props;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        if (!enabled) {
            return;
        }
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("legacy telemetry migration failed (retried at the next start): {}", e.getMessage());
        }
    }

    /**
     * Runs the migration on {@code processo_raw} now.
     *
     * @return what it did
     * @throws io.tenantry.adapters.influx.InfluxV1Exception when InfluxDB cannot be reached
     */
    public synchronized TelemetryNamespaceMigration.Report run() {
        var ix = props.influx();
        InfluxV1Client admin = new InfluxV1Client(ix.url(), ix.adminUser(), ix.adminPassword(), ix.timeout().multipliedBy(10));
        TelemetryNamespaceMigration.Report r = TelemetryNamespaceMigration.run(admin, SharedBuckets.RAW);
        if (!r.nothingToDo()) {
            log.info("legacy telemetry migration: copied {} (field values per tenant measurement), dropped {}, kept {}",
                    r.copied(), r.dropped(), r.problems());
        }
        return r;
    }
}
