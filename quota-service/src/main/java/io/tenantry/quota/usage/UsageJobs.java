package io.tenantry.quota.usage;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metering jobs on the clustered {@code tenantry-quota} scheduler (Quartz JDBC store, Flyway V6): one run at a
 * time across instances ({@link DisallowConcurrentExecution}, one trigger each).
 * <ul>
 *   <li>{@code usage-rollup}: every {@code tenantry.quota.rollup-interval} (default 10 s) — ingest_usage →
 *       usage_minute / usage_day / platform_metrics ({@link UsageRollup}) with a 15-minute look-back, then the
 *       broker hard cap ({@link BrokerHardCap}); ingest_usage rows older than 3 days and usage_minute rows older than
 *       35 days are deleted, at most every 10 minutes per instance (usage_day rows stay: the billing record);</li>
 *   <li>{@code upgrade-recommendations}: every 10 minutes ({@link UpgradeRecommendations}; idempotent).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class UsageJobs {

    @Bean
    JobDetail usageRollupJob() {
        return JobBuilder.newJob(RollupJob.class).withIdentity("usage-rollup", "quota").storeDurably().build();
    }

    @Bean
    Trigger usageRollupTrigger(JobDetail usageRollupJob, QuotaServiceProperties props) {
        return TriggerBuilder.newTrigger().forJob(usageRollupJob).withIdentity("usage-rollup", "quota")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(props.rollupInterval().toMillis()).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    @Bean
    JobDetail upgradeRecommendationsJob() {
        return JobBuilder.newJob(RecommendationJob.class).withIdentity("upgrade-recommendations", "quota")
                .storeDurably().build();
    }

    @Bean
    Trigger upgradeRecommendationsTrigger(JobDetail upgradeRecommendationsJob) {
        return TriggerBuilder.newTrigger().forJob(upgradeRecommendationsJob).withIdentity("upgrade-recommendations", "quota")
                .withSchedule(SimpleScheduleBuilder.repeatMinutelyForever(10)
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /** Runs {@link UsageRollup#rollup}. */
    @DisallowConcurrentExecution
    public static class RollupJob implements Job {
        private static final Logger log = LoggerFactory.getLogger(RollupJob.class);
        /** How often this instance purges old rows (its rows are days old: a few minutes more change nothing). */
        static final java.time.Duration PURGE_EVERY = java.time.Duration.ofMinutes(10);
        private static volatile long lastPurge;
        private final UsageRollup rollup;
        private final BrokerHardCap hardCap;

        public RollupJob(UsageRollup rollup, BrokerHardCap hardCap) {
            this.rollup = rollup;
            this.hardCap = hardCap;
        }

        @Override
        public void execute(JobExecutionContext context) {
            UsageRollup.Result r = rollup.rollup(java.time.Duration.ofMinutes(15));
            BrokerHardCap.Result caps = hardCap.evaluate();
            long now = System.nanoTime();
            if (lastPurge == 0 || now - lastPurge >= PURGE_EVERY.toNanos()) { // issue 15 idle cost: 2 DELETEs per 10 min, not per run
                lastPurge = now;
                rollup.purge(java.time.Duration.ofDays(3), java.time.Duration.ofDays(35));
            }
            log.debug("usage rollup: {} minute row(s), {} day row(s); broker blocks: {} set, {} lifted", r.minutes(),
                    r.days(), caps.blocked(), caps.lifted());
        }
    }

    /** Runs {@link UpgradeRecommendations#evaluate}. */
    @DisallowConcurrentExecution
    public static class RecommendationJob implements Job {
        private static final Logger log = LoggerFactory.getLogger(RecommendationJob.class);
        private final UpgradeRecommendations recommendations;

        public RecommendationJob(UpgradeRecommendations recommendations) {
            this.recommendations = recommendations;
        }

        @Override
        public void execute(JobExecutionContext context) {
            int n = recommendations.evaluate();
            if (n > 0) {
                log.info("{} upgrade recommendation(s) created", n);
            }
        }
    }
}
