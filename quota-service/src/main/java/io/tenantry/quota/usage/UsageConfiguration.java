package io.tenantry.quota.usage;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * Wiring of metering, recommendations and the usage API in quota-service. InfluxDB (platform_metrics, series
 * cardinality) is used when {@code tenantry.quota.influx-url} is set; a {@link Clock} bean, when registered, decides
 * "today" (tests), else the UTC system clock.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QuotaServiceProperties.class)
public class UsageConfiguration {

    @Bean
    UsageRollup usageRollup(DSLContext dsl, QuotaServiceProperties p, ObjectProvider<Clock> clock) {
        InfluxV1Client influx = p.influxUrl() == null || p.influxUrl().isBlank() ? null
                : new InfluxV1Client(p.influxUrl(), p.influxUsername(), p.influxPassword(), Duration.ofSeconds(10));
        return new UsageRollup(dsl, influx == null ? null : new InfluxV1TimeSeriesWriter(influx),
                influx == null ? null : new SeriesStats(influx, dsl), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    BrokerHardCap brokerHardCap(DSLContext dsl, QuotaServiceProperties p, ObjectProvider<Clock> clock) {
        return new BrokerHardCap(dsl, clock.getIfAvailable(Clock::systemUTC), p.brokerCapFactor());
    }

    @Bean
    UpgradeRecommendations upgradeRecommendations(DSLContext dsl, ObjectProvider<Clock> clock) {
        return new UpgradeRecommendations(dsl, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    UsageQueries usageQueries(DSLContext dsl, ObjectProvider<Clock> clock) {
        return new UsageQueries(dsl, clock.getIfAvailable(Clock::systemUTC));
    }
}
