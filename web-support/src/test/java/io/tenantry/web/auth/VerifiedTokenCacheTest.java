package io.tenantry.web.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link VerifiedTokenCache} over a real RS256-verifying decoder (Nimbus, a generated 2048-bit key): remembered only
 * after verification, under the exact token, never past {@code exp} or {@link VerifiedTokenCache#MAX_AGE}.
 */
class VerifiedTokenCacheTest {
    static RSAKey key;
    static RSAKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static String token(RSAKey signer, Instant exp, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().subject(subject).issueTime(new Date()).expirationTime(Date.from(exp)).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    final AtomicInteger verifications = new AtomicInteger();
    final MovableClock clock = new MovableClock();
    final VerifiedTokenCache cache;

    VerifiedTokenCacheTest() throws Exception {
        ReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        ReactiveJwtDecoder counting = t -> {
            verifications.incrementAndGet();
            return nimbus.decode(t);
        };
        cache = new VerifiedTokenCache(counting, clock);
    }

    @Test
    void aVerifiedTokenIsRememberedUnderItsExactString() throws Exception {
        String t = token(key, clock.now.plus(Duration.ofHours(1)), "alice");
        Jwt first = cache.decode(t).block();
        Jwt second = cache.decode(t).block();
        assertThat(second).isSameAs(first);
        assertThat(second.getSubject()).isEqualTo("alice");
        assertThat(verifications).hasValue(1);

        // the same claims with a tampered signature, or signed by another key, are verified and refused
        char last = t.charAt(t.length() - 2);
        String tampered = t.substring(0, t.length() - 2) + (last == 'A' ? 'B' : 'A') + t.charAt(t.length() - 1);
        assertThatThrownBy(() -> cache.decode(tampered).block()).isInstanceOf(RuntimeException.class);
        String forged = token(otherKey, clock.now.plus(Duration.ofHours(1)), "alice");
        assertThatThrownBy(() -> cache.decode(forged).block()).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> cache.decode(forged).block()).isInstanceOf(RuntimeException.class);
        assertThat(verifications).hasValue(4); // refused tokens are never remembered
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void neverPastExpNorMaxAge() throws Exception {
        String shortLived = token(key, clock.now.plusSeconds(30), "bob");
        String longLived = token(key, clock.now.plus(Duration.ofHours(1)), "carol");
        cache.decode(shortLived).block();
        cache.decode(longLived).block();
        clock.now = clock.now.plusSeconds(29);
        cache.decode(shortLived).block();
        cache.decode(longLived).block();
        assertThat(verifications).hasValue(2);

        clock.now = clock.now.plusSeconds(2); // past the short-lived token's exp: asked again
        cache.decode(shortLived).onErrorComplete().block();
        assertThat(verifications).hasValue(3);

        clock.now = clock.now.plus(VerifiedTokenCache.MAX_AGE); // past MAX_AGE: verified again
        assertThat(cache.decode(longLived).block().getSubject()).isEqualTo("carol");
        assertThat(verifications).hasValue(4);
    }

    @Test
    void boundedInSize() throws Exception {
        for (int i = 0; i < VerifiedTokenCache.MAX_ENTRIES + 5; i++) {
            cache.decode(token(key, clock.now.plus(Duration.ofHours(1)), "user" + i)).block();
        }
        assertThat(cache.size()).isLessThanOrEqualTo(VerifiedTokenCache.MAX_ENTRIES);
    }
}
