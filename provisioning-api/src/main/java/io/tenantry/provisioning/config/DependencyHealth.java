package io.tenantry.provisioning.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Health of what the API depends on besides PostgreSQL ({@code db}, Spring Boot's own): InfluxDB ({@code influx},
 * {@code GET /ping} answers 204) and the broker ({@code broker}, its internal listener accepts a TCP connection).
 * Both are in the readiness group (application.yml), so {@code /readyz} is 503 while either is down (issue 16: it
 * stayed UP with InfluxDB down while telemetry answered 500), and {@code bin/tenantry status} names the one that
 * is. Each check takes at most 2 s.
 */
@Configuration
public class DependencyHealth {
    static final int TIMEOUT_MS = 2000;

    @Bean
    HealthIndicator influxHealthIndicator(ProvisioningProperties props) {
        return () -> {
            String url = props.influx().url();
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url + "/ping").toURL().openConnection();
                c.setConnectTimeout(TIMEOUT_MS);
                c.setReadTimeout(TIMEOUT_MS);
                int code = c.getResponseCode();
                c.disconnect();
                return code == 204 ? Health.up().withDetail("url", url).build()
                        : Health.down().withDetail("url", url).withDetail("ping", "HTTP " + code).build();
            } catch (IOException | RuntimeException e) {
                return Health.down().withDetail("url", url).withDetail("error", String.valueOf(e.getMessage())).build();
            }
        };
    }

    @Bean
    HealthIndicator brokerHealthIndicator(ProvisioningProperties props) {
        return () -> {
            String url = props.mqtt().adminUrl();
            try (Socket s = new Socket()) {
                URI u = URI.create(url);
                s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 1883 : u.getPort()), TIMEOUT_MS);
                return Health.up().withDetail("url", url).build();
            } catch (IOException | RuntimeException e) {
                return Health.down().withDetail("url", url).withDetail("error", String.valueOf(e.getMessage())).build();
            }
        };
    }
}
