package io.tenantry.web.auth;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ReactiveJwtDecoder} that remembers the tokens its delegate accepted (issue 15: parsing the JWT, the RS256
 * signature check and the claim validators ran on every API request; a client sends the same token many times).
 * <p>
 * Only a token the delegate verified is remembered, under its exact string (header, claims and signature), and
 * only until the earlier of its {@code exp} and {@link #MAX_AGE} after it was verified — so a remembered token is
 * never accepted after it expires, and a key removed from the JWKS stops its tokens within {@code MAX_AGE}. Tokens
 * without {@code exp} and tokens longer than {@link #MAX_TOKEN_CHARS} are not remembered; at most
 * {@link #MAX_ENTRIES} are (expired ones are dropped when it is full, then everything). Every other token,
 * including any byte-wise variation of a remembered one, goes to the delegate. Thread-safe.
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {
    /** How long a verified token is remembered at most (the bound on a JWKS key removal). */
    public static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** At most this many tokens are remembered. */
    public static final int MAX_ENTRIES = 1024;
    /** Longer tokens are always verified. */
    public static final int MAX_TOKEN_CHARS = 4096;

    private final ReactiveJwtDecoder delegate;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> verified = new ConcurrentHashMap<>();

    private record Entry(Jwt jwt, Instant until) {
    }

    /**
     * @param delegate the verifying decoder (signature, validators)
     * @param clock    the time {@code exp} and {@link #MAX_AGE} are compared with
     */
    public VerifiedTokenCache(ReactiveJwtDecoder delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /** The remembered {@link Jwt} while it is valid, else the delegate's answer (remembered when accepted). */
    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        Instant now = clock.instant();
        Entry e = token == null ? null : verified.get(token);
        if (e != null) {
            if (now.isBefore(e.until())) {
                return Mono.just(e.jwt());
            }
            verified.remove(token, e);
        }
        return delegate.decode(token).doOnNext(jwt -> remember(token, jwt, now));
    }

    /** How many tokens are remembered now (for tests). */
    int size() {
        return verified.size();
    }

    private void remember(String token, Jwt jwt, Instant verifiedAt) {
        Instant exp = jwt.getExpiresAt();
        if (token == null || exp == null || token.length() > MAX_TOKEN_CHARS) {
            return;
        }
        Instant until = verifiedAt.plus(MAX_AGE);
        until = exp.isBefore(until) ? exp : until;
        if (!verifiedAt.isBefore(until)) {
            return;
        }
        if (verified.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            verified.values().removeIf(x -> !now.isBefore(x.until()));
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
        }
        verified.put(token, new Entry(jwt, until));
    }
}
