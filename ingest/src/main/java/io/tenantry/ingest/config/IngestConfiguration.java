package io.tenantry.ingest.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.IngestService;
import io.tenantry.ingest.deadletter.DeadLetterStore;
import io.tenantry.ingest.directory.DeviceDirectory;
import io.tenantry.ingest.directory.DirectoryListener;
import io.tenantry.ingest.directory.FieldKeyRegistry;
import io.tenantry.ingest.directory.JooqDirectoryStore;
import io.tenantry.ingest.directory.JooqFieldKeyStore;
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
    DeviceDirectory deviceDirectory(DSLContext dsl, IngestProperties props) {
        return new DeviceDirectory(new JooqDirectoryStore(dsl), props.directory().ttl(), System::nanoTime);
    }

    @Bean
    DirectoryListener directoryListener(DataSourceProperties ds, IngestProperties props, DeviceDirectory directory) {
        return new DirectoryListener(ds.determineUrl(), ds.determineUsername(), ds.determinePassword(),
                props.directory().channel(), props.directory().pollInterval(), props.directory().reconnectBackoff(),
                directory);
    }

    @Bean
    DeadLetterStore deadLetterStore(DSLContext dsl, IngestProperties props) {
        return new DeadLetterStore(dsl, props.spool().dir().resolve("dead-letters.jsonl"));
    }

    /** The write port, authenticated as the ingest InfluxDB user (WRITE on the raw buckets). */
    @Bean
    TimeSeriesWriter timeSeriesWriter(IngestProperties props) {
        return new InfluxV1TimeSeriesWriter(new InfluxV1Client(props.influx().url(), props.influx().username(),
                props.influx().password(), props.influx().timeout()));
    }

    /** Every tenant in the shared buckets until the tenant directory carries the placement (issue 9 §1). */
    @Bean
    StoragePlacements storagePlacements() {
        return StoragePlacements.ALL_SHARED;
    }

    /** Always allow until the quota issue implements the port. */
    @Bean
    QuotaCheck quotaCheck() {
        return QuotaCheck.ALWAYS_ALLOW;
    }

    @Bean
    IngestService ingestService(IngestProperties props, DeviceDirectory directory, DirectoryListener listener,
                                DeadLetterStore deadLetters, TimeSeriesWriter timeSeriesWriter,
                                StoragePlacements placements, QuotaCheck quota, IngestMetrics metrics, DSLContext dsl) {
        return new IngestService(props, directory, listener, deadLetters, timeSeriesWriter, placements, quota, metrics,
                new FieldKeyRegistry(new JooqFieldKeyStore(dsl)));
    }
}
