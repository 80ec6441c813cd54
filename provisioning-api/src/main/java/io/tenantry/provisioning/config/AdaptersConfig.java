package io.tenantry.provisioning.config;

import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesQuery;
import io.tenantry.adapters.mqtt.MosquittoDynsecBrokerAdmin;
import io.tenantry.core.timeseries.BucketAdmin;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.directory.JooqStoragePlacements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the core ports to their adapters: Mosquitto dynsec and InfluxDB's v1 API. */
@Configuration
public class AdaptersConfig {

    @Bean(destroyMethod = "close")
    MosquittoDynsecBrokerAdmin brokerAdmin(ProvisioningProperties props) {
        var m = props.mqtt();
        return new MosquittoDynsecBrokerAdmin(m.adminUrl(), m.adminUser(), m.adminPassword(), m.commandTimeout());
    }

    @Bean
    BucketAdmin bucketAdmin(ProvisioningProperties props) {
        var ix = props.influx();
        return new InfluxV1BucketAdmin(new InfluxV1Client(ix.url(), ix.adminUser(), ix.adminPassword(), ix.timeout()));
    }

    /** The query port with the API's read-only service user (READ on the shared buckets, never handed out). */
    @Bean
    TimeSeriesQuery telemetryReader(ProvisioningProperties props) {
        var ix = props.influx();
        return new InfluxV1TimeSeriesQuery(new InfluxV1Client(ix.url(), ix.apiUser(), ix.apiPassword(), ix.timeout()));
    }

    /**
     * Where each tenant's points live, from {@code tenants.placement} (Flyway V5) with the mapping the tenant
     * directory uses for ingest (issue 9 §1): the one place read paths ask.
     */
    @Bean
    StoragePlacements storagePlacements(DSLContext dsl) {
        return new JooqStoragePlacements(dsl);
    }

    /**
     * The telemetry read path's device, placement and plan retention per tier (issues 11 and 15), one query per
     * read.
     */
    @Bean
    io.tenantry.directory.DeviceReadScopes deviceReadScopes(DSLContext dsl) {
        return new io.tenantry.directory.DeviceReadScopes(dsl);
    }
}
