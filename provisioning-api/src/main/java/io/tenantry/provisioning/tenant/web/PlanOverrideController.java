package io.tenantry.provisioning.tenant.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.tenant.PlanOverrideManagement;
import io.tenantry.web.Blocking;
import io.tenantry.web.RequestIds;
import io.tenantry.web.auth.Actor;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/tenants/{id}/limits} (issue 10): the tenant's plan limits, overrides and effective values (GET:
 * members and platform admins); {@code PUT} replaces the overrides (platform admins; {@code {}} clears them),
 * audited. Body: {@code {"pointsPerMinute": 20000, "maxDevices": 30}} (see {@link PlanOverrideManagement}).
 */
@RestController
@RequestMapping("/api/v1/tenants/{id}/limits")
@SecurityRequirement(name = "bearer")
public class PlanOverrideController {
    private final PlanOverrideManagement overrides;

    public PlanOverrideController(PlanOverrideManagement overrides) {
        this.overrides = overrides;
    }

    @Operation(summary = "The tenant's plan limits, per-tenant overrides and effective limits")
    @GetMapping
    public Mono<PlanOverrideManagement.Limits> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return Blocking.call(() -> overrides.get(Actor.from(jwt), TenantId.of(id)));
    }

    @Operation(summary = "Replace the tenant's limit overrides (platform_admin; audited)")
    @PutMapping
    public Mono<PlanOverrideManagement.Limits> put(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                   @RequestBody Map<String, Integer> body, ServerWebExchange ex) {
        return Blocking.call(() -> overrides.set(Actor.from(jwt), RequestIds.of(ex), TenantId.of(id), body));
    }
}
