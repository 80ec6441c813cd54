package io.tenantry.web.testing;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every service with web-support on must answer, written once (issue 9 §3): {@code /api/**} without a token,
 * or with a malformed one, is a 401 with {@code WWW-Authenticate} and an RFC 9457 problem body; the health probe
 * stays open. A service's test extends it and adds
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT, properties = "tenantry.auth.jwk-set-uri=http://127.0.0.1:9/oauth2/jwks")}
 * (the JWKS URI is never fetched for these requests, so no stack is needed).
 */
public abstract class ApiSecurityContract {
    @Autowired
    Environment environment;

    protected WebTestClient http() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + environment.getProperty("local.server.port")).build();
    }

    @Test
    void anUnauthenticatedApiCallIsA401Problem() {
        http().get().uri("/api/v1/anything").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.errorCode").isEqualTo("api:auth.unauthenticated")
                .jsonPath("$.instance").isEqualTo("/api/v1/anything")
                .jsonPath("$.requestId").isNotEmpty();
    }

    @Test
    void aMalformedTokenIsA401InvalidTokenProblem() {
        http().get().uri("/api/v1/anything").header("Authorization", "Bearer not.a.jwt").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value("WWW-Authenticate", v -> assertThat(v).startsWith("Bearer error=\"invalid_token\""))
                .expectBody().jsonPath("$.errorCode").isEqualTo("api:auth.unauthenticated");
    }

    @Test
    void theHealthProbeNeedsNoToken() {
        http().get().uri("/actuator/health").exchange().expectStatus().isOk();
    }
}
