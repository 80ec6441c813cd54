package io.tenantry.alert.web;

import io.tenantry.alert.eval.RuleRunner;
import io.tenantry.alert.event.AlertEvents;
import io.tenantry.alert.notify.Channels;
import io.tenantry.alert.rule.AlertRule;
import io.tenantry.alert.rule.AlertRules;
import io.tenantry.alert.rule.Durations;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.ForbiddenException;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.web.Blocking;
import io.tenantry.web.auth.Actor;
import io.tenantry.web.auth.Role;
import org.jooq.DSLContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * The alert API, tenant-scoped like the rest of the platform (issue 12): the tenant comes from the path and must be
 * the token's ({@link Actor#requireVisible}: another tenant's rules, events and channels answer 404); owner, staff
 * and platform admins write, viewers read. Errors are RFC 9457 problems (web-support).
 * <ul>
 *   <li>{@code /api/v1/tenants/{id}/alert-rules}: GET list, POST create (201); {@code /{ruleId}}: GET, PUT (replace),
 *       DELETE; {@code /{ruleId}/enable}, {@code /{ruleId}/disable}: POST; {@code /{ruleId}/evaluate}: POST dry run —
 *       body {@code {}} or {@code {"at":t}} evaluates once and answers each device's observation and the transition
 *       it would make; {@code {"from":t,"to":t,"step":"10s","record":false}} replays the rule tick by tick over a past
 *       range and answers the transitions (with {@code record: true} they are also stored as events; with
 *       {@code trace: true} also every tick's state and value per device). Writes nothing
 *       unless {@code record} is true.</li>
 *   <li>{@code /api/v1/tenants/{id}/alert-events}: GET (filters ruleId, kind, from, limit);
 *       {@code /{eventId}/acknowledge}: POST; {@code /{eventId}/deliveries}: GET.</li>
 *   <li>{@code /api/v1/tenants/{id}/alert-channels}: GET, POST (webhook secret answered once); {@code /{channelId}}:
 *       GET, DELETE.</li>
 * </ul>
 */
@RestController
public class AlertController {
    /** Most ticks one backtest may evaluate. */
    public static final int MAX_BACKTEST_TICKS = 20_000;
    private final AlertRules rules;
    private final io.tenantry.alert.eval.DispatchPause dispatchPause;
    private final RuleRunner runner;
    private final AlertEvents events;
    private final Channels channels;
    private final DSLContext dsl;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    public AlertController(AlertRules rules, RuleRunner runner, AlertEvents events, Channels channels, DSLContext dsl, Clock clock,
                           io.tenantry.alert.eval.DispatchPause dispatchPause) {
        this.dispatchPause = dispatchPause;
        this.rules = rules;
        this.runner = runner;
        this.events = events;
        this.channels = channels;
        this.dsl = dsl;
        this.clock = clock;
    }

    private static final String RULES = "/api/v1/tenants/{tenantId}/alert-rules";

    @GetMapping(RULES)
    public Mono<List<ObjectNode>> listRules(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId) {
        return Blocking.call(() -> rules.list(read(jwt, tenantId)).stream().map(rules::view).toList());
    }

    @PostMapping(RULES)
    public Mono<ResponseEntity<ObjectNode>> createRule(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                       @RequestBody(required = false) JsonNode body) {
        return Blocking.call(() -> {
            TenantId t = write(jwt, tenantId);
            AlertRule r = rules.create(rules.validate(t, UUID.randomUUID(), body));
            if (r.enabled()) {
                dispatchPause.wake(); // committed: resume a dispatch paused for want of rules
            }
            return ResponseEntity.status(HttpStatus.CREATED).body(rules.view(r));
        });
    }

    @GetMapping(RULES + "/{ruleId}")
    public Mono<ObjectNode> getRule(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId) {
        return Blocking.call(() -> rules.view(rules.get(read(jwt, tenantId), ruleId)));
    }

    @PutMapping(RULES + "/{ruleId}")
    public Mono<ObjectNode> updateRule(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId,
                                       @RequestBody(required = false) JsonNode body) {
        return Blocking.call(() -> {
            TenantId t = write(jwt, tenantId);
            rules.get(t, ruleId);
            AlertRule r = rules.update(rules.validate(t, ruleId, body));
            if (r.enabled()) {
                dispatchPause.wake();
            }
            return rules.view(r);
        });
    }

    @DeleteMapping(RULES + "/{ruleId}")
    public Mono<ResponseEntity<Void>> deleteRule(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId) {
        return Blocking.call(() -> {
            rules.delete(write(jwt, tenantId), ruleId);
            return ResponseEntity.noContent().build();
        });
    }

    @PostMapping(RULES + "/{ruleId}/enable")
    public Mono<ObjectNode> enable(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId) {
        return Blocking.call(() -> {
            AlertRule r = rules.setEnabled(write(jwt, tenantId), ruleId, true);
            dispatchPause.wake();
            return rules.view(r);
        });
    }

    @PostMapping(RULES + "/{ruleId}/disable")
    public Mono<ObjectNode> disable(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId) {
        return Blocking.call(() -> rules.view(rules.setEnabled(write(jwt, tenantId), ruleId, false)));
    }

    @PostMapping(RULES + "/{ruleId}/evaluate")
    public Mono<ObjectNode> evaluate(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID ruleId,
                                     @RequestBody(required = false) JsonNode body) {
        return Blocking.call(() -> {
            JsonNode b = body == null || body.isNull() ? json.createObjectNode() : body;
            boolean record = b.has("record") && b.get("record").asBoolean(false);
            TenantId t = record ? write(jwt, tenantId) : read(jwt, tenantId);
            AlertRule rule = rules.get(t, ruleId);
            List<FieldError> errors = new ArrayList<>();
            if (!b.isObject()) {
                throw new InvalidInputException("alerts:evaluate.invalid", "the body must be a JSON object",
                        List.of(new FieldError("body", "must be a JSON object", null)));
            }
            ObjectNode out = json.createObjectNode();
            out.put("ruleId", ruleId.toString());
            ArrayNode arr = out.putArray("devices");
            if (b.has("from") || b.has("to")) {
                Instant from = time(b, "from", null, errors);
                Instant to = time(b, "to", clock.instant(), errors);
                String stepText = b.has("step") ? b.get("step").asString() : Durations.format(rule.every());
                Duration step = Durations.parse(stepText);
                if (step == null || step.isZero()) {
                    errors.add(new FieldError("step", "must be a duration like 10s", stepText));
                }
                if (from != null && to != null && step != null && !step.isZero()) {
                    if (from.isAfter(to)) {
                        errors.add(new FieldError("from", "must not be after to", b.get("from").toString()));
                    } else if (Duration.between(from, to).dividedBy(step) > MAX_BACKTEST_TICKS) {
                        errors.add(new FieldError("step", "at most " + MAX_BACKTEST_TICKS + " ticks per backtest", stepText));
                    }
                }
                if (!errors.isEmpty()) {
                    throw new InvalidInputException("alerts:evaluate.invalid", "the evaluation request is invalid", errors);
                }
                out.put("from", from.toString());
                out.put("to", to.toString());
                out.put("step", stepText);
                out.put("recorded", record);
                boolean trace = b.has("trace") && b.get("trace").asBoolean(false);
                ArrayNode tr = out.putArray("transitions");
                ArrayNode ticks = trace ? out.putArray("ticks") : null;
                for (RuleRunner.DeviceOutcome o : runner.backtest(rule, from, to, step, record, trace)) {
                    if (o.transition() != null) {
                        tr.add(outcome(o));
                    }
                    if (trace) {
                        ObjectNode k = json.createObjectNode();
                        k.put("at", o.at().toString());
                        k.put("device", o.plcId());
                        k.put("state", o.stateAfter());
                        Object v = o.observation().values().get("value");
                        if (v instanceof Number n) {
                            k.put("value", n.doubleValue());
                        } else {
                            k.putNull("value");
                        }
                        ticks.add(k);
                    }
                }
                return out;
            }
            Instant at = time(b, "at", clock.instant(), errors);
            if (!errors.isEmpty()) {
                throw new InvalidInputException("alerts:evaluate.invalid", "the evaluation request is invalid", errors);
            }
            out.put("at", at.toString());
            for (RuleRunner.DeviceOutcome o : runner.dryRun(rule, at)) {
                arr.add(outcome(o));
            }
            return out;
        });
    }

    @GetMapping("/api/v1/tenants/{tenantId}/alert-events")
    public Mono<List<ObjectNode>> listEvents(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                             @RequestParam(required = false) UUID ruleId, @RequestParam(required = false) String kind,
                                             @RequestParam(required = false) String from, @RequestParam(required = false) Integer limit) {
        return Blocking.call(() -> events.list(read(jwt, tenantId), ruleId, kind, from, limit));
    }

    @PostMapping("/api/v1/tenants/{tenantId}/alert-events/{eventId}/acknowledge")
    public Mono<ObjectNode> acknowledge(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable long eventId) {
        return Blocking.call(() -> events.acknowledge(write(jwt, tenantId), eventId, jwt.getSubject()));
    }

    @GetMapping("/api/v1/tenants/{tenantId}/alert-events/{eventId}/deliveries")
    public Mono<List<ObjectNode>> deliveries(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable long eventId) {
        return Blocking.call(() -> events.deliveries(read(jwt, tenantId), eventId));
    }

    @GetMapping("/api/v1/tenants/{tenantId}/alert-channels")
    public Mono<List<ObjectNode>> listChannels(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId) {
        return Blocking.call(() -> channels.list(read(jwt, tenantId)));
    }

    @PostMapping("/api/v1/tenants/{tenantId}/alert-channels")
    public Mono<ResponseEntity<ObjectNode>> createChannel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId,
                                                          @RequestBody(required = false) JsonNode body) {
        return Blocking.call(() -> ResponseEntity.status(HttpStatus.CREATED).body(channels.create(write(jwt, tenantId), body)));
    }

    @GetMapping("/api/v1/tenants/{tenantId}/alert-channels/{channelId}")
    public Mono<ObjectNode> getChannel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID channelId) {
        return Blocking.call(() -> channels.get(read(jwt, tenantId), channelId));
    }

    @DeleteMapping("/api/v1/tenants/{tenantId}/alert-channels/{channelId}")
    public Mono<ResponseEntity<Void>> deleteChannel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID tenantId, @PathVariable UUID channelId) {
        return Blocking.call(() -> {
            channels.delete(write(jwt, tenantId), channelId);
            return ResponseEntity.noContent().build();
        });
    }

    private ObjectNode outcome(RuleRunner.DeviceOutcome o) {
        ObjectNode d = json.createObjectNode();
        d.put("at", o.at().toString());
        d.put("deviceId", o.deviceId().toString());
        d.put("device", o.plcId());
        d.put("stateBefore", o.stateBefore());
        d.put("state", o.stateAfter());
        d.put("transition", o.transition());
        if (o.observation().breach() == null) {
            d.putNull("breach");
        } else {
            d.put("breach", o.observation().breach());
        }
        d.set("values", json.valueToTree(o.observation().values()));
        d.put("message", o.message());
        return d;
    }

    private static Instant time(JsonNode b, String key, Instant dflt, List<FieldError> errors) {
        JsonNode n = b.get(key);
        if (n == null || n.isNull()) {
            if (dflt == null) {
                errors.add(new FieldError(key, "required (RFC 3339)", null));
            }
            return dflt;
        }
        try {
            return Instant.parse(n.asString());
        } catch (RuntimeException e) {
            errors.add(new FieldError(key, "must be RFC 3339, e.g. 2026-01-01T00:00:00Z", n.toString()));
            return dflt;
        }
    }

    /** Reader of the tenant: any role of it, or a platform admin (for an existing tenant). */
    private TenantId read(Jwt jwt, UUID tenantId) {
        TenantId t = TenantId.of(tenantId);
        Actor.from(jwt).requireVisible(t);
        if (!dsl.fetchExists(TENANTS, TENANTS.ID.eq(tenantId))) {
            throw new NotFoundException("alerts:tenant.not-found", "tenant " + tenantId + " not found");
        }
        return t;
    }

    /** Writer: owner or staff of the tenant, or a platform admin; a viewer gets 403. */
    private TenantId write(Jwt jwt, UUID tenantId) {
        Actor a = Actor.from(jwt);
        TenantId t = read(jwt, tenantId);
        if (!a.isPlatformAdmin() && !a.roles().contains(Role.OWNER) && !a.roles().contains(Role.STAFF)) {
            throw new ForbiddenException("alerts:role.forbidden", "role viewer may read alert rules, events and channels but not change them");
        }
        return t;
    }
}
