package io.tenantry.provisioning.grafana.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.grafana.GrafanaReconciler;
import io.tenantry.provisioning.grafana.GrafanaStatus;
import io.tenantry.web.Blocking;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.grafana.GrafanaEnabled;
import org.springframework.context.annotation.Conditional;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * The tenant's Grafana organisation as the platform sees it ({@code GET /api/v1/tenants/{id}/grafana}: the tenant's
 * users and platform admins) and an on-demand reconciliation ({@code POST /api/v1/admin/grafana/reconcile}:
 * platform admins). Present only when the Grafana feature is on.
 */
@RestController
@Conditional(GrafanaEnabled.class)
@SecurityRequirement(name = "bearer")
public class GrafanaController {
    private final GrafanaReconciler reconciler;
    private final GrafanaStatus status;

    public GrafanaController(GrafanaReconciler reconciler, GrafanaStatus status) {
        this.reconciler = reconciler;
        this.status = status;
    }

    @Operation(summary = "The tenant's Grafana organisation: state, dashboards (URL, version, edited) and the plan's dashboard limit")
    @GetMapping("/api/v1/tenants/{id}/grafana")
    public Mono<GrafanaStatus.View> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return Blocking.call(() -> {
            TenantId tenant = TenantId.of(id);
            Actor.from(jwt).requireVisible(tenant);
            return status.view(tenant);
        });
    }

    @Operation(summary = "Compare every tenant's Grafana organisation with PostgreSQL now and repair the drift")
    @PostMapping("/api/v1/admin/grafana/reconcile")
    public Mono<GrafanaReconciler.Report> reconcile(@AuthenticationPrincipal Jwt jwt) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            return reconciler.reconcile();
        });
    }

    /** The organisation mapping line for Grafana's {@code [auth.jwt] org_mapping}. */
    public record OrgMapping(String orgAttributePath, String orgMapping) {
    }

    @Operation(summary = "The org_mapping line for Grafana's [auth.jwt] (tenant_id claim -> organisation)")
    @GetMapping("/api/v1/admin/grafana/org-mapping")
    public Mono<OrgMapping> orgMapping(@AuthenticationPrincipal Jwt jwt) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            return new OrgMapping("tenant_id", status.orgMapping());
        });
    }
}
