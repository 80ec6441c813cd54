package io.tenantry.provisioning.auth;

import io.tenantry.adapters.auth.LocalIssuer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Serves the local issuer's public keys at {@code GET /oauth2/jwks} (RFC 7517 JWK Set); 404 when the local
 * issuer is disabled.
 */
@RestController
public class JwksController {
    private final ObjectProvider<LocalIssuer> issuer;

    public JwksController(ObjectProvider<LocalIssuer> issuer) {
        this.issuer = issuer;
    }

    @GetMapping(value = "/oauth2/jwks", produces = "application/json")
    public ResponseEntity<Map<String, Object>> jwks() {
        LocalIssuer li = issuer.getIfAvailable();
        return li == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(li.publicJwks().toJSONObject());
    }
}
