package io.tenantry.alert.config;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesQuery;
import io.tenantry.alert.eval.AlertProperties;
import io.tenantry.alert.eval.DispatchJob;
import io.tenantry.alert.notify.DeliveryJob;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.directory.JooqStoragePlacements;
import org.jooq.DSLContext;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine's wiring: the query port with the platform's read-only InfluxDB service user (the API's; READ on the
 * shared buckets, never handed to tenants), placements from PostgreSQL, the worker pool, and its two Quartz jobs in
 * the clustered store: {@code alerts.dispatch} (evaluate due rules) and {@code alerts.deliver} (send notifications).
 */
@Configuration
@EnableConfigurationProperties(AlertProperties.class)
public class AlertConfig {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TimeSeriesQuery alertReader(@Value("${TENANTRY_INFLUX_URL}") String url, @Value("${TENANTRY_API_INFLUX_USER}") String user,
                                @Value("${TENANTRY_API_INFLUX_PASSWORD}") String password) {
        return new InfluxV1TimeSeriesQuery(new InfluxV1Client(url, user, password, Duration.ofSeconds(30)));
    }

    @Bean
    StoragePlacements storagePlacements(DSLContext dsl) {
        return new JooqStoragePlacements(dsl);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService alertWorkers(AlertProperties props) {
        return Executors.newFixedThreadPool(Math.max(1, props.workers()), Thread.ofPlatform().name("alert-eval-", 0).factory());
    }

    @Bean
    JobDetail dispatchJob() {
        return JobBuilder.newJob(DispatchJob.class).withIdentity("alerts.dispatch").storeDurably().build();
    }

    @Bean
    Trigger dispatchTrigger(JobDetail dispatchJob, AlertProperties props) {
        return TriggerBuilder.newTrigger().forJob(dispatchJob).withIdentity("alerts.dispatch")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(props.dispatchInterval().toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount()).build();
    }

    @Bean
    JobDetail deliveryJob() {
        return JobBuilder.newJob(DeliveryJob.class).withIdentity("alerts.deliver").storeDurably().build();
    }

    @Bean
    Trigger deliveryTrigger(JobDetail deliveryJob, AlertProperties props) {
        return TriggerBuilder.newTrigger().forJob(deliveryJob).withIdentity("alerts.deliver")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(props.deliveryInterval().toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount()).build();
    }
}
