package io.tenantry.provisioning.device.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.device.Device;
import io.tenantry.provisioning.device.DeviceManagement;
import io.tenantry.provisioning.device.DeviceActivity;
import io.tenantry.provisioning.device.DeviceRejections;
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
    private final DeviceRejections rejections;
    private final DeviceActivity activity;

    public DeviceController(DeviceManagement devices, DeviceRejections rejections, DeviceActivity activity) {
        this.devices = devices;
        this.rejections = rejections;
        this.activity = activity;
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

    /**
     * A device as the API shows it; {@code rejections} (issue 16) counts what ingest refused from it (GET only;
     * null on create and update).
     */
    public record DeviceView(UUID id, UUID tenantId, String plcId, String type, Map<String, String> tags, boolean active,
                             OffsetDateTime lastSeenAt, String firmwareVersion, Mqtt mqtt, OffsetDateTime createdAt,
                             OffsetDateTime updatedAt, DeviceRejections.Counters rejections, DeviceActivity.Activity activity) {
        static DeviceView of(Device d) {
            return of(d, (DeviceRejections.Counters) null);
        }

        static DeviceView of(Device d, DeviceRejections.Counters rejections) {
            return of(d, rejections, null);
        }

        static DeviceView of(Device d, DeviceRejections.Counters rejections, DeviceActivity.Activity activity) {
            return new DeviceView(d.id().value(), d.tenantId().value(), d.plcId().value(), d.type(), d.tags(), d.active(),
                    d.lastSeenAt(), d.firmwareVersion(), new Mqtt(d.mqttUsername(), d.mqttTopic()), d.createdAt(), d.updatedAt(),
                    rejections, activity);
        }

        static DeviceView of(Device d, java.util.Map<String, DeviceRejections.Counters> byTopic) {
            return of(d, byTopic.getOrDefault(d.mqttTopic(), DeviceRejections.Counters.none()));
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
        return Blocking.call(() -> {
            List<Device> all = devices.list(Actor.from(jwt), TenantId.of(tenantId));
            var counters = rejections.byTopic(TenantId.of(tenantId));
            return all.stream().map(d -> DeviceView.of(d, counters)).toList();
        });
    }

    @Operation(summary = "Read one device")
    @GetMapping("/devices/{deviceId}")
    public Mono<DeviceView> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID deviceId) {
        return Blocking.call(() -> {
            Device d = devices.get(Actor.from(jwt), TenantId.of(tenantId), DeviceId.of(deviceId));
            var counters = rejections.byTopic(TenantId.of(tenantId)).getOrDefault(d.mqttTopic(), DeviceRejections.Counters.none());
            return DeviceView.of(d, counters, activity.activity(d).orElse(null));
        });
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
