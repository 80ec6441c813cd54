package io.tenantry.provisioning.credential;

import org.springframework.security.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stored hash of an MQTT credential's secret ({@code mqtt_credentials.password_hash}).
 * <p>
 * <b>Decision (issue 15, made by the lead):</b> secrets that the platform generates itself as random values of at
 * least 192 bits are stored as {@code sha256:<64 lower-case hex digits>} (SHA-256 of the UTF-8 secret). A slow hash
 * (bcrypt, cost 10: 60–100 ms of CPU per credential) only protects low-entropy, human-chosen passwords against
 * guessing; nobody can enumerate 2^192 candidates, so it bought nothing but latency. The query gateway's
 * credentials already store SHA-256 of random 256-bit secrets (Flyway V10). There is no server pepper in the
 * configuration, so no HMAC. Hashes written before (bcrypt, {@code $2a$…}/{@code $2b$…}/{@code $2y$…}) stay and keep
 * verifying ({@link #matches}); a rotation replaces them with the new format.
 * <p>
 * What the hash is for: the broker never sees it. Mosquitto's dynamic-security plugin receives the password itself
 * through the outbox and keeps its own salted PBKDF2-SHA512 hash; devices authenticate against that. This column
 * is PostgreSQL's record that a credential was issued and lets an operator check a presented secret
 * ({@link #matches}) without the broker.
 */
public final class SecretHash {
    /** Prefix of the SHA-256 format. */
    public static final String SHA256_PREFIX = "sha256:";

    private SecretHash() {
    }

    /**
     * The stored form of a new, platform-generated random secret.
     *
     * @param secret a random value of at least 192 bits (never a human-chosen password)
     * @return {@code sha256:} followed by 64 lower-case hex digits (71 characters; the column holds 100)
     */
    public static String of(String secret) {
        return SHA256_PREFIX + sha256Hex(secret);
    }

    /**
     * True when {@code secret} is the one {@code stored} was made from. Understands both formats: {@code sha256:…}
     * (compared in constant time) and the bcrypt hashes of credentials issued before issue 15. Anything else
     * (empty, unknown format) never matches.
     */
    public static boolean matches(String secret, String stored) {
        if (secret == null || stored == null) {
            return false;
        }
        if (stored.startsWith(SHA256_PREFIX)) {
            return MessageDigest.isEqual(stored.substring(SHA256_PREFIX.length()).getBytes(StandardCharsets.US_ASCII),
                    sha256Hex(secret).getBytes(StandardCharsets.US_ASCII));
        }
        if (stored.startsWith("$2a$") || stored.startsWith("$2b$") || stored.startsWith("$2y$")) {
            try {
                return BCrypt.checkpw(secret, stored);
            } catch (IllegalArgumentException e) {
                return false; // malformed bcrypt string
            }
        }
        return false;
    }

    private static String sha256Hex(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
