package io.tenantry.provisioning.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/tenantry token} refuses roles the API does not know and tenant roles without a tenant (issue 16). */
class TokenCliTest {
    static final String T = "7d1c9c38-3f0e-4c53-9d2b-8f1f7a2b1c11";

    @Test
    void refusesUnknownRolesNamingTheKnownOnes() {
        assertThat(TokenCli.check(List.of("admin"), null))
                .isEqualTo("unknown role 'admin'; roles: platform_admin, owner, staff, viewer");
        assertThat(TokenCli.check(List.of("owner", "root"), T)).startsWith("unknown role 'root'");
    }

    @Test
    void refusesTenantRolesWithoutTenantAndTenantsThatAreNoUuid() {
        for (String r : List.of("owner", "staff", "viewer")) {
            assertThat(TokenCli.check(List.of(r), null)).contains("add --tenant <tenant uuid>");
        }
        assertThat(TokenCli.check(List.of("platform_admin", "viewer"), null)).contains("add --tenant");
        assertThat(TokenCli.check(List.of("owner"), "acme")).contains("must be a tenant UUID");
    }

    @Test
    void acceptsWhatTheApiAccepts() {
        assertThat(TokenCli.check(List.of("platform_admin"), null)).isNull();
        assertThat(TokenCli.check(List.of("owner"), T)).isNull();
        assertThat(TokenCli.check(List.of("staff", "viewer"), T)).isNull();
    }
}
