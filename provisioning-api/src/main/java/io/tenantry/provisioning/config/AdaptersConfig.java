package io.tenantry.provisioning.config;

import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.mqtt.MosquittoDynsecBrokerAdmin;
import io.tenantry.core.timeseries.BucketAdmin;
import org.springframework.beans.factory.annotation.Qualifier;
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

    /** InfluxDB client with the API's read-only service user (READ on the shared buckets, never handed out). */
    @Bean
    @Qualifier("telemetryReader")
    InfluxV1Client telemetryReader(ProvisioningProperties props) {
        var ix = props.influx();
        return new InfluxV1Client(ix.url(), ix.apiUser(), ix.apiPassword(), ix.timeout());
    }
}
