package io.tenantry.quota;

import io.tenantry.web.testing.ApiSecurityContract;
import org.springframework.boot.test.context.SpringBootTest;

/** The shell answers like the provisioning API (web-support): see {@link ApiSecurityContract}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tenantry.auth.jwk-set-uri=http://127.0.0.1:9/oauth2/jwks")
class QuotaApiSecurityTest extends ApiSecurityContract {
}
