package io.tenantry.provisioning.credential.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.credential.CredentialManagement;
import io.tenantry.provisioning.credential.IssuedCredential;
import io.tenantry.web.Blocking;
import io.tenantry.web.RequestIds;
import io.tenantry.web.auth.Actor;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * MQTT credentials under {@code /api/v1/tenants/{tenantId}}: a device's login and the tenant service login. The
 * tenant comes from the path and must match the token's (404 otherwise); owner, staff or platform_admin. The
 * password is in the 201 body only, once.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}")
@SecurityRequirement(name = "bearer")
public class CredentialController {
    private final CredentialManagement credentials;

    public CredentialController(CredentialManagement credentials) {
        this.credentials = credentials;
    }

    @Operation(summary = "Issue or rotate the device's MQTT credential; the password is shown once")
    @PostMapping("/devices/{deviceId}/credentials")
    public Mono<ResponseEntity<IssuedCredential>> credential(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                             @PathVariable UUID deviceId, ServerWebExchange ex) {
        return Blocking.call(() -> ResponseEntity.status(201).body(credentials.issueForDevice(Actor.from(jwt),
                RequestIds.of(ex), TenantId.of(tenantId), DeviceId.of(deviceId))));
    }

    @Operation(summary = "Issue or rotate the tenant service login t_<slug>:svc, which may read plc/<slug>/#")
    @PostMapping("/service-credentials")
    public Mono<ResponseEntity<IssuedCredential>> serviceCredential(@AuthenticationPrincipal Jwt jwt,
                                                                    @PathVariable UUID tenantId, ServerWebExchange ex) {
        return Blocking.call(() -> ResponseEntity.status(201).body(credentials.issueForTenantService(Actor.from(jwt),
                RequestIds.of(ex), TenantId.of(tenantId))));
    }
}
