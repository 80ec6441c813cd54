package io.tenantry.quota.rollup;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesQuery;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.directory.JooqStoragePlacements;
import io.tenantry.quota.retention.RetentionJob;
import io.tenantry.quota.retention.RetentionRunner;
import org.jooq.DSLContext;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * Wiring of the rollup and retention jobs (issue 11): InfluxDB as the jobs service user
 * ({@code TENANTRY_JOBS_INFLUX_USER}: ALL on raw, processo, processo_1m), the runners, and their Quartz job details
 * and triggers in the shared clustered scheduler ({@code tenantry-quota}). Periods: {@code tenantry.rollup.period}
 * (default 30 s) and {@code tenantry.rollup.retention-period} (default 1 h). Own beans only; the shared Quartz
 * configuration stays in application.yml.
 */
@Configuration(proxyBeanMethods = false)
public class RollupConfiguration {

    @Bean
    RollupStore rollupStore(DSLContext dsl) {
        return new RollupStore(dsl);
    }

    @Bean
    RollupRunner rollupRunner(RollupStore store, DSLContext dsl, MeterRegistry registry,
                              @Value("${TENANTRY_INFLUX_URL}") String url,
                              @Value("${TENANTRY_JOBS_INFLUX_USER}") String user,
                              @Value("${TENANTRY_JOBS_INFLUX_PASSWORD}") String password) {
        InfluxV1Client client = new InfluxV1Client(url, user, password, Duration.ofSeconds(60));
        return new RollupRunner(store, new RollupEngine(new InfluxV1TimeSeriesQuery(client), new InfluxV1TimeSeriesWriter(client)),
                new JooqStoragePlacements(dsl), dsl, Clock.systemUTC(), registry);
    }

    @Bean
    RetentionRunner retentionRunner(RollupStore store, DSLContext dsl, MeterRegistry registry,
                                    @Value("${TENANTRY_INFLUX_URL}") String url,
                                    @Value("${TENANTRY_JOBS_INFLUX_USER}") String user,
                                    @Value("${TENANTRY_JOBS_INFLUX_PASSWORD}") String password) {
        InfluxV1Client client = new InfluxV1Client(url, user, password, Duration.ofSeconds(120));
        return new RetentionRunner(store, new JooqStoragePlacements(dsl), new InfluxV1TimeSeriesQuery(client),
                Clock.systemUTC(), registry);
    }

    @Bean
    JobDetail rollupJobDetail() {
        return JobBuilder.newJob(RollupJob.class).withIdentity("rollup", "tenantry-rollup").storeDurably()
                .requestRecovery(true).build();
    }

    @Bean
    Trigger rollupTrigger(JobDetail rollupJobDetail, @Value("${tenantry.rollup.period:30s}") Duration period) {
        return TriggerBuilder.newTrigger().forJob(rollupJobDetail).withIdentity("rollup", "tenantry-rollup")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(period.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    @Bean
    JobDetail retentionJobDetail() {
        return JobBuilder.newJob(RetentionJob.class).withIdentity("retention", "tenantry-rollup").storeDurably()
                .requestRecovery(true).build();
    }

    @Bean
    Trigger retentionTrigger(JobDetail retentionJobDetail, @Value("${tenantry.rollup.retention-period:1h}") Duration period) {
        return TriggerBuilder.newTrigger().forJob(retentionJobDetail).withIdentity("retention", "tenantry-rollup")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(period.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }
}
