package io.tenantry.provisioning.device;

import java.time.Instant;
import java.util.Optional;

/**
 * What the device resource shows about a device's recent data (issue 16), read from the time-series store by the
 * telemetry feature ({@code TelemetryQuery}); the device feature only asks through this port.
 */
public interface DeviceActivity {
    /**
     * @param lastPointAt time of the newest stored point (the sample time), or null when there is none
     * @param fieldValues24h field values stored with a sample time in the last 24 hours (sum over its fields)
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "DeviceActivity", description = "The device's recent data as stored")
    record Activity(Instant lastPointAt, long fieldValues24h) {
    }

    /** The device's activity; empty when the time-series store cannot answer now (the device resource still answers). */
    Optional<Activity> activity(Device device);
}
