package io.tenantry.web.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Access-token settings of a Tenantry service ({@code tenantry.auth.*}), shared by every service that uses
 * {@link io.tenantry.web.EnableTenantryWeb}.
 *
 * @param issuer           expected {@code iss}
 * @param audience         expected {@code aud}
 * @param jwkSetUri        JWKS URI; empty = the local issuer's keys (only when it is enabled)
 * @param localIssuer      the project's own issuer for local use and tests; off unless enabled
 * @param maxTokenLifetime longest accepted access-token lifetime ({@code exp} − {@code iat}/{@code nbf}, and
 *                         {@code exp} − now); tokens without {@code exp} are always refused (see {@link TokenPolicy})
 */
@ConfigurationProperties("tenantry.auth")
public record AuthProperties(@DefaultValue("tenantry-local") String issuer, @DefaultValue("tenantry-api") String audience,
                             @DefaultValue("") String jwkSetUri, @DefaultValue LocalIssuer localIssuer,
                             @DefaultValue("24h") Duration maxTokenLifetime) {

    /**
     * @param enabled serve the local keys and accept tokens signed with them
     * @param keyFile the RSA signing key (JWK JSON), generated on first start; required when enabled
     */
    public record LocalIssuer(@DefaultValue("false") boolean enabled, Path keyFile) {
    }
}
