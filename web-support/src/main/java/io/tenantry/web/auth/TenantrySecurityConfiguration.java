package io.tenantry.web.auth;

import com.nimbusds.jose.jwk.JWK;
import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.web.ProblemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;

/**
 * OAuth2 resource server: every {@code /api/**} call needs a bearer JWT signed RS256 with a key from the JWKS
 * (configured URI, or the local issuer's keys), with the expected issuer and audience, not expired, and within
 * {@link TokenPolicy} (exp required, bounded lifetime, {@code typ} JWT or at+jwt, no {@code crit}, bounded
 * {@code sub}, canonical signature encoding; RFC 7519 §4.1, RFC 9068). Failures answer 401 with
 * {@code WWW-Authenticate} (RFC 6750 §3) and an RFC 9457 problem body ({@code api:auth.unauthenticated}); a
 * refusal by the security chain answers 403 with {@code api:auth.forbidden}. Everything outside {@code /api/**}
 * (probes, JWKS, OpenAPI) is open. Settings: {@link AuthProperties}. Part of {@link io.tenantry.web.EnableTenantryWeb}.
 */
@Configuration(proxyBeanMethods = false)
public class TenantrySecurityConfiguration {

    /**
     * The filter chain: bearer JWT on {@code /api/**}, problem bodies for 401 and 403, no CSRF, basic or form login,
     * no session (neither the security context nor a saved request is kept between requests).
     */
    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, ProblemWriter problems) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, e) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, wwwAuthenticate(e));
            return problems.write(exchange, HttpStatus.UNAUTHORIZED, "api:auth.unauthenticated", detail(e));
        };
        ServerAccessDeniedHandler denied = (exchange, e) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer error=\"insufficient_scope\", error_description=\"access denied\"");
            return problems.write(exchange, HttpStatus.FORBIDDEN, "api:auth.forbidden", "access denied");
        };
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                // issue 15: stateless (a bearer token on every request). The defaults keep the security context and
                // the "saved request" in a WebSession: every request created one (a SecureRandom UUID on the
                // bounded elastic scheduler, then the rest of the request on the parallel scheduler: two thread
                // hops per request), though no session was ever stored or sent
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(a -> a.pathMatchers("/api/**").authenticated().anyExchange().permitAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtDecoder(decoder))
                        .authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .build();
    }

    /** RFC 6750 §3: {@code Bearer} alone without a token, with {@code error="invalid_token"} for a bad one. */
    static String wwwAuthenticate(AuthenticationException e) {
        if (e instanceof OAuth2AuthenticationException o) {
            OAuth2Error err = o.getError();
            String description = err.getDescription() == null ? "" : ", error_description=\"" + headerSafe(err.getDescription()) + "\"";
            return "Bearer error=\"" + headerSafe(err.getErrorCode()) + "\"" + description;
        }
        return "Bearer";
    }

    private static String detail(AuthenticationException e) {
        if (e instanceof OAuth2AuthenticationException o) {
            String d = o.getError().getDescription();
            return "the bearer token is invalid" + (d == null ? "" : ": " + d);
        }
        return "a bearer token is required (Authorization: Bearer <JWT>)";
    }

    private static String headerSafe(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?").replace('"', '\'').replace('\\', '/');
        return t.length() > 300 ? t.substring(0, 300) : t;
    }

    /** The local issuer (key file created on first use) when {@code tenantry.auth.local-issuer.enabled}; else none. */
    @Bean
    LocalIssuer localIssuer(AuthProperties auth) {
        var li = auth.localIssuer();
        if (!li.enabled()) {
            return null;
        }
        if (li.keyFile() == null) {
            throw new IllegalStateException("tenantry.auth.local-issuer.key-file is required when the local issuer is enabled");
        }
        return LocalIssuer.loadOrCreate(li.keyFile(), auth.issuer(), auth.audience());
    }

    /**
     * Decoder for the configured JWKS URI, or the local issuer's public keys, with the issuer, audience, timestamp
     * and {@link TokenPolicy} validators; accepted tokens are remembered for a while ({@link VerifiedTokenCache}).
     *
     * @throws IllegalStateException at start-up when neither a JWKS URI nor the local issuer is configured
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(AuthProperties auth, ObjectProvider<LocalIssuer> localIssuer) {
        NimbusReactiveJwtDecoder decoder;
        String uri = auth.jwkSetUri();
        if (uri != null && !uri.isBlank()) {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(uri).validateType(false).build();
        } else {
            LocalIssuer issuer = localIssuer.getIfAvailable();
            if (issuer == null) {
                throw new IllegalStateException("tenantry.auth.jwk-set-uri is empty and the local issuer is disabled: no keys to verify tokens");
            }
            List<JWK> keys = issuer.publicJwks().getKeys();
            decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.fromIterable(keys)).validateType(false).build();
        }
        // issue 15: "iss" kept as the string it is. The default converter first tries to make it a URL, which for an
        // issuer like "tenantry-local" throws (and catches) an IllegalArgumentException on every request; the
        // issuer validator compares strings either way
        decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                Map.of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString())));
        String audience = auth.audience();
        OAuth2TokenValidator<Jwt> audienceCheck = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(audience));
        // typ (JWT, at+jwt or none) is checked by TokenPolicy rather than by Nimbus, which only knows JWT
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(new JwtTimestampValidator(),
                new JwtIssuerValidator(auth.issuer()), audienceCheck,
                new TokenPolicy(auth.maxTokenLifetime()))));
        // issue 15: a verified token is remembered until its exp (at most 60 s) instead of verified per request
        return new VerifiedTokenCache(decoder, java.time.Clock.systemUTC());
    }
}
