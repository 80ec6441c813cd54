package io.tenantry.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.Map;

/**
 * {@code tenantry.gateway.*}: where InfluxDB is and with which read-only service user the gateway queries it, how
 * long a credential check is cached, request size bounds and the limits per plan.
 *
 * @param influxUrl       InfluxDB base URL ({@code TENANTRY_INFLUX_URL})
 * @param influxUser      read-only service user ({@code TENANTRY_GATEWAY_INFLUX_USER}, default the API's
 *                        {@code tenantry_api}: READ on processo_raw, processo, processo_1m)
 * @param influxPassword  its password
 * @param credentialTtl   how long a checked credential (and its tenant's status and placement) is reused; a
 *                        revocation or suspension takes effect after at most this long (default 2 s)
 * @param maxQueryBytes   longest {@code q} accepted, in UTF-8 bytes (default 65536; longer: 413)
 * @param maxBodyBytes    largest request body (default 262144; larger: 413)
 * @param defaultLimits   limits of a plan not listed in {@code plans}
 * @param plans           limits by plan code ({@code FREE}, {@code PRO}, {@code ENTERPRISE})
 */
@ConfigurationProperties("tenantry.gateway")
public record GatewayProperties(String influxUrl, String influxUser, String influxPassword, Duration credentialTtl,
                                Integer maxQueryBytes, Integer maxBodyBytes, Limits defaultLimits,
                                Map<String, Limits> plans) {
    public GatewayProperties {
        credentialTtl = credentialTtl == null ? Duration.ofSeconds(2) : credentialTtl;
        maxQueryBytes = maxQueryBytes == null ? 65_536 : maxQueryBytes;
        maxBodyBytes = maxBodyBytes == null ? 262_144 : maxBodyBytes;
        defaultLimits = defaultLimits == null ? new Limits(null, null, null, null) : defaultLimits;
        plans = plans == null ? Map.of() : Map.copyOf(plans);
    }

    /**
     * A plan's query limits (issue 13 "Limits per plan"; each refusal names the limit and its value).
     *
     * @param timeout           longest an InfluxDB query may run (default 10 s)
     * @param maxSeries         most series in one answer (default 1000)
     * @param maxPoints         most rows (values) over all series of one answer (default 100000)
     * @param requestsPerSecond sustained requests per second per tenant, bursts up to twice that (default 20)
     */
    public record Limits(Duration timeout, Integer maxSeries, Integer maxPoints, Double requestsPerSecond) {
        public Limits {
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            maxSeries = maxSeries == null ? 1000 : maxSeries;
            maxPoints = maxPoints == null ? 100_000 : maxPoints;
            requestsPerSecond = requestsPerSecond == null ? 20.0 : requestsPerSecond;
        }
    }

    /** The limits of a plan code (null or unknown: {@link #defaultLimits()}). */
    public Limits limitsOf(String plan) {
        return plan == null ? defaultLimits : plans.getOrDefault(plan, defaultLimits);
    }
}
