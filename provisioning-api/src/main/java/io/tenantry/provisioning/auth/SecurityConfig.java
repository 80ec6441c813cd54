package io.tenantry.provisioning.auth;

import io.tenantry.adapters.auth.LocalIssuer;
import com.nimbusds.jose.jwk.JWK;
import io.tenantry.provisioning.config.ProvisioningProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Flux;

import java.util.List;

/**
 * OAuth2 resource server: every {@code /api/**} call needs a bearer JWT signed RS256 with a key from the JWKS
 * (configured URI, or the local issuer's keys), with the expected issuer and audience and not expired
 * (RFC 7519 §4.1, RFC 9068). Failures answer 401 with {@code WWW-Authenticate} (RFC 6750).
 */
@Configuration
public class SecurityConfig {

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .authorizeExchange(a -> a.pathMatchers("/api/**").authenticated().anyExchange().permitAll())
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtDecoder(decoder)))
                .build();
    }

    @Bean
    LocalIssuer localIssuer(ProvisioningProperties props) {
        var li = props.auth().localIssuer();
        if (!li.enabled()) {
            return null;
        }
        return LocalIssuer.loadOrCreate(li.keyFile(), props.auth().issuer(), props.auth().audience());
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(ProvisioningProperties props, ObjectProvider<LocalIssuer> localIssuer) {
        NimbusReactiveJwtDecoder decoder;
        String uri = props.auth().jwkSetUri();
        if (uri != null && !uri.isBlank()) {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(uri).build();
        } else {
            LocalIssuer issuer = localIssuer.getIfAvailable();
            if (issuer == null) {
                throw new IllegalStateException("tenantry.auth.jwk-set-uri is empty and the local issuer is disabled: no keys to verify tokens");
            }
            List<JWK> keys = issuer.publicJwks().getKeys();
            decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.fromIterable(keys)).build();
        }
        String audience = props.auth().audience();
        OAuth2TokenValidator<Jwt> audienceCheck = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(audience));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(props.auth().issuer()), audienceCheck));
        return decoder;
    }
}
