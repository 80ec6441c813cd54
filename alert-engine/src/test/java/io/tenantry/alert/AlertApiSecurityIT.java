package io.tenantry.alert;

import io.tenantry.db.Schema;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import io.tenantry.web.testing.ApiSecurityContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service answers like the provisioning API (web-support): see {@link ApiSecurityContract}. Runs against the
 * real local stack because the service's Quartz scheduler keeps its jobs in PostgreSQL (Flyway V6).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tenantry.auth.jwk-set-uri=http://127.0.0.1:9/oauth2/jwks",
                // this engine stays up in the test JVM and joins the Quartz cluster: no delivery right after its
                // dispatch passes, which would send the rows AlertClusterIT's killed instance leaves pending
                "tenantry.alerts.deliver-after-dispatch=false"})
class AlertApiSecurityIT extends ApiSecurityContract {
    static final StackEnv ENV = LocalStack.ensureUp();

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        Schema.migrate(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword(), ENV.pgAppUser());
        ENV.asProperties().forEach((k, v) -> registry.add(k, () -> v));
    }
}
