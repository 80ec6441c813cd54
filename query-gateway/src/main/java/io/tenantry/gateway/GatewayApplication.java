package io.tenantry.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The tenant-enforcing InfluxQL query gateway (issue 13): InfluxDB 1.x's read API ({@code /query}, {@code /ping})
 * for Grafana, on {@code TENANTRY_GATEWAY_PORT} (18085). See {@code query-gateway/README.md}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {
    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
