package io.tenantry.tools.bench;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeded dynsec client entry has Mosquitto 2.0.11's password format: PBKDF2-HMAC-SHA512, 101 iterations, a 12-byte
 * salt, the 64-byte hash, both base64. The expected hash was computed independently (Python
 * {@code hashlib.pbkdf2_hmac("sha512", b"pw-abc_DEF", bytes(range(12)), 101, 64)}); the benchmark's real-broker
 * login check ({@link SeedLogins#brokerCheck}) is what proves the broker accepts it.
 */
class SeedLoginsTest {
    @Test
    void pbkdf2MatchesAnIndependentImplementation() throws Exception {
        byte[] salt = new byte[12];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) i;
        }
        assertThat(Base64.getEncoder().encodeToString(SeedLogins.pbkdf2("pw-abc_DEF", salt)))
                .isEqualTo("Bi25AwEmbD0WuPhyybLical8UI5lBDhPZwYTzhp6ib745/89rlZryLXagu5UhmeNkp8Iws/XQjjDURcrMVyp2Q==");
    }

    @Test
    void clientEntryHasOneRoleNamedLikeTheLoginAndDynsecFields() throws Exception {
        ObjectNode c = SeedLogins.client("t_acme.dev-1", "secret");
        assertThat(c.get("username").asString()).isEqualTo("t_acme.dev-1");
        assertThat(c.get("roles").size()).isEqualTo(1);
        assertThat(c.get("roles").get(0).get("rolename").asString()).isEqualTo("t_acme.dev-1");
        assertThat(c.get("iterations").asInt()).isEqualTo(101);
        byte[] salt = Base64.getDecoder().decode(c.get("salt").asString());
        assertThat(salt).hasSize(12);
        assertThat(Base64.getDecoder().decode(c.get("password").asString())).isEqualTo(SeedLogins.pbkdf2("secret", salt));
    }
}
