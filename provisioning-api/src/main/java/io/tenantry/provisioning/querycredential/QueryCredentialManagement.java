package io.tenantry.provisioning.querycredential;

import io.tenantry.core.directory.TenantDirectory;
import io.tenantry.core.error.ConflictException;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.provisioning.audit.AuditLog;
import io.tenantry.provisioning.support.Db;
import io.tenantry.provisioning.tenant.Tenant;
import io.tenantry.provisioning.tenant.Tenants;
import io.tenantry.web.auth.Actor;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.tenantry.db.jooq.Tables.QUERY_CREDENTIALS;

/**
 * Tenant credentials of the query gateway (issue 13; design note 003 §6 {@code t_<slug>_<suffix>}, description
 * {@code locatario:<slug>:<use>}, §10 "scoped Influx token"). Issue: only for an ACTIVE tenant; the secret (32 random
 * bytes, base64url, 43 characters) is returned once, its SHA-256 stored (table {@code query_credentials}, Flyway
 * V10); every issue and revocation is audited ({@code query-credential.issued} / {@code .revoked}, target
 * {@code influxql:<username>}). Rotation = issue a new one, then revoke the old. A revocation NOTIFYs
 * {@link TenantDirectory#CHANGE_CHANNEL}; the gateway re-reads a credential at most every few seconds, so a revoked
 * credential — or any credential of a suspended or terminated tenant — stops working within seconds.
 * <p>
 * Other modules issue through {@link QueryCredentialIssuer} (the platform acts, audited with actor {@code system}).
 */
@Service
public class QueryCredentialManagement implements QueryCredentialIssuer {
    /** {@code use}: what the credential is for, e.g. {@code grafana}. */
    public static final Pattern USE = Pattern.compile("[a-z0-9-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DSLContext dsl;
    private final AuditLog audit;
    private final Tenants tenants;
    private final Clock clock;

    public QueryCredentialManagement(DSLContext dsl, AuditLog audit, Tenants tenants, Clock clock) {
        this.dsl = dsl;
        this.audit = audit;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** A credential as listed (never the secret). */
    public record Listed(String username, String description, String use, OffsetDateTime createdAt,
                         OffsetDateTime revokedAt) {
    }

    @Override
    public Issued issue(TenantId tenant, String use) {
        return issue(null, null, tenant, use);
    }

    @Override
    public void revokeAll(TenantId tenant, String use) {
        revoke(null, null, tenant, use, null);
    }

    /**
     * Issues a credential for {@code use}.
     *
     * @param actor the caller (null: the platform itself); must be able to administer the tenant's credentials
     * @throws InvalidInputException {@code provisioning:query-credential.invalid} for a bad {@code use}
     * @throws io.tenantry.core.error.NotFoundException unknown (or, for the caller, invisible) tenant
     * @throws ConflictException {@code provisioning:tenant.not-active} when the tenant is not ACTIVE
     */
    public Issued issue(Actor actor, String requestId, TenantId tenant, String use) {
        if (actor != null) {
            actor.requireDeviceAdmin(tenant);
        }
        checkUse(use);
        String secret = newSecret();
        Issued[] out = new Issued[1];
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            Tenant t = tenants.lock(tx, tenant);
            if (t.status() != TenantStatus.ACTIVE) {
                throw new ConflictException("provisioning:tenant.not-active", "tenant " + tenant + " is " + t.status()
                        + "; query credentials are issued only to active tenants");
            }
            String slug = t.slug().value();
            String username = "t_" + slug + "_" + HexFormat.of().formatHex(randomBytes(5));
            String description = "locatario:" + slug + ":" + use;
            tx.insertInto(QUERY_CREDENTIALS)
                    .set(QUERY_CREDENTIALS.USERNAME, username)
                    .set(QUERY_CREDENTIALS.TENANT_ID, tenant.value())
                    .set(QUERY_CREDENTIALS.USE_NAME, use)
                    .set(QUERY_CREDENTIALS.DESCRIPTION, description)
                    .set(QUERY_CREDENTIALS.SECRET_HASH, sha256(secret))
                    .set(QUERY_CREDENTIALS.CREATED_AT, Db.now(clock))
                    .execute();
            audit.append(tx, actor, tenant, "query-credential.issued", "influxql:" + username, requestId,
                    Map.of("use", use));
            out[0] = new Issued(username, secret, description);
        });
        return out[0];
    }

    /**
     * Revokes the tenant's credentials: one ({@code username}) or every one of {@code use} (when {@code username}
     * is null). Idempotent.
     *
     * @return how many were revoked now
     */
    public int revoke(Actor actor, String requestId, TenantId tenant, String use, String username) {
        if (actor != null) {
            actor.requireDeviceAdmin(tenant);
        }
        if (use != null) {
            checkUse(use);
        }
        int[] n = new int[1];
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            tenants.lock(tx, tenant);
            var which = QUERY_CREDENTIALS.TENANT_ID.eq(tenant.value()).and(QUERY_CREDENTIALS.REVOKED_AT.isNull());
            if (use != null) {
                which = which.and(QUERY_CREDENTIALS.USE_NAME.eq(use));
            }
            if (username != null) {
                which = which.and(QUERY_CREDENTIALS.USERNAME.eq(username));
            }
            List<String> names = tx.select(QUERY_CREDENTIALS.USERNAME).from(QUERY_CREDENTIALS).where(which).forUpdate()
                    .fetch(QUERY_CREDENTIALS.USERNAME);
            if (names.isEmpty()) {
                return;
            }
            tx.update(QUERY_CREDENTIALS).set(QUERY_CREDENTIALS.REVOKED_AT, Db.now(clock))
                    .where(QUERY_CREDENTIALS.USERNAME.in(names)).execute();
            for (String u : names) {
                audit.append(tx, actor, tenant, "query-credential.revoked", "influxql:" + u, requestId, Map.of());
            }
            tx.execute("SELECT pg_notify(?, ?)", TenantDirectory.CHANGE_CHANNEL, tenant.toString());
            n[0] = names.size();
        });
        return n[0];
    }

    /** The tenant's credentials, newest first, without secrets. */
    public List<Listed> list(Actor actor, TenantId tenant) {
        actor.requireVisible(tenant);
        tenants.find(dsl, tenant);
        return dsl.selectFrom(QUERY_CREDENTIALS).where(QUERY_CREDENTIALS.TENANT_ID.eq(tenant.value()))
                .orderBy(QUERY_CREDENTIALS.CREATED_AT.desc())
                .fetch(r -> new Listed(r.getUsername(), r.getDescription(), r.getUseName(), r.getCreatedAt(),
                        r.getRevokedAt()));
    }

    private static void checkUse(String use) {
        if (use == null || !USE.matcher(use).matches()) {
            throw new InvalidInputException("provisioning:query-credential.invalid", "the credential request is invalid",
                    List.of(new FieldError("use", "must match [a-z0-9-]{1,32}, e.g. grafana", use)));
        }
    }

    /** Hex SHA-256 of the secret's UTF-8 bytes: what the table stores and the gateway compares. */
    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String newSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }
}
