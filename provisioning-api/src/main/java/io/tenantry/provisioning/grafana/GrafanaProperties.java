package io.tenantry.provisioning.grafana;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the Grafana feature ({@code tenantry.grafana.*}). The feature is off unless {@code url} is set.
 *
 * @param url               Grafana's root URL, e.g. {@code http://grafana:3000}
 * @param adminUser         the provisioning user (Grafana server admin; {@code grafana/README.md})
 * @param adminPassword     its password
 * @param gatewayUrl        the URL the tenants' data sources point at: the query gateway (issue 13), never InfluxDB;
 *                          default (application.yml) {@code http://127.0.0.1:${TENANTRY_GATEWAY_PORT:18085}}
 * @param publicUrl         the Grafana URL users open (for dashboard links); default = {@code url}
 * @param timeout           per request to Grafana
 * @param reconcileInterval how often every tenant's organisation is compared with PostgreSQL and repaired
 */
@ConfigurationProperties("tenantry.grafana")
public record GrafanaProperties(String url, @DefaultValue("admin") String adminUser, String adminPassword,
                                String gatewayUrl,
                                String publicUrl, @DefaultValue("5s") Duration timeout,
                                @DefaultValue("60s") Duration reconcileInterval) {
    /** The base of the links shown to users. */
    public String linkBase() {
        String b = publicUrl == null || publicUrl.isBlank() ? url : publicUrl;
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
