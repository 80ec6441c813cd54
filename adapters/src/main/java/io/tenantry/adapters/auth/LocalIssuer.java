package io.tenantry.adapters.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The project's own token issuer for local use and tests (never on unless {@code tenantry.auth.local-issuer.enabled}):
 * an RS256 key kept as a JWK file in the stack's state dir (generated on first use), its public JWKS, and minting
 * of tokens with the platform's claims ({@code sub}, {@code tenant_id}, {@code roles}; RFC 7519).
 */
public final class LocalIssuer {
    private final RSAKey key;
    private final String issuer;
    private final String audience;

    private LocalIssuer(RSAKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    /**
     * Loads the signing key from {@code keyFile}, generating a 2048-bit RSA key there (mode 600) when absent.
     *
     * @throws IllegalStateException when the file cannot be read, written or parsed
     */
    public static LocalIssuer loadOrCreate(Path keyFile, String issuer, String audience) {
        try {
            RSAKey key;
            if (Files.exists(keyFile)) {
                key = RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
            } else {
                key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyID(UUID.randomUUID().toString()).generate();
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
                Files.writeString(tmp, key.toJSONString(), StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // non-POSIX file system
                }
                Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return new LocalIssuer(key, issuer, audience);
        } catch (IOException | ParseException | JOSEException e) {
            throw new IllegalStateException("local issuer key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** The public key set, as served at {@code /oauth2/jwks}. */
    public JWKSet publicJwks() {
        return new JWKSet(key.toPublicJWK());
    }

    /**
     * Mints a signed token.
     *
     * @param subject  {@code sub}
     * @param tenantId {@code tenant_id}, or null for a platform admin
     * @param roles    role claim values ({@code platform_admin}, {@code owner}, {@code staff}, {@code viewer})
     * @param ttl      lifetime; negative values make an already expired token (for tests)
     * @return the compact JWS
     */
    public String mint(String subject, String tenantId, List<String> roles, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer).audience(audience)
                .issueTime(Date.from(now.minusSeconds(ttl.isNegative() ? 3600 : 0)))
                .expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString()).claim("roles", roles);
        if (tenantId != null) {
            claims.claim("tenant_id", tenantId);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }
}
