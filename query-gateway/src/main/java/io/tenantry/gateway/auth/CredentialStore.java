package io.tenantry.gateway.auth;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.StoragePlacements;
import org.jooq.DSLContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static io.tenantry.db.jooq.Tables.QUERY_CREDENTIALS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Checks a gateway credential (table {@code query_credentials}, Flyway V10, issued by the provisioning API): the
 * username exists, is not revoked, the SHA-256 of the secret matches (constant-time compare), and its tenant is
 * ACTIVE. The row (with tenant status, plan and placement) is cached for {@code ttl}, so a revocation or a
 * suspension/termination stops the credential within {@code ttl} (default 2 s). Unknown usernames are not cached.
 */
public final class CredentialStore {
    private final DSLContext dsl;
    private final StoragePlacements placements;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(long readAt, String secretHash, boolean usable, Caller caller) {
    }

    public CredentialStore(DSLContext dsl, StoragePlacements placements, Duration ttl, LongSupplier nanoClock) {
        this.dsl = dsl;
        this.placements = placements;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * @return the caller when username and secret are right and the credential and tenant are usable; empty
     * otherwise (the reason is deliberately not told to the client)
     */
    public Optional<Caller> authenticate(String username, String secret) {
        if (username == null || secret == null || username.length() > 80 || secret.length() > 200) {
            return Optional.empty();
        }
        long now = nanoClock.getAsLong();
        Entry e = cache.get(username);
        if (e == null || now - e.readAt() > ttlNanos) {
            e = read(username, now);
            if (e == null) {
                cache.remove(username);
                return Optional.empty();
            }
            cache.put(username, e);
        }
        boolean match = MessageDigest.isEqual(e.secretHash().getBytes(StandardCharsets.US_ASCII),
                sha256(secret).getBytes(StandardCharsets.US_ASCII));
        return match && e.usable() ? Optional.of(e.caller()) : Optional.empty();
    }

    private Entry read(String username, long now) {
        var row = dsl.select(QUERY_CREDENTIALS.TENANT_ID, QUERY_CREDENTIALS.SECRET_HASH, QUERY_CREDENTIALS.REVOKED_AT,
                        TENANTS.SLUG, TENANTS.STATUS, TENANTS.PLAN)
                .from(QUERY_CREDENTIALS).join(TENANTS).on(TENANTS.ID.eq(QUERY_CREDENTIALS.TENANT_ID))
                .where(QUERY_CREDENTIALS.USERNAME.eq(username)).fetchOne();
        if (row == null) {
            return null;
        }
        TenantId tenant = TenantId.of(row.get(QUERY_CREDENTIALS.TENANT_ID));
        boolean usable = row.get(QUERY_CREDENTIALS.REVOKED_AT) == null
                && TenantStatus.ACTIVE.name().equals(row.get(TENANTS.STATUS));
        Caller caller = usable ? new Caller(username, tenant, row.get(TENANTS.SLUG), row.get(TENANTS.PLAN),
                placements.placementOf(tenant)) : null;
        return new Entry(now, row.get(QUERY_CREDENTIALS.SECRET_HASH), usable, caller);
    }

    /** Hex SHA-256 of the UTF-8 bytes (the same rule as the provisioning API's issuer). */
    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
