package io.tenantry.core.timeseries;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantMeasurementsTest {
    @Test
    void storedNamesArePrefixedWithTheTenantUuidAndMapBack() {
        UUID a = UUID.fromString("7F3C2A9E-1B2C-4D5E-8F90-123456789ABC");
        UUID b = UUID.randomUUID();
        String s = TenantMeasurements.stored(a, "telemetry");
        assertThat(s).isEqualTo("7f3c2a9e-1b2c-4d5e-8f90-123456789abc.telemetry");
        assertThat(TenantMeasurements.isNamespaced(s)).isTrue();
        assertThat(TenantMeasurements.isNamespaced("telemetry")).isFalse();
        assertThat(TenantMeasurements.tenantView(a, s)).contains("telemetry");
        assertThat(TenantMeasurements.tenantView(b, s)).isEmpty();
        // a tenant's own name that looks like another tenant's prefix stays inside its own namespace
        String tricky = TenantMeasurements.stored(a, b + ".telemetry");
        assertThat(TenantMeasurements.tenantView(b, tricky)).isEmpty();
        assertThat(TenantMeasurements.tenantView(a, tricky)).contains(b + ".telemetry");
        assertThatThrownBy(() -> TenantMeasurements.stored(a, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
