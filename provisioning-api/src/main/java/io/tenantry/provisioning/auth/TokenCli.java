package io.tenantry.provisioning.auth;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.web.auth.Role;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Mints a token from the local issuer's key, for local use: {@code bin/tenantry token --role owner --tenant <uuid>}.
 * Arguments: {@code --role r[,r]} (required), {@code --tenant uuid} (omit for platform_admin), {@code --sub s},
 * {@code --ttl PT1H} (ISO-8601 duration), {@code --key file} (default {@code .stack/issuer/jwk.json}),
 * {@code --issuer}, {@code --audience}. Prints the token on stdout.
 */
public final class TokenCli {
    private TokenCli() {
    }

    /**
     * Refuses what the API would refuse anyway, before minting (issue 16): a role that is not one of
     * {@code platform_admin, owner, staff, viewer} ({@link Role}), a tenant role (owner, staff, viewer) without
     * {@code --tenant}, and a {@code --tenant} that is not a UUID.
     *
     * @return the message for the operator, or null when the token may be minted
     */
    static String check(List<String> roles, String tenant) {
        List<String> known = Arrays.stream(Role.values()).map(Role::claim).toList();
        for (String r : roles) {
            if (Role.ofClaim(r).isEmpty()) {
                return "unknown role '" + r + "'; roles: " + String.join(", ", known);
            }
        }
        boolean tenantRole = roles.stream().anyMatch(r -> !Role.PLATFORM_ADMIN.claim().equals(r));
        if (tenantRole && (tenant == null || tenant.isBlank())) {
            return "roles " + String.join(",", roles) + " belong to one tenant: add --tenant <tenant uuid> "
                    + "(only platform_admin works without a tenant)";
        }
        if (tenant != null) {
            try {
                java.util.UUID.fromString(tenant);
            } catch (IllegalArgumentException e) {
                return "--tenant must be a tenant UUID (the id returned by POST /api/v1/tenants), not '" + tenant + "'";
            }
        }
        return null;
    }

    public static void main(String[] args) {
        String role = null;
        String tenant = null;
        String sub = "cli";
        Duration ttl = Duration.ofHours(1);
        Path key = Path.of(System.getenv().getOrDefault("TENANTRY_STATE_DIR", ".stack"), "issuer", "jwk.json");
        String issuer = "tenantry-local";
        String audience = "tenantry-api";
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--role" -> { role = v; i++; }
                case "--tenant" -> { tenant = v; i++; }
                case "--sub" -> { sub = v; i++; }
                case "--ttl" -> { ttl = Duration.parse(v); i++; }
                case "--key" -> { key = Path.of(v); i++; }
                case "--issuer" -> { issuer = v; i++; }
                case "--audience" -> { audience = v; i++; }
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (role == null) {
            System.err.println("usage: token --role platform_admin|owner|staff|viewer [--tenant uuid] [--sub s] [--ttl PT1H]");
            System.exit(2);
        }
        if (!key.toFile().exists()) {
            System.err.println("no local issuer key at " + key + "; start the provisioning API with the local issuer enabled first");
            System.exit(1);
        }
        List<String> roles = Arrays.asList(role.split(","));
        String problem = check(roles, tenant);
        if (problem != null) {
            System.err.println(problem);
            System.exit(2);
        }
        System.out.println(LocalIssuer.loadOrCreate(key, issuer, audience).mint(sub, tenant, roles, ttl));
    }
}
