package io.tenantry.gateway.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.directory.JooqStoragePlacements;
import io.tenantry.gateway.auth.CredentialStore;
import io.tenantry.gateway.influx.InfluxCatalog;
import io.tenantry.gateway.influx.InfluxHttp;
import io.tenantry.gateway.service.QueryGateway;
import io.tenantry.gateway.service.RateLimiter;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

/** Wires the gateway: PostgreSQL (credentials, placements) as the app role, InfluxDB as the read-only service user. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {
    @Bean
    InfluxHttp influxHttp(GatewayProperties props) {
        return new InfluxHttp(props.influxUrl(), props.influxUser(), props.influxPassword());
    }

    @Bean
    CredentialStore credentialStore(DSLContext dsl, GatewayProperties props) {
        return new CredentialStore(dsl, new JooqStoragePlacements(dsl), props.credentialTtl(), System::nanoTime);
    }

    @Bean
    QueryGateway queryGateway(InfluxHttp influx, GatewayProperties props, MeterRegistry meters) {
        JsonMapper json = JsonMapper.builder().build();
        return new QueryGateway(influx, new InfluxCatalog(influx, json, Duration.ofSeconds(10)), json, props,
                new RateLimiter(System::nanoTime), meters);
    }
}
