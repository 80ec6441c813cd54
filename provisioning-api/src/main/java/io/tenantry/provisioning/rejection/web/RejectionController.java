package io.tenantry.provisioning.rejection.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.rejection.RejectionQuery;
import io.tenantry.web.Blocking;
import io.tenantry.web.auth.Actor;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * {@code GET /api/v1/tenants/{tenantId}/rejections}: what ingest refused from the tenant's devices and why
 * (issue 16; {@link RejectionQuery}). Any role of the tenant, or platform_admin; another tenant answers 404.
 */
@RestController
@Tag(name = "Rejections", description = "Data ingest refused from the tenant's devices: reason, element, time, a payload sample")
@SecurityRequirement(name = "bearer")
public class RejectionController {
    private final RejectionQuery rejections;

    public RejectionController(RejectionQuery rejections) {
        this.rejections = rejections;
    }

    @Operation(operationId = "listRejections", summary = "List rejected data of the tenant's devices, newest first, with counts by reason",
            description = "Rows come from ingest's dead letters (one per rejected MQTT message; kept 7 days by default). "
                    + "Reason codes are explained in docs/telemetry.md section 9. Roles: owner, staff, viewer of the tenant, platform_admin.")
    @GetMapping("/api/v1/tenants/{tenantId}/rejections")
    public Mono<RejectionQuery.Page> list(
            @AuthenticationPrincipal Jwt jwt,
            @Parameter(description = "The tenant's id") @PathVariable UUID tenantId,
            @Parameter(description = "Only this device (its id); another tenant's device answers 404") @RequestParam(required = false) UUID device,
            @Parameter(description = "Only this reason code, e.g. wrong_type, bad_timestamp, invalid_value") @RequestParam(required = false) String reason,
            @Parameter(description = "Window start: RFC 3339 or epoch milliseconds; default 24 h before `to`", example = "2026-01-31T00:00:00Z") @RequestParam(required = false) String from,
            @Parameter(description = "Window end: RFC 3339 or epoch milliseconds; default now") @RequestParam(required = false) String to,
            @Parameter(description = "Most rows returned, 1 to 1000; default 100") @RequestParam(required = false) Integer limit) {
        return Blocking.call(() -> rejections.list(Actor.from(jwt), TenantId.of(tenantId), device, reason, from, to, limit));
    }
}
