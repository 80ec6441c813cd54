package io.tenantry.web;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a Spring Boot WebFlux service the platform's web plumbing, so every Tenantry API behaves alike:
 * <ul>
 *   <li>OAuth2 resource server on {@code /api/**} with the platform's token rules
 *       ({@link io.tenantry.web.auth.TenantrySecurityConfiguration}, {@link io.tenantry.web.auth.TokenPolicy},
 *       settings {@code tenantry.auth.*} in {@link io.tenantry.web.auth.AuthProperties}); controllers read the caller
 *       with {@link io.tenantry.web.auth.Actor#from};</li>
 *   <li>RFC 9457 problem details for every error ({@link ProblemDetailsHandler}, {@link ProblemWriter} for filters
 *       and the security chain), with {@link RequestIds};</li>
 *   <li>UTF-8-only request bodies ({@link Utf8Only}) and strict JSON ({@link StrictJsonConfig}).</li>
 * </ul>
 * Put it on the {@code @SpringBootApplication} class. It needs either {@code tenantry.auth.jwk-set-uri} or
 * {@code tenantry.auth.local-issuer.enabled=true} (with a key file), or the service does not start.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TenantryWebConfiguration.class)
public @interface EnableTenantryWeb {
}
