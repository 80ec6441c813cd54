package io.tenantry.web.auth;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tenantry.web.TextRules;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The platform's own rules for access tokens, on top of signature, issuer, audience and timestamps (checked by
 * Spring Security's validators). A token breaking any of them answers 401 (RFC 6750 {@code invalid_token}):
 * <ul>
 *   <li>{@code exp} is required (RFC 9068 §2.2) and the lifetime is bounded: {@code exp} − max({@code iat},
 *       {@code nbf}) and {@code exp} − now are both at most {@code maxLifetime} (e.g. 24 h), so a leaked token
 *       never lives for ever;</li>
 *   <li>{@code sub} is required, 1 to {@link #MAX_SUBJECT} characters (fits the audit log's {@code actor} column) and
 *       free of control characters;</li>
 *   <li>header {@code typ}, when present, is {@code JWT}, {@code at+jwt} or {@code application/at+jwt}
 *       (RFC 7519 §5.1, RFC 9068 §2.1), compared case-insensitively;</li>
 *   <li>no {@code crit} header at all: the API understands no extension, and RFC 7515 §4.1.11 forbids an empty
 *       list, so even {@code crit: []} is refused;</li>
 *   <li>the signature segment is canonical base64url (RFC 7515 §2, RFC 4648 §3.5: alphabet {@code A-Za-z0-9-_},
 *       no padding, unused trailing bits zero), so one signature has exactly one spelling.</li>
 * </ul>
 */
public final class TokenPolicy implements OAuth2TokenValidator<Jwt> {
    /**
     * Longest {@code sub}: the audit log stores the actor as {@code <sub>@<tenant uuid>} (or {@code <sub>@platform})
     * in {@code audit_events.actor varchar(200)}, so 160 + 1 + 36 = 197 always fits.
     */
    public static final int MAX_SUBJECT = 160;
    private static final Set<String> TYPES = Set.of("jwt", "at+jwt", "application/at+jwt");

    private final Duration maxLifetime;
    private final Clock clock;

    /** @param maxLifetime longest accepted token lifetime, positive */
    public TokenPolicy(Duration maxLifetime) {
        this(maxLifetime, Clock.systemUTC());
    }

    TokenPolicy(Duration maxLifetime, Clock clock) {
        if (maxLifetime == null || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("tenantry.auth.max-token-lifetime must be positive: " + maxLifetime);
        }
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        List<OAuth2Error> errors = new ArrayList<>();
        Instant exp = jwt.getExpiresAt();
        if (exp == null) {
            errors.add(error("the token has no 'exp' claim"));
        } else {
            Instant start = latest(jwt.getIssuedAt(), jwt.getNotBefore());
            Instant now = clock.instant();
            if ((start != null && Duration.between(start, exp).compareTo(maxLifetime) > 0)
                    || Duration.between(now, exp).compareTo(maxLifetime) > 0) {
                errors.add(error("the token lives longer than the allowed " + maxLifetime));
            }
        }
        String sub = jwt.getSubject();
        if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT || !TextRules.isPrintable(sub)) {
            errors.add(error("'sub' must be 1 to " + MAX_SUBJECT + " printable characters"));
        }
        Object typ = jwt.getHeaders().get("typ");
        if (typ != null && !(typ instanceof String t && TYPES.contains(t.toLowerCase(java.util.Locale.ROOT)))) {
            errors.add(error("header 'typ' must be JWT or at+jwt"));
        }
        if (jwt.getHeaders().containsKey("crit") || rawHeaderHas(jwt.getTokenValue(), "crit")) {
            errors.add(error("header 'crit' is not supported"));
        }
        if (!canonicalSignature(jwt.getTokenValue())) {
            errors.add(error("the signature is not canonical base64url"));
        }
        return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
    }

    /** True when the compact JWS's third segment is the one unpadded base64url spelling of its bytes. */
    static boolean canonicalSignature(String compact) {
        int last = compact.lastIndexOf('.');
        if (last < 0) {
            return false;
        }
        String sig = compact.substring(last + 1);
        if (sig.isEmpty() || !sig.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '_')) {
            return false;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(sig);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(sig);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * True when the token's JOSE header, as sent, has {@code name}. Needed for {@code crit}: Nimbus drops an empty
     * {@code crit} list when it parses the header, so {@link Jwt#getHeaders()} cannot show it.
     */
    static boolean rawHeaderHas(String compact, String name) {
        int dot = compact.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            return JSONObjectUtils.parse(new Base64URL(compact.substring(0, dot)).decodeToString()).containsKey(name);
        } catch (java.text.ParseException | RuntimeException e) {
            return true; // unreadable here although the decoder read it: refuse rather than guess
        }
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static OAuth2Error error(String description) {
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, "https://tools.ietf.org/html/rfc6750#section-3.1");
    }
}
