package io.tenantry.provisioning;

import io.tenantry.provisioning.config.ProvisioningProperties;
import io.tenantry.web.EnableTenantryWeb;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The provisioning API: the admins' way into the platform (design note 003 §2–§6, §10–§11; note 000 roles).
 * REST under {@code /api/v1}, OpenAPI at {@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}. Tokens, problem
 * details and input rules come from web-support ({@link EnableTenantryWeb}).
 */
@SpringBootApplication
@EnableTenantryWeb
@EnableScheduling
@EnableConfigurationProperties(ProvisioningProperties.class)
public class ProvisioningApplication {
    public static void main(String[] args) {
        SpringApplication.run(ProvisioningApplication.class, args);
    }
}
