package io.tenantry.ingest.quota;

import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.ingest.metering.MeteringService;
import io.tenantry.ingest.metering.UsageMeter;
import io.tenantry.ingest.metering.UsageStore;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * Wiring of issue 10 in ingest: the {@link UsageMeter} with its {@link MeteringService} (hand-off hook and flusher)
 * and the {@link PlanQuotaCheck} as the {@link QuotaCheck} port (or {@link QuotaCheck#ALWAYS_ALLOW} when
 * {@code tenantry.ingest.quota.enabled=false}; metering runs either way). The clock is a {@link Clock} bean when
 * one is registered (tests roll the day over with it), else the UTC system clock.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QuotaProperties.class)
public class QuotaConfiguration {

    @Bean
    UsageMeter usageMeter(ObjectProvider<Clock> clock) {
        return new UsageMeter(clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    MeteringService meteringService(UsageMeter meter, DSLContext dsl, QuotaProperties p) {
        return new MeteringService(meter, new UsageStore(dsl), p.flushInterval(), p.lastSeenInterval(), p.flushBeforeAck());
    }

    @Bean
    QuotaCheck quotaCheck(QuotaProperties p, UsageMeter meter, DSLContext dsl, ObjectProvider<Clock> clock) {
        if (!p.enabled()) {
            return QuotaCheck.ALWAYS_ALLOW;
        }
        return new PlanQuotaCheck(new QuotaStore(dsl), meter, clock.getIfAvailable(Clock::systemUTC), System::nanoTime,
                p.capFactor(), p.burstFactor(), p.burstWindow(), p.samplesPerMinute(), p.refreshInterval());
    }
}
