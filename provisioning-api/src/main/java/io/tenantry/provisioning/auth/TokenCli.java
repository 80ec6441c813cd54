package io.tenantry.provisioning.auth;

import io.tenantry.adapters.auth.LocalIssuer;
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
        System.out.println(LocalIssuer.loadOrCreate(key, issuer, audience).mint(sub, tenant, roles, ttl));
    }
}
