package io.tenantry.core.quota;

import io.tenantry.core.id.TenantId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link QuotaCheck} contract, written once: every implementation (today {@link QuotaCheck#ALWAYS_ALLOW};
 * the quota issue's metered one next) implements this interface in its test and passes it.
 */
public interface QuotaCheckContract {
    /** The implementation under test. */
    QuotaCheck quotaCheck();

    /** A tenant that has used nothing of its quota. */
    TenantId freshTenant();

    @Test
    default void aTenantWithinItsQuotaIsAllowedWithoutAReason() {
        QuotaCheck.Decision d = quotaCheck().check(freshTenant(), 1);
        assertThat(d.verdict()).isEqualTo(QuotaCheck.Verdict.ALLOW);
        assertThat(d.reason()).isEmpty();
    }

    @Test
    default void anUnknownTenantIsAllowedNeverAnError() {
        assertThat(quotaCheck().check(TenantId.random(), 10).verdict()).isEqualTo(QuotaCheck.Verdict.ALLOW);
    }

    @Test
    default void aMessageWithoutFieldValuesIsAllowed() {
        assertThat(quotaCheck().check(freshTenant(), 0).verdict()).isEqualTo(QuotaCheck.Verdict.ALLOW);
    }

    @Test
    default void everyAnswerIsADecisionAndANonAllowNamesItsReason() {
        TenantId t = freshTenant();
        for (long n : new long[]{1, 100, 10_000, Long.MAX_VALUE}) {
            QuotaCheck.Decision d = quotaCheck().check(t, n);
            assertThat(d).isNotNull();
            if (d.verdict() != QuotaCheck.Verdict.ALLOW) {
                assertThat(d.reason()).isNotBlank();
            }
        }
    }

    @Test
    default void isSafeToCallFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<QuotaCheck.Decision>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(() -> quotaCheck().check(TenantId.random(), 5));
            }
            for (Future<QuotaCheck.Decision> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
