package io.tenantry.quota.usage;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.Blocking;
import io.tenantry.web.auth.Actor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Usage for billing (issue 10; note 003 §13, §15 step 2), JSON or {@code format=csv}:
 * <ul>
 *   <li>{@code GET /api/v1/tenants/{id}/usage?from&to&granularity=day|minute} — the tenant's members (owner, staff,
 *       viewer) and platform admins; another tenant answers 404 (its existence does not leak);</li>
 *   <li>{@code GET /api/v1/tenants/{id}/recommendations} — the same callers: upgrade recommendations;</li>
 *   <li>{@code GET /api/v1/billing/usage?month=YYYY-MM} and {@code GET /api/v1/billing/mrr?month=YYYY-MM} — platform
 *       admins only (there is no separate billing role yet).</li>
 * </ul>
 * Bad parameters are RFC 9457 problems naming each field ({@link InvalidInputException}).
 */
@RestController
@RequestMapping("/api/v1")
public class UsageController {
    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final UsageQueries queries;

    public UsageController(UsageQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/tenants/{id}/usage")
    public Mono<ResponseEntity<?>> tenantUsage(@AuthenticationPrincipal Jwt jwt, @PathVariable String id,
                                               @RequestParam(required = false) String from,
                                               @RequestParam(required = false) String to,
                                               @RequestParam(required = false) String granularity,
                                               @RequestParam(required = false) String format) {
        return Blocking.call(() -> {
            TenantId tenant = visibleTenant(jwt, id);
            boolean csv = csv(format);
            UsageQueries.TenantUsage u = queries.tenantUsage(tenant, from, to, granularity);
            if (!csv) {
                return ResponseEntity.ok(u);
            }
            StringBuilder sb = new StringBuilder("start,field_values,points,messages,quota_percent,refused_field_values,"
                    + "rejected,devices_active,latency_p95_ms,cardinality_series,storage_bytes\n");
            for (UsageQueries.Period p : u.periods()) {
                sb.append(p.start()).append(',').append(p.fieldValues()).append(',').append(p.points()).append(',')
                        .append(p.messages()).append(',').append(n(p.quotaPercent())).append(',')
                        .append(p.refusedFieldValues()).append(',').append(rejected(p.rejected())).append(',')
                        .append(n(p.devicesActive())).append(',').append(n(p.latencyP95Ms())).append(',')
                        .append(n(p.cardinalitySeries())).append(',').append(n(p.storageBytes())).append('\n');
            }
            return ResponseEntity.ok().contentType(CSV).body(sb.toString());
        });
    }

    @GetMapping("/tenants/{id}/recommendations")
    public Mono<List<UsageQueries.Recommendation>> recommendations(@AuthenticationPrincipal Jwt jwt, @PathVariable String id) {
        return Blocking.call(() -> queries.recommendations(visibleTenant(jwt, id)));
    }

    @GetMapping("/billing/usage")
    public Mono<ResponseEntity<?>> billing(@AuthenticationPrincipal Jwt jwt, @RequestParam(required = false) String month,
                                           @RequestParam(required = false) String format) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            boolean csv = csv(format);
            List<UsageQueries.BillingLine> lines = queries.billing(month);
            if (!csv) {
                return ResponseEntity.ok(Map.of("month", month, "tenants", lines));
            }
            StringBuilder sb = new StringBuilder("tenant_id,slug,status,plan,currency,base_price_cents,field_values,"
                    + "budget_field_values,overage_field_values,overage_field_values_cents,devices_active_max,max_devices,"
                    + "overage_devices,overage_devices_cents,amount_cents\n");
            for (UsageQueries.BillingLine l : lines) {
                sb.append(l.tenantId()).append(',').append(l.slug()).append(',').append(l.status()).append(',')
                        .append(l.plan()).append(',').append(l.currency()).append(',').append(l.basePriceCents()).append(',')
                        .append(l.fieldValues()).append(',').append(l.budgetFieldValues()).append(',')
                        .append(l.overageFieldValues()).append(',').append(l.overageFieldValuesCents()).append(',')
                        .append(l.devicesActiveMax()).append(',').append(l.maxDevices()).append(',')
                        .append(l.overageDevices()).append(',').append(l.overageDevicesCents()).append(',')
                        .append(l.amountCents()).append('\n');
            }
            return ResponseEntity.ok().contentType(CSV).body(sb.toString());
        });
    }

    @GetMapping("/billing/mrr")
    public Mono<UsageQueries.Mrr> mrr(@AuthenticationPrincipal Jwt jwt, @RequestParam(required = false) String month) {
        return Blocking.call(() -> {
            Actor.from(jwt).requirePlatformAdmin();
            return queries.mrr(month);
        });
    }

    private static TenantId visibleTenant(Jwt jwt, String id) {
        Actor actor = Actor.from(jwt);
        TenantId tenant;
        try {
            tenant = TenantId.parse(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + id + " not found");
        }
        actor.requireVisible(tenant);
        return tenant;
    }

    private static boolean csv(String format) {
        if (format == null || format.isBlank() || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw new InvalidInputException("quota:format.invalid", "invalid format",
                List.of(new FieldError("format", "must be json or csv", format)));
    }

    /** reason=n pairs separated by ';' (no commas inside a CSV cell). */
    private static String rejected(Map<String, Long> m) {
        return new TreeMap<>(m).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private static String n(Object o) {
        return o == null ? "" : o.toString();
    }
}
