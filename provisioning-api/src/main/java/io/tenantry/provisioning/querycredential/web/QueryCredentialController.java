package io.tenantry.provisioning.querycredential.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.querycredential.QueryCredentialManagement;
import io.tenantry.web.Blocking;
import io.tenantry.web.RequestIds;
import io.tenantry.web.auth.Actor;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Query-gateway credentials under {@code /api/v1/tenants/{tenantId}/query-credentials} (issue 13): {@code POST}
 * {@code {"use":"grafana"}} → 201 {@code {username, secret, description}} (the secret only here, once);
 * {@code GET} lists them without secrets; {@code DELETE …/{username}} revokes one, {@code DELETE …?use=grafana}
 * every one of a use (204 either way, idempotent). Owner, staff or platform_admin (list: any role of the tenant);
 * another tenant answers 404.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}/query-credentials")
@SecurityRequirement(name = "bearer")
public class QueryCredentialController {
    private final QueryCredentialManagement credentials;

    public QueryCredentialController(QueryCredentialManagement credentials) {
        this.credentials = credentials;
    }

    /** The request body of an issue: {@code use} as {@code [a-z0-9-]{1,32}}. */
    public record IssueRequest(String use) {
    }

    @Operation(summary = "Issue a query-gateway credential (InfluxDB user/password for Grafana); the secret is shown once")
    @PostMapping
    public Mono<ResponseEntity<QueryCredentialIssuer.Issued>> issue(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                                   @RequestBody IssueRequest body, ServerWebExchange ex) {
        return Blocking.call(() -> ResponseEntity.status(201).body(credentials.issue(Actor.from(jwt), RequestIds.of(ex),
                TenantId.of(tenantId), body == null ? null : body.use())));
    }

    @Operation(summary = "List the tenant's query-gateway credentials (no secrets)")
    @GetMapping
    public Mono<List<QueryCredentialManagement.Listed>> list(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId) {
        return Blocking.call(() -> credentials.list(Actor.from(jwt), TenantId.of(tenantId)));
    }

    @Operation(summary = "Revoke one query-gateway credential")
    @DeleteMapping("/{username}")
    public Mono<ResponseEntity<Void>> revoke(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                             @PathVariable String username, ServerWebExchange ex) {
        return Blocking.call(() -> {
            credentials.revoke(Actor.from(jwt), RequestIds.of(ex), TenantId.of(tenantId), null, username);
            return ResponseEntity.noContent().<Void>build();
        });
    }

    @Operation(summary = "Revoke every query-gateway credential of a use (?use=grafana)")
    @DeleteMapping
    public Mono<ResponseEntity<Map<String, Integer>>> revokeAll(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                                @org.springframework.web.bind.annotation.RequestParam String use,
                                                                ServerWebExchange ex) {
        return Blocking.call(() -> ResponseEntity.ok(Map.of("revoked",
                credentials.revoke(Actor.from(jwt), RequestIds.of(ex), TenantId.of(tenantId), use, null))));
    }
}
