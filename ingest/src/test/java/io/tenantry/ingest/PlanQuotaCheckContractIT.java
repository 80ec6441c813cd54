package io.tenantry.ingest;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.quota.QuotaCheck;
import io.tenantry.core.quota.QuotaCheckContract;
import io.tenantry.ingest.metering.UsageMeter;
import io.tenantry.ingest.quota.PlanQuotaCheck;
import io.tenantry.ingest.quota.QuotaStore;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PlanQuotaCheck} passes the port's contract ({@link QuotaCheckContract}) over the real PostgreSQL (plans,
 * overrides, ingest_usage), and a count near {@link Long#MAX_VALUE} is refused, not overflowed into an allow.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanQuotaCheckContractIT implements QuotaCheckContract {
    private final StackEnv env;
    private IngestFixtures fx;
    private PlanQuotaCheck check;

    PlanQuotaCheckContractIT(StackEnv env) {
        this.env = env;
    }

    @BeforeAll
    void setUp() throws Exception {
        fx = new IngestFixtures(env);
        check = new PlanQuotaCheck(new QuotaStore(fx.dsl), new UsageMeter(Clock.systemUTC()), Clock.systemUTC(),
                System::nanoTime, 1.10, 10, Duration.ofMinutes(10), 1, Duration.ofSeconds(2));
        check.refresh();
    }

    @AfterAll
    void tearDown() {
        fx.close();
    }

    @Override
    public QuotaCheck quotaCheck() {
        return check;
    }

    @Override
    public TenantId freshTenant() {
        return TenantId.of(fx.createTenant("contract", "PRO").id());
    }

    @Test
    void aHugeCountIsRefusedNotOverflowed() {
        TenantId t = freshTenant();
        assertThat(check.check(t, 1000).verdict()).isEqualTo(QuotaCheck.Verdict.ALLOW);
        QuotaCheck.Decision d = check.check(t, Long.MAX_VALUE);
        assertThat(d.verdict()).isEqualTo(QuotaCheck.Verdict.REJECT);
        assertThat(d.reason()).contains("limit quota_exceeded", "plan PRO", "current 1000");
        assertThat(check.check(t, 1000).verdict()).isEqualTo(QuotaCheck.Verdict.ALLOW);
    }
}
