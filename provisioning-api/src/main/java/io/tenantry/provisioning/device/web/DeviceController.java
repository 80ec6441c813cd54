package io.tenantry.provisioning.device.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.device.Device;
import io.tenantry.provisioning.device.DeviceManagement;
import io.tenantry.web.Blocking;
import io.tenantry.web.RequestIds;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
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
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/tenants/{tenantId}/devices}. The tenant comes from the path and must match the token's (404
 * otherwise). Credentials of devices are issued by the credential feature's controller.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenantId}")
@SecurityRequirement(name = "bearer")
public class DeviceController {
    private final DeviceManagement devices;

    public DeviceController(DeviceManagement devices) {
        this.devices = devices;
    }

    /** Body of {@code POST /devices}. */
    public record CreateDevice(String plcId, String type, Map<String, String> tags) {
    }

    /** Body of {@code PATCH /devices/{id}}; absent fields stay unchanged. */
    public record UpdateDevice(String type, Map<String, String> tags, Boolean active, String firmwareVersion) {
    }

    /** MQTT identity of a device: username and the one topic it may publish on. */
    public record Mqtt(String username, String topic) {
    }

    /** A device as the API shows it. */
    public record DeviceView(UUID id, UUID tenantId, String plcId, String type, Map<String, String> tags, boolean active,
                             OffsetDateTime lastSeenAt, String firmwareVersion, Mqtt mqtt, OffsetDateTime createdAt,
                             OffsetDateTime updatedAt) {
        static DeviceView of(Device d) {
            return new DeviceView(d.id().value(), d.tenantId().value(), d.plcId().value(), d.type(), d.tags(), d.active(),
                    d.lastSeenAt(), d.firmwareVersion(), new Mqtt(d.mqttUsername(), d.mqttTopic()), d.createdAt(), d.updatedAt());
        }
    }

    @Operation(summary = "Create a device (owner, staff, platform_admin); limited by the plan")
    @PostMapping("/devices")
    public Mono<ResponseEntity<DeviceView>> create(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                   @RequestBody CreateDevice body, ServerWebExchange ex) {
        return Blocking.call(() -> devices.create(Actor.from(jwt), RequestIds.of(ex), TenantId.of(tenantId), body.plcId(),
                        body.type(), body.tags()))
                .map(d -> ResponseEntity.created(URI.create("/api/v1/tenants/" + tenantId + "/devices/" + d.id()))
                        .body(DeviceView.of(d)));
    }

    @Operation(summary = "List the tenant's devices")
    @GetMapping("/devices")
    public Mono<List<DeviceView>> list(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId) {
        return Blocking.call(() -> devices.list(Actor.from(jwt), TenantId.of(tenantId)).stream().map(DeviceView::of).toList());
    }

    @Operation(summary = "Read one device")
    @GetMapping("/devices/{deviceId}")
    public Mono<DeviceView> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID deviceId) {
        return Blocking.call(() -> DeviceView.of(devices.get(Actor.from(jwt), TenantId.of(tenantId), DeviceId.of(deviceId))));
    }

    @Operation(summary = "Change type, tags, active flag or firmware version; deactivating disables the MQTT login")
    @PatchMapping("/devices/{deviceId}")
    public Mono<DeviceView> update(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID deviceId,
                                   @RequestBody UpdateDevice body, ServerWebExchange ex) {
        return Blocking.call(() -> DeviceView.of(devices.update(Actor.from(jwt), RequestIds.of(ex), TenantId.of(tenantId),
                DeviceId.of(deviceId), body.type(), body.tags(), body.active(), body.firmwareVersion())));
    }

    @Operation(summary = "Delete a device and its MQTT login")
    @DeleteMapping("/devices/{deviceId}")
    public Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                             @PathVariable UUID deviceId, ServerWebExchange ex) {
        return Blocking.call(() -> {
            devices.delete(Actor.from(jwt), RequestIds.of(ex), TenantId.of(tenantId), DeviceId.of(deviceId));
            return ResponseEntity.noContent().<Void>build();
        });
    }
}
