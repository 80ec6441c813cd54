package io.tenantry.alert.rule;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.LimitExceededException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.AlertRulesRecord;
import io.tenantry.web.TextRules;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.tenantry.db.jooq.Tables.ALERT_CHANNELS;
import static io.tenantry.db.jooq.Tables.ALERT_RULES;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Alert rules of a tenant in PostgreSQL ({@code alert_rules}, Flyway V9): validation field by field, the plan's limit
 * on active (enabled) rules ({@code plans.max_active_alerts}: 5 / 50 / 200, design note 003 §7), CRUD. Callers check
 * the actor first; every read and write here is keyed by tenant, so another tenant's rule id is simply not found.
 */
@Service
public class AlertRules {
    public static final Set<String> KINDS = Set.of("threshold", "rate_of_change", "no_data", "anomaly");
    public static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    public static final Set<String> DEVICE_TYPES = Set.of("siemens_s7", "modbus_tcp", "opcua");
    private static final Pattern PLC = Pattern.compile("[a-z0-9_-]{3,32}");
    /** Shortest evaluation period. */
    public static final Duration MIN_EVERY = Duration.ofSeconds(1);
    public static final int MAX_SELECTED_DEVICES = 1000;
    public static final int MAX_LABELS = 32;

    private final DSLContext dsl;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    public AlertRules(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * Validates a rule body (create: every key; update: the same keys, whole replacement).
     *
     * @throws InvalidInputException {@code alerts:rule.invalid} naming every bad key
     */
    public AlertRule validate(TenantId tenant, UUID id, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("alerts:rule.invalid", "the rule must be a JSON object",
                    List.of(new FieldError("body", "must be a JSON object", null)));
        }
        for (String key : body.propertyNames()) {
            if (!Set.of("name", "kind", "enabled", "severity", "measurement", "selector", "spec", "labels", "description",
                    "channels", "every").contains(key)) {
                errors.add(new FieldError(key, "unknown key", null));
            }
        }
        String name = str(body, "name");
        if (name == null || name.isBlank() || name.length() > 200 || !TextRules.isPrintable(name)) {
            errors.add(new FieldError("name", "required: 1 to 200 characters and " + TextRules.MESSAGE, name));
        }
        String kind = str(body, "kind");
        if (kind == null || !KINDS.contains(kind)) {
            errors.add(new FieldError("kind", "must be one of threshold, rate_of_change, no_data, anomaly", kind));
        }
        JsonNode en = body.get("enabled");
        boolean enabled = en == null || en.isNull() || en.asBoolean();
        if (en != null && !en.isNull() && !en.isBoolean()) {
            errors.add(new FieldError("enabled", "must be true or false", en.toString()));
        }
        String severity = str(body, "severity") == null ? "warning" : str(body, "severity");
        if (!SEVERITIES.contains(severity)) {
            errors.add(new FieldError("severity", "must be info, warning or critical", severity));
        }
        String measurement = str(body, "measurement") == null ? "telemetry" : str(body, "measurement");
        if (measurement.isEmpty() || measurement.length() > 256 || !TextRules.isPrintable(measurement)) {
            errors.add(new FieldError("measurement", "1 to 256 characters and " + TextRules.MESSAGE, measurement));
        }
        JsonNode selector = selector(body.get("selector"), errors);
        RuleSpec spec = kind != null && KINDS.contains(kind) ? RuleSpecs.parse(kind, body.get("spec"), errors) : null;
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode ln = body.get("labels");
        if (ln != null && !ln.isNull()) {
            if (!ln.isObject() || ln.size() > MAX_LABELS) {
                errors.add(new FieldError("labels", "must be an object of at most " + MAX_LABELS + " string values", null));
            } else {
                for (var e : ln.properties()) {
                    if (!e.getValue().isString() || e.getKey().isEmpty() || e.getKey().length() > 64 || e.getValue().asString().length() > 256
                            || !TextRules.isPrintable(e.getKey()) || !TextRules.isPrintable(e.getValue().asString())) {
                        errors.add(new FieldError("labels." + e.getKey(), "keys 1 to 64, values up to 256 printable characters", e.getValue().toString()));
                    } else {
                        labels.put(e.getKey(), e.getValue().asString());
                    }
                }
            }
        }
        String description = str(body, "description") == null ? defaultDescription(kind) : str(body, "description");
        if (description.length() > 1000 || !TextRules.isPrintable(description)) {
            errors.add(new FieldError("description", "at most 1000 characters and " + TextRules.MESSAGE, description));
        }
        List<UUID> channels = new ArrayList<>();
        JsonNode cn = body.get("channels");
        if (cn != null && !cn.isNull()) {
            if (!cn.isArray() || cn.size() > 10) {
                errors.add(new FieldError("channels", "must be a list of at most 10 channel ids", null));
            } else {
                for (int i = 0; i < cn.size(); i++) {
                    try {
                        UUID c = UUID.fromString(cn.get(i).asString());
                        if (!dsl.fetchExists(ALERT_CHANNELS, ALERT_CHANNELS.ID.eq(c).and(ALERT_CHANNELS.TENANT_ID.eq(tenant.value())))) {
                            errors.add(new FieldError("channels[" + i + "]", "no such channel in this tenant", c.toString()));
                        } else {
                            channels.add(c);
                        }
                    } catch (IllegalArgumentException e) {
                        errors.add(new FieldError("channels[" + i + "]", "must be a channel id (UUID)", cn.get(i).toString()));
                    }
                }
            }
        }
        String everyText = str(body, "every") == null ? "30s" : str(body, "every");
        Duration every = Durations.parse(everyText);
        if (every == null || every.compareTo(MIN_EVERY) < 0 || every.compareTo(Duration.ofDays(1)) > 0) {
            errors.add(new FieldError("every", "must be a duration from 1s to 1d, e.g. 30s", everyText));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("alerts:rule.invalid", "the alert rule is invalid", errors);
        }
        var now = clock.instant();
        return new AlertRule(id, tenant, name, kind, enabled, severity, measurement, selector, spec, labels, description,
                channels, every, now, now);
    }

    /**
     * Stores a new rule.
     *
     * @throws LimitExceededException {@code alerts:rule.limit} when it is enabled and the tenant already has its
     *                                plan's {@code max_active_alerts} enabled rules
     */
    public AlertRule create(AlertRule r) {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            if (r.enabled()) {
                checkLimit(tx, r.tenantId(), null);
            }
            AlertRulesRecord rec = tx.newRecord(ALERT_RULES);
            fill(rec, r);
            rec.setId(r.id());
            rec.setTenantId(r.tenantId().value());
            rec.setLastTick(0L);
            rec.setCreatedAt(odt(r.createdAt()));
            rec.store();
            return r;
        });
    }

    /** Replaces a rule's definition (same limit check when it ends up enabled). */
    public AlertRule update(AlertRule r) {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            AlertRulesRecord rec = tx.selectFrom(ALERT_RULES).where(ALERT_RULES.ID.eq(r.id()))
                    .and(ALERT_RULES.TENANT_ID.eq(r.tenantId().value())).forUpdate().fetchOne();
            if (rec == null) {
                throw notFound(r.id());
            }
            if (r.enabled() && !rec.getEnabled()) {
                checkLimit(tx, r.tenantId(), r.id());
            }
            if (rec.getEverySeconds() != r.every().toSeconds()) {
                // ticks are counted in units of every: restart the count at the current tick of the new period
                rec.setLastTick(io.tenantry.alert.eval.Ticks.current(r.id(), r.every().toSeconds(), clock.instant()));
            }
            fill(rec, r);
            rec.store();
            return toRule(rec);
        });
    }

    /** Enables or disables a rule; enabling checks the plan's limit. */
    public AlertRule setEnabled(TenantId tenant, UUID id, boolean enabled) {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            AlertRulesRecord rec = tx.selectFrom(ALERT_RULES).where(ALERT_RULES.ID.eq(id))
                    .and(ALERT_RULES.TENANT_ID.eq(tenant.value())).forUpdate().fetchOne();
            if (rec == null) {
                throw notFound(id);
            }
            if (enabled && !rec.getEnabled()) {
                checkLimit(tx, tenant, id);
            }
            rec.setEnabled(enabled);
            rec.setUpdatedAt(odt(clock.instant()));
            rec.store();
            return toRule(rec);
        });
    }

    /** @throws NotFoundException {@code alerts:rule.not-found} when the tenant has no such rule */
    public AlertRule get(TenantId tenant, UUID id) {
        AlertRulesRecord rec = dsl.selectFrom(ALERT_RULES).where(ALERT_RULES.ID.eq(id))
                .and(ALERT_RULES.TENANT_ID.eq(tenant.value())).fetchOne();
        if (rec == null) {
            throw notFound(id);
        }
        return toRule(rec);
    }

    public List<AlertRule> list(TenantId tenant) {
        return dsl.selectFrom(ALERT_RULES).where(ALERT_RULES.TENANT_ID.eq(tenant.value()))
                .orderBy(ALERT_RULES.CREATED_AT, ALERT_RULES.ID).fetch(this::toRule);
    }

    /** Deletes a rule with its states, events and deliveries (foreign keys cascade). */
    public void delete(TenantId tenant, UUID id) {
        if (dsl.deleteFrom(ALERT_RULES).where(ALERT_RULES.ID.eq(id)).and(ALERT_RULES.TENANT_ID.eq(tenant.value())).execute() == 0) {
            throw notFound(id);
        }
    }

    /** The JSON answer for a rule. */
    public ObjectNode view(AlertRule r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", r.id().toString());
        o.put("tenantId", r.tenantId().toString());
        o.put("name", r.name());
        o.put("kind", r.kind());
        o.put("enabled", r.enabled());
        o.put("severity", r.severity());
        o.put("measurement", r.measurement());
        o.set("selector", r.selector());
        o.set("spec", RuleSpecs.toJson(r.spec()));
        ObjectNode l = o.putObject("labels");
        r.labels().forEach(l::put);
        o.put("description", r.description());
        var ch = o.putArray("channels");
        r.channels().forEach(c -> ch.add(c.toString()));
        o.put("every", Durations.format(r.every()));
        o.put("createdAt", r.createdAt().toString());
        o.put("updatedAt", r.updatedAt().toString());
        return o;
    }

    /** A stored row as a rule (its spec was validated when written). */
    public AlertRule toRule(AlertRulesRecord rec) {
        List<FieldError> errors = new ArrayList<>();
        RuleSpec spec = RuleSpecs.parse(rec.getKind(), json.readTree(rec.getSpec().data()), errors);
        if (spec == null) {
            throw new IllegalStateException("stored spec of rule " + rec.getId() + " does not parse: " + errors);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        json.readTree(rec.getLabels().data()).properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        List<UUID> channels = new ArrayList<>();
        json.readTree(rec.getChannels().data()).forEach(n -> channels.add(UUID.fromString(n.asString())));
        return new AlertRule(rec.getId(), TenantId.of(rec.getTenantId()), rec.getName(), rec.getKind(), rec.getEnabled(),
                rec.getSeverity(), rec.getMeasurement(), json.readTree(rec.getSelector().data()), spec, labels,
                rec.getDescription(), channels, Duration.ofSeconds(rec.getEverySeconds()), rec.getCreatedAt().toInstant(),
                rec.getUpdatedAt().toInstant());
    }

    private void fill(AlertRulesRecord rec, AlertRule r) {
        rec.setName(r.name());
        rec.setKind(r.kind());
        rec.setEnabled(r.enabled());
        rec.setSeverity(r.severity());
        rec.setMeasurement(r.measurement());
        rec.setSelector(JSONB.valueOf(r.selector().toString()));
        rec.setSpec(JSONB.valueOf(RuleSpecs.toJson(r.spec()).toString()));
        ObjectNode l = JsonNodeFactory.instance.objectNode();
        r.labels().forEach(l::put);
        rec.setLabels(JSONB.valueOf(l.toString()));
        var ch = JsonNodeFactory.instance.arrayNode();
        r.channels().forEach(c -> ch.add(c.toString()));
        rec.setChannels(JSONB.valueOf(ch.toString()));
        rec.setDescription(r.description());
        rec.setEverySeconds((int) r.every().toSeconds());
        rec.setUpdatedAt(odt(clock.instant()));
    }

    /**
     * The plan's limit on enabled rules, counted under a lock on the tenant row so two concurrent creations cannot
     * both pass.
     */
    private static void checkLimit(DSLContext tx, TenantId tenant, UUID except) {
        var t = tx.select(PLANS.MAX_ACTIVE_ALERTS, PLANS.CODE).from(TENANTS).join(PLANS).on(PLANS.CODE.eq(TENANTS.PLAN))
                .where(TENANTS.ID.eq(tenant.value())).forUpdate().of(TENANTS).fetchOne();
        if (t == null) {
            throw new NotFoundException("alerts:tenant.not-found", "tenant " + tenant + " not found");
        }
        int max = t.value1();
        var cond = ALERT_RULES.TENANT_ID.eq(tenant.value()).and(ALERT_RULES.ENABLED.isTrue());
        if (except != null) {
            cond = cond.and(ALERT_RULES.ID.ne(except));
        }
        int active = tx.fetchCount(ALERT_RULES, cond);
        if (active >= max) {
            throw new LimitExceededException("alerts:rule.limit",
                    "plan " + t.value2() + " allows at most " + max + " active alert rules (plans.max_active_alerts); "
                            + active + " are enabled: disable or delete one, or upgrade the plan",
                    List.of(new FieldError("enabled", "max_active_alerts = " + max + " reached", true)));
        }
    }

    private static JsonNode selector(JsonNode s, List<FieldError> errors) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (s == null || s.isNull()) {
            return out;
        }
        if (!s.isObject()) {
            errors.add(new FieldError("selector", "must be an object: {} (all devices), {\"devices\":[plc ids]} or {\"type\":..,\"tags\":{..}}", s.toString()));
            return out;
        }
        for (String k : s.propertyNames()) {
            if (!Set.of("devices", "type", "tags").contains(k)) {
                errors.add(new FieldError("selector." + k, "unknown key (devices, type, tags)", null));
            }
        }
        JsonNode devices = s.get("devices");
        if (devices != null) {
            if (s.has("type") || s.has("tags")) {
                errors.add(new FieldError("selector.devices", "either devices or type/tags, not both", null));
            }
            if (!devices.isArray() || devices.isEmpty() || devices.size() > MAX_SELECTED_DEVICES) {
                errors.add(new FieldError("selector.devices", "1 to " + MAX_SELECTED_DEVICES + " plc ids", null));
            } else {
                var arr = out.putArray("devices");
                for (JsonNode d : devices) {
                    if (!d.isString() || !PLC.matcher(d.asString()).matches()) {
                        errors.add(new FieldError("selector.devices", "a plc id is 3 to 32 of [a-z0-9_-]", d.toString()));
                    } else {
                        arr.add(d.asString());
                    }
                }
            }
        }
        JsonNode type = s.get("type");
        if (type != null) {
            if (!type.isString() || !DEVICE_TYPES.contains(type.asString())) {
                errors.add(new FieldError("selector.type", "must be one of " + DEVICE_TYPES, type.toString()));
            } else {
                out.put("type", type.asString());
            }
        }
        JsonNode tags = s.get("tags");
        if (tags != null) {
            if (!tags.isObject() || tags.size() > 16) {
                errors.add(new FieldError("selector.tags", "an object of at most 16 tag: value strings", null));
            } else {
                ObjectNode t = out.putObject("tags");
                for (var e : tags.properties()) {
                    if (!e.getValue().isString()) {
                        errors.add(new FieldError("selector.tags." + e.getKey(), "must be a string", e.getValue().toString()));
                    } else {
                        t.put(e.getKey(), e.getValue().asString());
                    }
                }
            }
        }
        return out;
    }

    /** The description used when a rule gives none. */
    static String defaultDescription(String kind) {
        return switch (kind == null ? "" : kind) {
            case "threshold" -> "{{rule}}: {{device}} {{aggregate}}({{field}}) = {{value}}, threshold {{threshold}} ({{state}})";
            case "rate_of_change" -> "{{rule}}: {{device}} {{field}} changes by {{value}}/s, limit {{threshold}}/s ({{state}})";
            case "no_data" -> "{{rule}}: {{device}} sent nothing for {{after}} s ({{state}})";
            default -> "{{rule}}: {{device}} {{field}} EWMA at {{value}} sigma, limit {{threshold}} sigma ({{state}})";
        };
    }

    private static String str(JsonNode body, String key) {
        JsonNode n = body.get(key);
        return n == null || n.isNull() ? null : n.isString() ? n.asString() : n.toString();
    }

    static NotFoundException notFound(UUID id) {
        return new NotFoundException("alerts:rule.not-found", "alert rule " + id + " not found");
    }

    static OffsetDateTime odt(java.time.Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
