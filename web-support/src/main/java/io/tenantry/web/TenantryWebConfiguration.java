package io.tenantry.web;

import io.tenantry.web.auth.AuthProperties;
import io.tenantry.web.auth.TenantrySecurityConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The beans behind {@link EnableTenantryWeb}; import that annotation rather than this class. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
@Import({TenantrySecurityConfiguration.class, StrictJsonConfig.class, ProblemDetailsHandler.class})
public class TenantryWebConfiguration {

    @Bean
    ProblemWriter problemWriter(JsonMapper json) {
        return new ProblemWriter(json);
    }

    @Bean
    Utf8Only utf8Only(ProblemWriter problems) {
        return new Utf8Only(problems);
    }
}
