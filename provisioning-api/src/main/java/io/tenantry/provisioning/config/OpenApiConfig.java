package io.tenantry.provisioning.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** OpenAPI document metadata and the bearer-JWT security scheme shown in Swagger UI. */
@Configuration
public class OpenApiConfig {
    @Bean
    OpenAPI tenantryOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Tenantry provisioning API").version("v1")
                        .description("Tenants, devices, device MQTT credentials, telemetry read-back. Errors are RFC 9457 problem details."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
    }
}
