package io.tenantry.core.quota;

import io.tenantry.core.id.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link QuotaCheck#ALWAYS_ALLOW} passes the contract and allows even a huge message. */
class AlwaysAllowQuotaCheckTest implements QuotaCheckContract {
    @Override
    public QuotaCheck quotaCheck() {
        return QuotaCheck.ALWAYS_ALLOW;
    }

    @Override
    public TenantId freshTenant() {
        return TenantId.random();
    }

    @Test
    void allowsEverything() {
        assertThat(QuotaCheck.ALWAYS_ALLOW.check(TenantId.random(), Long.MAX_VALUE)).isEqualTo(QuotaCheck.Decision.ALLOW);
    }
}
