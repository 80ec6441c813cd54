package io.tenantry.tools.bench;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What every benchmark starts with: the stack's endpoints ({@code --stack-env}), the provisioning API
 * ({@code --api}, default {@code http://127.0.0.1:$TENANTRY_API_PORT} or 18080), a short run id that keeps this
 * run's tenant slugs apart from earlier ones, and tokens from the local issuer (valid 2 h, under the API's 24 h cap).
 *
 * @param env    the stack's {@code stack.env} values
 * @param run    six hex characters, unique per run
 * @param issuer the local token issuer ({@code <state>/issuer/jwk.json})
 * @param client the provisioning API client
 * @param admin  a platform-admin token
 */
record BenchSession(Map<String, String> env, String run, LocalIssuer issuer, ApiClient client, String admin) {
    static BenchSession open(Options o) throws Exception {
        Map<String, String> env = o.stackEnv();
        String port = System.getenv().getOrDefault("TENANTRY_API_PORT", "18080");
        String api = o.get("api", "http://127.0.0.1:" + port);
        Path state = Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        String run = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 3);
        LocalIssuer issuer = LocalIssuer.loadOrCreate(state.resolve("issuer/jwk.json"), "tenantry-local", "tenantry-api");
        String admin = issuer.mint("bench", null, List.of("platform_admin"), Duration.ofHours(2));
        return new BenchSession(env, run, issuer, new ApiClient(api), admin);
    }

    /** An owner token for {@code tenant}. */
    String owner(String tenant) {
        return issuer.mint("bench", tenant, List.of("owner"), Duration.ofHours(2));
    }
}
