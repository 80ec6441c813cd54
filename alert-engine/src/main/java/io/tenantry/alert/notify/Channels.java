package io.tenantry.alert.notify;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.db.jooq.tables.records.AlertChannelsRecord;
import io.tenantry.web.TextRules;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.tenantry.db.jooq.Tables.ALERT_CHANNELS;

/**
 * A tenant's notification channels ({@code alert_channels}, Flyway V9): {@code webhook} (an http(s) URL; a
 * per-channel HMAC secret {@code whsec_...} generated here and answered once, at creation) or {@code email} (one
 * address). Every read and write is keyed by tenant: another tenant's channel is not found.
 */
@Service
public class Channels {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DSLContext dsl;
    private final Clock clock;

    public Channels(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * Creates a channel from {@code {"name":..,"kind":"webhook","url":..}} or {@code {"name":..,"kind":"email","email":..}}.
     *
     * @return the channel's view; for a webhook with {@code secret} (the only time it is shown)
     * @throws InvalidInputException {@code alerts:channel.invalid} naming each bad key
     */
    public ObjectNode create(TenantId tenant, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("alerts:channel.invalid", "the channel must be a JSON object",
                    List.of(new FieldError("body", "must be a JSON object", null)));
        }
        for (String k : body.propertyNames()) {
            if (!Set.of("name", "kind", "url", "email").contains(k)) {
                errors.add(new FieldError(k, "unknown key", null));
            }
        }
        String name = text(body, "name");
        if (name == null || name.isBlank() || name.length() > 200 || !TextRules.isPrintable(name)) {
            errors.add(new FieldError("name", "required: 1 to 200 characters and " + TextRules.MESSAGE, name));
        }
        String kind = text(body, "kind");
        String url = text(body, "url");
        String email = text(body, "email");
        if ("webhook".equals(kind)) {
            try {
                URI u = URI.create(url == null ? "" : url);
                if (!Set.of("http", "https").contains(String.valueOf(u.getScheme())) || u.getHost() == null || url.length() > 2000) {
                    errors.add(new FieldError("url", "required: an absolute http or https URL of at most 2000 characters", url));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("url", "required: an absolute http or https URL of at most 2000 characters", url));
            }
            if (email != null) {
                errors.add(new FieldError("email", "only for kind email", email));
            }
        } else if ("email".equals(kind)) {
            if (email == null || !EMAIL.matcher(email).matches() || !TextRules.isPrintable(email)) {
                errors.add(new FieldError("email", "required: one e-mail address", email));
            }
            if (url != null) {
                errors.add(new FieldError("url", "only for kind webhook", url));
            }
        } else {
            errors.add(new FieldError("kind", "must be webhook or email", kind));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("alerts:channel.invalid", "the channel is invalid", errors);
        }
        AlertChannelsRecord rec = dsl.newRecord(ALERT_CHANNELS);
        rec.setId(UUID.randomUUID());
        rec.setTenantId(tenant.value());
        rec.setName(name);
        rec.setKind(kind);
        rec.setUrl(url);
        rec.setEmail(email);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String s = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        rec.setSecret(kind.equals("webhook") ? s : null);
        rec.setEnabled(true);
        rec.setCreatedAt(clock.instant().atOffset(ZoneOffset.UTC));
        rec.store();
        ObjectNode v = view(rec);
        if (kind.equals("webhook")) {
            v.put("secret", s);
        }
        return v;
    }

    public List<ObjectNode> list(TenantId tenant) {
        return dsl.selectFrom(ALERT_CHANNELS).where(ALERT_CHANNELS.TENANT_ID.eq(tenant.value()))
                .orderBy(ALERT_CHANNELS.CREATED_AT).fetch(Channels::view);
    }

    /** @throws NotFoundException {@code alerts:channel.not-found} */
    public ObjectNode get(TenantId tenant, UUID id) {
        return view(find(tenant, id));
    }

    /** @throws NotFoundException {@code alerts:channel.not-found} */
    public void delete(TenantId tenant, UUID id) {
        find(tenant, id).delete();
    }

    private AlertChannelsRecord find(TenantId tenant, UUID id) {
        AlertChannelsRecord r = dsl.selectFrom(ALERT_CHANNELS).where(ALERT_CHANNELS.ID.eq(id))
                .and(ALERT_CHANNELS.TENANT_ID.eq(tenant.value())).fetchOne();
        if (r == null) {
            throw new NotFoundException("alerts:channel.not-found", "channel " + id + " not found");
        }
        return r;
    }

    static ObjectNode view(AlertChannelsRecord r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", r.getId().toString());
        o.put("tenantId", r.getTenantId().toString());
        o.put("name", r.getName());
        o.put("kind", r.getKind());
        if (r.getUrl() != null) o.put("url", r.getUrl());
        if (r.getEmail() != null) o.put("email", r.getEmail());
        o.put("enabled", r.getEnabled());
        o.put("createdAt", r.getCreatedAt().toInstant().toString());
        return o;
    }

    private static String text(JsonNode b, String k) {
        JsonNode n = b.get(k);
        return n == null || n.isNull() ? null : n.isString() ? n.asString() : n.toString();
    }
}
