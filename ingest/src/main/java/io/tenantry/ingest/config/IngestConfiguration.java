package io.tenantry.ingest.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.IngestService;
import io.tenantry.ingest.deadletter.DeadLetterStore;
import io.tenantry.directory.CachedTenantDirectory;
import io.tenantry.directory.DirectoryListener;
import io.tenantry.directory.JooqDirectoryStore;
import io.tenantry.ingest.schema.FieldKeyRegistry;
import io.tenantry.ingest.schema.JooqFieldKeyStore;
import io.tenantry.ingest.stats.IngestMetrics;
import org.jooq.DSLContext;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring wiring of the ingest service from {@link IngestProperties}; PostgreSQL comes from
 * {@code spring.datasource.*} (the app role), jOOQ from Spring Boot's jOOQ auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
public class IngestConfiguration {

    @Bean
    IngestMetrics ingestMetrics(MeterRegistry registry) {
        return new IngestMetrics(registry, System::currentTimeMillis);
    }

    @Bean
    CachedTenantDirectory tenantDirectory(DSLContext dsl, IngestProperties props) {
        return new CachedTenantDirectory(new JooqDirectoryStore(dsl), props.directory().ttl(), System::nanoTime);
    }

    @Bean
    DirectoryListener directoryListener(DataSourceProperties ds, IngestProperties props, CachedTenantDirectory directory) {
        return new DirectoryListener(ds.determineUrl(), ds.determineUsername(), ds.determinePassword(),
                "ingest-directory-listener", props.directory().pollInterval(), props.directory().reconnectBackoff(),
                directory);
    }

    @Bean
    DeadLetterStore deadLetterStore(DSLContext dsl, IngestProperties props) {
        return new DeadLetterStore(dsl, props.spool().dir().resolve("dead-letters.jsonl"));
    }

    /** The write port, authenticated as the ingest InfluxDB user (WRITE on the raw buckets). */
    @Bean
    TimeSeriesWriter timeSeriesWriter(IngestProperties props, DSLContext dsl) {
        return new io.tenantry.directory.rollup.LateWriteRecorder(new InfluxV1TimeSeriesWriter(new InfluxV1Client(props.influx().url(), props.influx().username(),
                props.influx().password(), props.influx().timeout())), dsl, java.time.Clock.systemUTC()); // issue 11: late-data ranges for rollups
    }

    /** The quota port and metering hook come from {@link io.tenantry.ingest.quota.QuotaConfiguration} (issue 10). */
    @Bean
    IngestService ingestService(IngestProperties props, CachedTenantDirectory directory, DirectoryListener listener,
                                DeadLetterStore deadLetters, TimeSeriesWriter timeSeriesWriter, QuotaCheck quota,
                                IngestMetrics metrics, DSLContext dsl,
                                org.springframework.beans.factory.ObjectProvider<io.tenantry.ingest.pipeline.HandOffListener> handOff) {
        IngestService s = new IngestService(props, directory, listener, deadLetters, timeSeriesWriter, quota, metrics,
                new FieldKeyRegistry(new JooqFieldKeyStore(dsl)));
        handOff.ifAvailable(s::onHandOff);
        return s;
    }

    /**
     * Health contributor {@code ingest}: DOWN when the writer thread has died (nothing is stored any more),
     * otherwise UP with the {@code /admin/ingest} status (UP or DEGRADED) as a detail. Issue 15.
     */
    @Bean
    org.springframework.boot.health.contributor.HealthIndicator ingestHealthIndicator(IngestService ingest) {
        return () -> {
            String status = ingest.stats().status();
            return "DOWN".equals(status)
                    ? org.springframework.boot.health.contributor.Health.down().withDetail("writer", "dead").build()
                    : org.springframework.boot.health.contributor.Health.up().withDetail("status", status).build();
        };
    }
}
