package io.tenantry.web.auth;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TokenPolicy} on hand-built {@link Jwt}s with a fixed clock (the HTTP side is in ApiHardeningIT). */
class TokenPolicyTest {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final TokenPolicy POLICY = new TokenPolicy(Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
    // header {"alg":"RS256"} . {} . 256 zero bytes
    static final String SIG = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
    static final String COMPACT = "eyJhbGciOiJSUzI1NiJ9.e30." + SIG;

    static Jwt jwt(String compact, Consumer<Map<String, Object>> headers, Consumer<Map<String, Object>> claims) {
        Jwt.Builder b = Jwt.withTokenValue(compact).header("alg", "RS256").subject("alice")
                .issuedAt(NOW.minusSeconds(60)).expiresAt(NOW.plus(Duration.ofHours(1)));
        return b.headers(headers).claims(claims).build();
    }

    static boolean ok(Jwt jwt) {
        return !POLICY.validate(jwt).hasErrors();
    }

    @Test
    void lifetimeIsBoundedAndExpRequired() {
        assertThat(ok(jwt(COMPACT, h -> { }, c -> { }))).isTrue();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.remove("exp")))).isFalse();
        // iat is NOW - 60 s: exactly 24 h from iat passes, one second more does not
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.put("exp", NOW.plus(Duration.ofHours(24)).minusSeconds(60))))).isTrue();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.put("exp", NOW.plus(Duration.ofHours(24)).minusSeconds(59))))).isFalse();
        // nbf later than iat counts from nbf, but exp may never lie further than the maximum from now
        assertThat(ok(jwt(COMPACT, h -> { }, c -> {
            c.put("iat", NOW.minus(Duration.ofHours(30)));
            c.put("nbf", NOW.minus(Duration.ofHours(1)));
            c.put("exp", NOW.plus(Duration.ofHours(2)));
        }))).isTrue();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> {
            c.remove("iat");
            c.put("exp", NOW.plus(Duration.ofDays(2)));
        }))).isFalse();
    }

    @Test
    void subTypAndCrit() {
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.put("sub", "x".repeat(TokenPolicy.MAX_SUBJECT))))).isTrue();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.put("sub", "x".repeat(TokenPolicy.MAX_SUBJECT + 1))))).isFalse();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.remove("sub")))).isFalse();
        assertThat(ok(jwt(COMPACT, h -> { }, c -> c.put("sub", "a\nb")))).isFalse();
        for (String typ : List.of("JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt")) {
            assertThat(ok(jwt(COMPACT, h -> h.put("typ", typ), c -> { }))).as(typ).isTrue();
        }
        assertThat(ok(jwt(COMPACT, h -> h.put("typ", "JOSE"), c -> { }))).isFalse();
        assertThat(ok(jwt(COMPACT, h -> h.put("crit", List.of("exp")), c -> { }))).isFalse();
        // an empty crit list only shows in the raw header: {"alg":"RS256","crit":[]}
        String rawCrit = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\",\"crit\":[]}".getBytes()) + ".e30." + SIG;
        assertThat(ok(jwt(rawCrit, h -> { }, c -> { }))).isFalse();
    }

    @Test
    void onlyCanonicalBase64urlSignatures() {
        assertThat(TokenPolicy.canonicalSignature(COMPACT)).isTrue();
        String last = COMPACT.substring(0, COMPACT.length() - 1);
        assertThat(COMPACT).endsWith("A");
        assertThat(TokenPolicy.canonicalSignature(last + "B")).as("non-zero unused bits").isFalse();
        assertThat(TokenPolicy.canonicalSignature(COMPACT + "=")).as("padding").isFalse();
        assertThat(TokenPolicy.canonicalSignature(COMPACT.replace("AAAA", "AA+A"))).as("base64, not base64url").isFalse();
        assertThat(TokenPolicy.canonicalSignature("a.b.")).as("empty").isFalse();
    }
}
