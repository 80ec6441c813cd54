package io.tenantry.alert.event;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.AlertEventsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.ALERT_DELIVERIES;
import static io.tenantry.db.jooq.Tables.ALERT_EVENTS;
import static io.tenantry.db.jooq.Tables.DEVICES;

/**
 * A tenant's alert events ({@code alert_events}: fired / resolved transitions, newest first) and their
 * acknowledgement, plus the notification deliveries of each. Keyed by tenant: another tenant's event is not found.
 */
@Service
public class AlertEvents {
    public static final int MAX_LIMIT = 10_000;
    private final DSLContext dsl;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    public AlertEvents(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * @param ruleId optional filter
     * @param kind   optional: fired or resolved
     * @param from   optional RFC 3339 lower bound of {@code at} (inclusive)
     * @param limit  1..{@link #MAX_LIMIT}, default 1000
     * @throws InvalidInputException {@code alerts:events.invalid} for a bad kind, time or limit
     */
    public List<ObjectNode> list(TenantId tenant, UUID ruleId, String kind, String from, Integer limit) {
        List<FieldError> errors = new ArrayList<>();
        Condition c = ALERT_EVENTS.TENANT_ID.eq(tenant.value());
        if (ruleId != null) {
            c = c.and(ALERT_EVENTS.RULE_ID.eq(ruleId));
        }
        if (kind != null) {
            if (!kind.equals("fired") && !kind.equals("resolved")) {
                errors.add(new FieldError("kind", "must be fired or resolved", kind));
            }
            c = c.and(ALERT_EVENTS.KIND.eq(kind));
        }
        if (from != null) {
            try {
                c = c.and(ALERT_EVENTS.AT.ge(Instant.parse(from).atOffset(ZoneOffset.UTC)));
            } catch (RuntimeException e) {
                errors.add(new FieldError("from", "must be RFC 3339, e.g. 2026-01-01T00:00:00Z", from));
            }
        }
        int lim = limit == null ? 1000 : limit;
        if (lim < 1 || lim > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be 1 to " + MAX_LIMIT, limit));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("alerts:events.invalid", "the event query is invalid", errors);
        }
        return dsl.select(ALERT_EVENTS.asterisk(), DEVICES.PLC_ID).from(ALERT_EVENTS).join(DEVICES).on(DEVICES.ID.eq(ALERT_EVENTS.DEVICE_ID))
                .where(c).orderBy(ALERT_EVENTS.AT.desc(), ALERT_EVENTS.ID.desc()).limit(lim)
                .fetch(r -> view(r.into(ALERT_EVENTS), r.get(DEVICES.PLC_ID)));
    }

    /**
     * Acknowledges an event (idempotent: a second acknowledgement keeps the first one's time and subject).
     *
     * @throws NotFoundException {@code alerts:event.not-found}
     */
    public ObjectNode acknowledge(TenantId tenant, long id, String by) {
        dsl.update(ALERT_EVENTS).set(ALERT_EVENTS.ACKNOWLEDGED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .set(ALERT_EVENTS.ACKNOWLEDGED_BY, by).where(ALERT_EVENTS.ID.eq(id)).and(ALERT_EVENTS.TENANT_ID.eq(tenant.value()))
                .and(ALERT_EVENTS.ACKNOWLEDGED_AT.isNull()).execute();
        var r = dsl.select(ALERT_EVENTS.asterisk(), DEVICES.PLC_ID).from(ALERT_EVENTS).join(DEVICES).on(DEVICES.ID.eq(ALERT_EVENTS.DEVICE_ID))
                .where(ALERT_EVENTS.ID.eq(id)).and(ALERT_EVENTS.TENANT_ID.eq(tenant.value())).fetchOne();
        if (r == null) {
            throw new NotFoundException("alerts:event.not-found", "alert event " + id + " not found");
        }
        return view(r.into(ALERT_EVENTS), r.get(DEVICES.PLC_ID));
    }

    /** The deliveries of a tenant's event (status, attempts, last error). */
    public List<ObjectNode> deliveries(TenantId tenant, long eventId) {
        if (!dsl.fetchExists(ALERT_EVENTS, ALERT_EVENTS.ID.eq(eventId).and(ALERT_EVENTS.TENANT_ID.eq(tenant.value())))) {
            throw new NotFoundException("alerts:event.not-found", "alert event " + eventId + " not found");
        }
        return dsl.selectFrom(ALERT_DELIVERIES).where(ALERT_DELIVERIES.EVENT_ID.eq(eventId))
                .and(ALERT_DELIVERIES.TENANT_ID.eq(tenant.value())).orderBy(ALERT_DELIVERIES.ID).fetch(d -> {
                    ObjectNode o = json.createObjectNode();
                    o.put("id", d.getId());
                    o.put("channelId", d.getChannelId().toString());
                    o.put("idempotencyKey", d.getIdempotencyKey());
                    o.put("status", d.getStatus());
                    o.put("attempts", d.getAttempts());
                    o.put("lastError", d.getLastError());
                    o.put("deliveredAt", d.getDeliveredAt() == null ? null : d.getDeliveredAt().toInstant().toString());
                    return o;
                });
    }

    private ObjectNode view(AlertEventsRecord e, String plc) {
        ObjectNode o = json.createObjectNode();
        o.put("id", e.getId());
        o.put("tenantId", e.getTenantId().toString());
        o.put("ruleId", e.getRuleId().toString());
        o.put("deviceId", e.getDeviceId().toString());
        o.put("device", plc);
        o.put("kind", e.getKind());
        o.put("at", e.getAt().toInstant().toString());
        o.put("severity", e.getSeverity());
        o.set("values", json.readTree(e.getValues().data()));
        o.put("message", e.getMessage());
        o.put("acknowledgedAt", e.getAcknowledgedAt() == null ? null : e.getAcknowledgedAt().toInstant().toString());
        o.put("acknowledgedBy", e.getAcknowledgedBy());
        return o;
    }
}
