package io.tenantry.web.auth;

import io.tenantry.core.error.ForbiddenException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The authenticated caller, taken from a validated JWT: {@code sub}, {@code tenant_id} (absent for platform
 * admins) and {@code roles}. The tenant always comes from the token, never from a request body.
 *
 * @param subject  the {@code sub} claim
 * @param tenantId the caller's tenant, empty for platform admins
 * @param roles    recognised roles; unknown role names are ignored
 */
public record Actor(String subject, Optional<TenantId> tenantId, Set<Role> roles) {

    /**
     * Reads the claims. A token that leaves the caller without any known role (no {@code roles}, only unknown role
     * names, a malformed {@code tenant_id}, or {@code platform_admin} bound to a tenant) is refused the same way on
     * every endpoint, before anything is read.
     *
     * @throws ForbiddenException {@code provisioning:role.none} (403) when no known role remains
     */
    public static Actor from(Jwt jwt) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        List<String> claimed = jwt.getClaimAsStringList("roles");
        if (claimed != null) {
            claimed.forEach(c -> Role.ofClaim(c).ifPresent(roles::add));
        }
        Optional<TenantId> tenant = Optional.empty();
        String t = jwt.getClaimAsString("tenant_id");
        if (t != null && !t.isBlank()) {
            try {
                tenant = Optional.of(TenantId.parse(t));
            } catch (IllegalArgumentException e) {
                roles.clear();
            }
        }
        if (tenant.isPresent()) {
            roles.remove(Role.PLATFORM_ADMIN); // a tenant-bound token is never a platform admin
        }
        if (roles.isEmpty()) {
            throw new ForbiddenException("provisioning:role.none",
                    "the token carries no role this API knows (platform_admin without tenant_id, or owner, staff, viewer with one)");
        }
        return new Actor(jwt.getSubject(), tenant, Set.copyOf(roles));
    }

    public boolean isPlatformAdmin() {
        return roles.contains(Role.PLATFORM_ADMIN);
    }

    /**
     * Checks the caller may see {@code tenant}: platform admins see all; others only their own. Another tenant's
     * resources answer 404, never 403, so their existence does not leak (Ditto's rule).
     *
     * @throws NotFoundException when the tenant is not the caller's
     */
    public void requireVisible(TenantId tenant) {
        if (isPlatformAdmin()) {
            return;
        }
        if (tenantId.isEmpty() || !tenantId.get().equals(tenant) || roles.isEmpty()) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + tenant + " not found");
        }
    }

    /**
     * Checks the caller may change devices and credentials of {@code tenant} (platform admin, owner, staff).
     *
     * @throws NotFoundException  for another tenant
     * @throws ForbiddenException for a viewer of the tenant
     */
    public void requireDeviceAdmin(TenantId tenant) {
        requireVisible(tenant);
        if (!isPlatformAdmin() && !roles.contains(Role.OWNER) && !roles.contains(Role.STAFF)) {
            throw new ForbiddenException("provisioning:role.forbidden", "role viewer may not change devices or credentials");
        }
    }

    /** @throws ForbiddenException unless the caller is a platform admin */
    public void requirePlatformAdmin() {
        if (!isPlatformAdmin()) {
            throw new ForbiddenException("provisioning:role.forbidden", "only platform_admin may do this");
        }
    }
}
