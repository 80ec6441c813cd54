package io.tenantry.provisioning.credential;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SecretHash}: the SHA-256 format of new secrets, and bcrypt hashes of older credentials still verifying. */
class SecretHashTest {
    private static final String SECRET = "kQ2x4mJ7c0oR9yT1bW3eZ5uA8iL6nP2s";

    @Test
    void newSecretsAreStoredAsPrefixedLowerCaseSha256Hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        assertThat(SecretHash.of("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(SecretHash.of(SECRET)).hasSize(71).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void aSha256HashMatchesOnlyItsSecret() {
        String stored = SecretHash.of(SECRET);
        assertThat(SecretHash.matches(SECRET, stored)).isTrue();
        assertThat(SecretHash.matches(SECRET + "x", stored)).isFalse();
        assertThat(SecretHash.matches("", stored)).isFalse();
        assertThat(SecretHash.matches(null, stored)).isFalse();
    }

    @Test
    void bcryptHashesOfEarlierCredentialsKeepVerifying() {
        String legacy = new BCryptPasswordEncoder(4).encode(SECRET);
        assertThat(legacy).startsWith("$2a$");
        assertThat(SecretHash.matches(SECRET, legacy)).isTrue();
        assertThat(SecretHash.matches(SECRET + "x", legacy)).isFalse();
    }

    @Test
    void unknownOrMalformedStoredValuesNeverMatch() {
        assertThat(SecretHash.matches(SECRET, SECRET)).as("a clear-text value is not a hash").isFalse();
        assertThat(SecretHash.matches(SECRET, "")).isFalse();
        assertThat(SecretHash.matches(SECRET, null)).isFalse();
        assertThat(SecretHash.matches(SECRET, "$2a$10$tooshort")).isFalse();
        assertThat(SecretHash.matches(SECRET, "sha256:" + "0".repeat(64))).isFalse();
    }
}
