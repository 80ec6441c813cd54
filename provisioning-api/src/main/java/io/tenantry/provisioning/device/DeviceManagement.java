package io.tenantry.provisioning.device;

import io.tenantry.core.error.ConflictException;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.LimitExceededException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.DeviceType;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.db.jooq.tables.records.DevicesRecord;
import io.tenantry.provisioning.audit.AuditLog;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.support.Db;
import io.tenantry.provisioning.tenant.Tenant;
import io.tenantry.provisioning.tenant.Tenants;
import io.tenantry.web.TextRules;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static io.tenantry.db.jooq.Tables.DEVICES;

/**
 * Device use cases (design note 003 §3, §4; issue 3): create within the plan's device limit (§7), list, read,
 * change, deactivate and delete. The broker follows through the outbox: deactivating disables the device's
 * login, deleting removes it. Other features reach devices through {@link Devices} only.
 */
@Service
public class DeviceManagement implements Devices {
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final DSLContext dsl;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Tenants tenants;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public DeviceManagement(DSLContext dsl, AuditLog audit, Outbox outbox, Tenants tenants, Clock clock,
                            ApplicationEventPublisher events) {
        this.dsl = dsl;
        this.audit = audit;
        this.outbox = outbox;
        this.tenants = tenants;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Creates an active device.
     *
     * @throws InvalidInputException  field by field (plcId rule, type, tags)
     * @throws ConflictException      plcId taken in this tenant, or tenant not ACTIVE
     * @throws LimitExceededException {@code provisioning:plan.device-limit} when the plan's device count is reached
     */
    public Device create(Actor actor, String requestId, TenantId tenant, String plcId, String type, Map<String, String> tags) {
        actor.requireDeviceAdmin(tenant);
        List<FieldError> errors = new ArrayList<>();
        PlcId plc = null;
        try {
            plc = PlcId.of(plcId);
        } catch (InvalidInputException e) {
            errors.addAll(e.fieldErrors());
        }
        if (type == null || !DeviceType.VALUES.contains(type)) {
            errors.add(new FieldError("type", "must be one of " + DeviceType.VALUES_TEXT, type));
        }
        validateTags(tags, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("provisioning:device.invalid", "the device is invalid", errors);
        }
        PlcId finalPlc = plc;
        try {
            return dsl.transactionResult(c -> {
                DSLContext tx = c.dsl();
                Tenant t = tenants.lockForNewDevice(tx, tenant); // device limit: creations of the tenant serialise
                if (t.status() != TenantStatus.ACTIVE) {
                    throw new ConflictException("provisioning:tenant.not-active", "tenant is " + t.status());
                }
                tenants.requireDeviceCapacity(tx, tenant, t.plan(), 1);
                TenantSlug slug = t.slug();
                var now = Db.now(clock);
                DevicesRecord r = tx.newRecord(DEVICES);
                r.setId(DeviceId.random().value());
                r.setTenantId(tenant.value());
                r.setPlcId(finalPlc.value());
                r.setType(type);
                r.setTags(JSONB.valueOf(JSON.writeValueAsString(new TreeMap<>(tags == null ? Map.of() : tags))));
                r.setActive(true);
                r.setMqttUsername(MqttNames.deviceUsername(slug, finalPlc));
                r.setCreatedAt(now);
                r.setUpdatedAt(now);
                r.store();
                audit.append(tx, actor, tenant, "device.created", "device:" + r.getId(), requestId,
                        Map.of("plcId", finalPlc.value(), "type", type));
                outbox.notifyDirectory(tx, tenant);
                return toDevice(r, slug);
            });
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                // PLC ids are unique per tenant only (the MQTT username t_<slug>.<plc_id> cannot collide across
                // tenants), so this answer says nothing about other tenants' devices (issue 7, existence oracle)
                throw new ConflictException("provisioning:device.plc-id-taken",
                        "plcId '" + plcId + "' is already used by a device of this tenant",
                        List.of(new FieldError("plcId", "already taken", plcId)));
            }
            throw e;
        }
    }

    /** Devices of a tenant the caller may see. */
    public List<Device> list(Actor actor, TenantId tenant) {
        actor.requireVisible(tenant);
        TenantSlug slug = tenants.find(dsl, tenant).slug();
        return dsl.selectFrom(DEVICES).where(DEVICES.TENANT_ID.eq(tenant.value())).orderBy(DEVICES.PLC_ID)
                .fetch(r -> toDevice(r, slug));
    }

    /** @throws NotFoundException when absent, or the tenant or device is not the caller's */
    public Device get(Actor actor, TenantId tenant, DeviceId id) {
        actor.requireVisible(tenant);
        TenantSlug slug = tenants.find(dsl, tenant).slug(); // tenant first: an unknown tenant is tenant.not-found
        return toDevice(record(dsl, tenant, id), slug);
    }

    @Override
    public Device find(DSLContext ctx, TenantId tenant, DeviceId id) {
        DevicesRecord r = record(ctx, tenant, id);
        return toDevice(r, tenants.find(ctx, tenant).slug());
    }

    @Override
    public Device lock(DSLContext tx, TenantId tenant, DeviceId id) {
        DevicesRecord r = tx.selectFrom(DEVICES).where(DEVICES.ID.eq(id.value())).and(DEVICES.TENANT_ID.eq(tenant.value()))
                .forNoKeyUpdate().fetchOne();
        if (r == null) {
            throw new NotFoundException("provisioning:device.not-found", "device " + id + " not found");
        }
        return toDevice(r, tenants.find(tx, tenant).slug());
    }

    @Override
    public void setMqttUsername(DSLContext tx, DeviceId id, String username) {
        tx.update(DEVICES).set(DEVICES.MQTT_USERNAME, username).where(DEVICES.ID.eq(id.value())).execute();
    }

    /**
     * Changes type, tags, active flag or firmware version (null = unchanged). Deactivating disables the device's
     * broker login; reactivating enables it.
     *
     * @throws InvalidInputException field by field (type, tags, firmwareVersion longer than 64 characters or with
     *                               control characters, see {@link TextRules})
     */
    public Device update(Actor actor, String requestId, TenantId tenant, DeviceId id, String type, Map<String, String> tags,
                         Boolean active, String firmwareVersion) {
        actor.requireDeviceAdmin(tenant);
        List<FieldError> errors = new ArrayList<>();
        if (type != null && !DeviceType.VALUES.contains(type)) {
            errors.add(new FieldError("type", "must be one of " + DeviceType.VALUES_TEXT, type));
        }
        if (tags != null) {
            validateTags(tags, errors);
        }
        if (firmwareVersion != null && firmwareVersion.length() > 64) {
            errors.add(new FieldError("firmwareVersion", "at most 64 characters", firmwareVersion));
        } else if (firmwareVersion != null && !TextRules.isPrintable(firmwareVersion)) {
            errors.add(new FieldError("firmwareVersion", TextRules.MESSAGE, firmwareVersion));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("provisioning:device.invalid", "the change is invalid", errors);
        }
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            Tenant t = tenants.lock(tx, tenant);
            DevicesRecord r = record(tx, tenant, id);
            boolean activeChanged = active != null && active != r.getActive();
            if (type != null) {
                r.setType(type);
            }
            if (tags != null) {
                r.setTags(JSONB.valueOf(JSON.writeValueAsString(new TreeMap<>(tags))));
            }
            if (active != null) {
                r.setActive(active);
            }
            if (firmwareVersion != null) {
                r.setFirmwareVersion(firmwareVersion);
            }
            r.setUpdatedAt(Db.now(clock));
            r.store();
            if (activeChanged) { // the login follows (credential)
                events.publishEvent(new DeviceChanged(tx, DeviceChanged.Kind.ACTIVE_CHANGED, tenant, id, r.getMqttUsername()));
            }
            audit.append(tx, actor, tenant, "device.updated", "device:" + id, requestId,
                    Map.of("active", String.valueOf(r.getActive()), "type", r.getType()));
            outbox.notifyDirectory(tx, tenant);
            return toDevice(r, t.slug());
        });
    }

    /** Deletes a device, its credential and (through the outbox) its broker login and role. */
    public void delete(Actor actor, String requestId, TenantId tenant, DeviceId id) {
        actor.requireDeviceAdmin(tenant);
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            tenants.lock(tx, tenant);
            DevicesRecord r = record(tx, tenant, id);
            // the login goes first (credential): its row refers to the device
            events.publishEvent(new DeviceChanged(tx, DeviceChanged.Kind.REMOVING, tenant, id, r.getMqttUsername()));
            r.delete();
            audit.append(tx, actor, tenant, "device.deleted", "device:" + id, requestId, Map.of("plcId", r.getPlcId()));
            outbox.notifyDirectory(tx, tenant);
        });
    }

    /** The device row of {@code tenant}; 404 when it belongs to another tenant. */
    private static DevicesRecord record(DSLContext ctx, TenantId tenant, DeviceId id) {
        DevicesRecord r = ctx.selectFrom(DEVICES).where(DEVICES.ID.eq(id.value())).and(DEVICES.TENANT_ID.eq(tenant.value())).fetchOne();
        if (r == null) {
            throw new NotFoundException("provisioning:device.not-found", "device " + id + " not found");
        }
        return r;
    }

    private static void validateTags(Map<String, String> tags, List<FieldError> errors) {
        if (tags == null) {
            return;
        }
        if (tags.size() > 20) {
            errors.add(new FieldError("tags", "at most 20 tags", tags.size()));
        }
        tags.forEach((k, v) -> {
            if (k == null || !TAG_KEY.matcher(k).matches()) {
                errors.add(new FieldError("tags." + k, "tag keys must match [A-Za-z0-9_.-]{1,64}", k));
            } else if (PlatformTags.ALL.contains(k)) {
                errors.add(new FieldError("tags." + k, "reserved: the platform sets it on every point", k));
            }
            if (v == null || v.isEmpty() || v.length() > 128) {
                errors.add(new FieldError("tags." + k, "tag values must be 1 to 128 characters", v));
            } else if (!TextRules.isPrintable(v)) {
                errors.add(new FieldError("tags." + k, "tag values " + TextRules.MESSAGE, v));
            } else {
                // ingest copies device tags onto every point: a value line protocol cannot carry would dead-letter
                // all of the device's telemetry
                String problem = LineProtocol.nameProblem(v, LineProtocol.NameKind.TAG_VALUE);
                if (problem != null) {
                    errors.add(new FieldError("tags." + k, "tag value " + problem, v));
                }
            }
        });
    }

    private static Device toDevice(DevicesRecord r, TenantSlug slug) {
        Map<String, String> tags = r.getTags() == null ? Map.of()
                : JSON.readValue(r.getTags().data(), new TypeReference<TreeMap<String, String>>() {
                });
        PlcId plc = PlcId.of(r.getPlcId());
        return new Device(DeviceId.of(r.getId()), TenantId.of(r.getTenantId()), plc, r.getType(), tags, r.getActive(),
                r.getLastSeenAt(), r.getFirmwareVersion(), r.getMqttUsername(), MqttNames.telemetryTopic(slug, plc),
                r.getCreatedAt(), r.getUpdatedAt());
    }

}
