package io.tenantry.provisioning.tenant.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.tenant.Tenant;
import io.tenantry.provisioning.tenant.TenantManagement;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.web.Blocking;
import io.tenantry.web.RequestIds;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** {@code /api/v1/tenants}: create, list, read, change, and the lifecycle (design note 003 §11). */
@RestController
@RequestMapping("/api/v1/tenants")
@SecurityRequirement(name = "bearer")
public class TenantController {
    private final TenantManagement tenants;

    public TenantController(TenantManagement tenants) {
        this.tenants = tenants;
    }

    /** Body of {@code POST /tenants}. */
    public record CreateTenant(String slug, String name, String plan) {
    }

    /** Body of {@code PATCH /tenants/{id}}; absent fields stay unchanged. */
    public record UpdateTenant(String name, String plan) {
    }

    /** A tenant as the API shows it. */
    public record TenantView(UUID id, String slug, String name, TenantStatus status, String plan,
                             OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        static TenantView of(Tenant t) {
            return new TenantView(t.id().value(), t.slug().value(), t.name(), t.status(), t.plan(), t.createdAt(), t.updatedAt());
        }
    }

    @Operation(summary = "Create a tenant (platform_admin)")
    @PostMapping
    public Mono<ResponseEntity<TenantView>> create(@AuthenticationPrincipal Jwt jwt, @RequestBody CreateTenant body,
                                                   ServerWebExchange ex) {
        return Blocking.call(() -> tenants.create(Actor.from(jwt), RequestIds.of(ex), body.slug(), body.name(), body.plan()))
                .map(t -> ResponseEntity.created(URI.create("/api/v1/tenants/" + t.id())).body(TenantView.of(t)));
    }

    @Operation(summary = "List the tenants the caller may see")
    @GetMapping
    public Mono<List<TenantView>> list(@AuthenticationPrincipal Jwt jwt) {
        return Blocking.call(() -> tenants.list(Actor.from(jwt)).stream().map(TenantView::of).toList());
    }

    @Operation(summary = "Read one tenant")
    @GetMapping("/{id}")
    public Mono<TenantView> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return Blocking.call(() -> TenantView.of(tenants.get(Actor.from(jwt), TenantId.of(id))));
    }

    @Operation(summary = "Change name and/or plan (platform_admin)")
    @PatchMapping("/{id}")
    public Mono<TenantView> update(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id, @RequestBody UpdateTenant body,
                                   ServerWebExchange ex) {
        return Blocking.call(() -> TenantView.of(tenants.update(Actor.from(jwt), RequestIds.of(ex), TenantId.of(id),
                body.name(), body.plan())));
    }

    @Operation(summary = "Suspend: disable the tenant's broker logins and drop connected devices (platform_admin)")
    @PostMapping("/{id}/suspend")
    public Mono<TenantView> suspend(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id, ServerWebExchange ex) {
        return transition(jwt, id, ex, TenantStatus.SUSPENDED);
    }

    @Operation(summary = "Activate: re-enable the tenant's broker logins (platform_admin)")
    @PostMapping("/{id}/activate")
    public Mono<TenantView> activate(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id, ServerWebExchange ex) {
        return transition(jwt, id, ex, TenantStatus.ACTIVE);
    }

    @Operation(summary = "Terminate: delete the tenant's broker logins and roles; final (platform_admin)")
    @PostMapping("/{id}/terminate")
    public Mono<TenantView> terminate(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id, ServerWebExchange ex) {
        return transition(jwt, id, ex, TenantStatus.TERMINATED);
    }

    private Mono<TenantView> transition(Jwt jwt, UUID id, ServerWebExchange ex, TenantStatus target) {
        // the broker change is applied right after commit by the outbox (see Outbox)
        return Blocking.call(() -> TenantView.of(tenants.transition(Actor.from(jwt), RequestIds.of(ex), TenantId.of(id), target)));
    }
}
