package io.tenantry.provisioning.telemetry.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.telemetry.TelemetryQuery;
import io.tenantry.web.Blocking;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/tenants/{tenantId}/devices/{deviceId}/telemetry}: a device's points as JSON, or CSV with
 * {@code format=csv} (RFC 4180; first column {@code time} in RFC 3339 UTC). Tenant-scoped by the token like the
 * rest of the API. Every bad parameter answers 400 with an RFC 9457 problem naming it (see
 * {@link TelemetryQuery#query}); {@code format} other than json or csv too.
 */
@RestController
@SecurityRequirement(name = "bearer")
public class TelemetryController {
    private final TelemetryQuery telemetry;

    public TelemetryController(TelemetryQuery telemetry) {
        this.telemetry = telemetry;
    }

    @Operation(summary = "Read a device's telemetry (from, to: RFC 3339 or epoch ms; fields: comma list; aggregate+interval; format=json|csv; tier=raw|10s|1m|auto)")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "OK", content = {
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = TelemetryQuery.Result.class)),
            @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/csv",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string", description = "time,<field>,...: one line per point"))})
    @GetMapping("/api/v1/tenants/{tenantId}/devices/{deviceId}/telemetry")
    public Mono<ResponseEntity<?>> read(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID deviceId,
                                        @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                        @RequestParam(required = false) String fields,
                                        @RequestParam(required = false) String aggregate,
                                        @RequestParam(required = false) String interval,
                                        @RequestParam(required = false) String measurement,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false, defaultValue = "json") String format,
                                        @RequestParam(required = false) String tier) {
        if (!"json".equalsIgnoreCase(format) && !"csv".equalsIgnoreCase(format)) {
            return Mono.error(new InvalidInputException("telemetry:query.invalid", "the telemetry query is invalid",
                    List.of(new FieldError("format", "must be json or csv", format))));
        }
        return Blocking.call(() -> {
            if ("csv".equalsIgnoreCase(format)) {
                TelemetryQuery.Result r = telemetry.query(Actor.from(jwt), TenantId.of(tenantId), DeviceId.of(deviceId), from, to,
                        fields, aggregate, interval, measurement, limit, tier);
                return ResponseEntity.ok().contentType(new MediaType("text", "csv")).body(csv(r));
            }
            // issue 15: the Result's JSON written while InfluxDB's answer streams in (no tree, no point objects)
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(telemetry.queryJson(Actor.from(jwt),
                    TenantId.of(tenantId), DeviceId.of(deviceId), from, to, fields, aggregate, interval, measurement, limit, tier));
        });
    }

    @Operation(summary = "The device's latest value per field (newest first over the whole retention)")
    @GetMapping("/api/v1/tenants/{tenantId}/devices/{deviceId}/telemetry/latest")
    public Mono<TelemetryQuery.Latest> latest(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID deviceId,
                                              @RequestParam(required = false) String measurement) {
        return Blocking.call(() -> telemetry.latest(Actor.from(jwt), TenantId.of(tenantId), DeviceId.of(deviceId), measurement));
    }

    static String csv(TelemetryQuery.Result r) {
        StringBuilder sb = new StringBuilder("time");
        r.columns().forEach(c -> sb.append(',').append(cell(c)));
        sb.append("\r\n");
        for (TelemetryQuery.TelemetryPoint p : r.points()) {
            sb.append(p.time());
            for (String c : r.columns()) {
                Object v = p.fields().get(c);
                sb.append(',').append(v == null ? "" : cell(String.valueOf(v)));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
