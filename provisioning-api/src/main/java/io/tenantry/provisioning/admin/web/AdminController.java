package io.tenantry.provisioning.admin.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.provisioning.audit.AuditVerification;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.broker.ReconcileReport;
import io.tenantry.provisioning.broker.Reconciler;
import io.tenantry.web.Blocking;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Platform operations for {@code platform_admin}: audit chain verification and on-demand reconciliation. */
@RestController
@RequestMapping("/api/v1/admin")
@SecurityRequirement(name = "bearer")
public class AdminController {
    private final AuditVerification verification;
    private final Reconciler reconciler;

    public AdminController(AuditVerification verification, Reconciler reconciler) {
        this.verification = verification;
        this.reconciler = reconciler;
    }

    @Operation(summary = "Verify the audit hash chain; names the first broken row")
    @GetMapping("/audit/verify")
    public Mono<AuditVerification.Result> verifyAudit(@AuthenticationPrincipal Jwt jwt) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            return verification.verify();
        });
    }

    @Operation(summary = "Reconcile broker and InfluxDB with PostgreSQL now; returns the drift fixed")
    @PostMapping("/reconcile")
    public Mono<ReconcileReport> reconcile(@AuthenticationPrincipal Jwt jwt) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            return reconciler.reconcile();
        });
    }
}
