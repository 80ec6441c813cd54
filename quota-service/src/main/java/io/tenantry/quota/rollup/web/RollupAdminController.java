package io.tenantry.quota.rollup.web;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.quota.retention.RetentionRunner;
import io.tenantry.quota.rollup.RollupRunner;
import io.tenantry.web.Blocking;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Operator endpoints of the rollup and retention jobs (issue 11). The service binds to 127.0.0.1
 * ({@code server.address}) and {@code /admin/**} carries no authentication, like ingest's {@code /admin/ingest}:
 * never expose this port beyond the host.
 * <ul>
 *   <li>{@code POST /admin/rollup/run}: one rollup pass now, waiting for tenants another instance holds; answers
 *       the {@link RollupRunner.Summary} once every window closed at its start is written;</li>
 *   <li>{@code POST /admin/rollup/backfill?tenant=<uuid>&from=<RFC 3339>&to=<RFC 3339>}: rebuilds that tenant's
 *       rollups for the range (whole minutes; at most up to the last closed window);</li>
 *   <li>{@code POST /admin/retention/run}: one per-plan retention pass now;</li>
 *   <li>{@code GET /admin/rollup}: rollup lag per tier ({@code lagSeconds}) and the last pass's totals ({@code last}).</li>
 * </ul>
 * Bad parameters answer 400 {@code rollup:backfill.invalid} with one entry per field (RFC 9457).
 */
@RestController
public class RollupAdminController {
    private final RollupRunner rollups;
    private final RetentionRunner retention;

    public RollupAdminController(RollupRunner rollups, RetentionRunner retention) {
        this.rollups = rollups;
        this.retention = retention;
    }

    @PostMapping(value = "/admin/rollup/run", produces = "application/json")
    public Mono<RollupRunner.Summary> run() {
        return Blocking.call(() -> rollups.runOnce(true));
    }

    @GetMapping(value = "/admin/rollup", produces = "application/json")
    public Map<String, Object> last() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("lagSeconds", Map.of("10s", rollups.lagSeconds("10s"), "1m", rollups.lagSeconds("1m")));
        out.put("last", rollups.last());
        return out;
    }

    @PostMapping(value = "/admin/retention/run", produces = "application/json")
    public Mono<RetentionRunner.Summary> retention() {
        return Blocking.call(retention::runOnce);
    }

    @PostMapping(value = "/admin/rollup/backfill", produces = "application/json")
    public Mono<RollupRunner.Summary> backfill(@RequestParam(required = false) String tenant,
                                               @RequestParam(required = false) String from,
                                               @RequestParam(required = false) String to) {
        List<FieldError> errors = new ArrayList<>();
        UUID t = null;
        try {
            t = UUID.fromString(tenant == null ? "" : tenant);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("tenant", "must be a tenant UUID", tenant));
        }
        Instant f = time("from", from, errors);
        Instant u = time("to", to, errors);
        if (f != null && u != null && !f.isBefore(u)) {
            errors.add(new FieldError("from", "must be before 'to'", from));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("rollup:backfill.invalid", "the backfill request is invalid", errors);
        }
        UUID tt = t;
        return Blocking.call(() -> {
            try {
                return rollups.backfill(tt, f, u);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("rollup:backfill.invalid", "the backfill request is invalid",
                        List.of(new FieldError("tenant", "no such tenant", tt.toString())));
            }
        });
    }

    private static Instant time(String name, String value, List<FieldError> errors) {
        try {
            return OffsetDateTime.parse(value == null ? "" : value).toInstant();
        } catch (RuntimeException e) {
            errors.add(new FieldError(name, "must be RFC 3339, e.g. 2026-01-01T00:00:00Z", value));
            return null;
        }
    }
}
