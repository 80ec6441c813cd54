package io.tenantry.web.auth;

import java.util.Optional;

/**
 * Roles carried in the JWT {@code roles} claim (design note 000 "Role akses" plus the platform operator).
 */
public enum Role {
    /** All tenants; creates tenants and drives their lifecycle. Token has no {@code tenant_id}. */
    PLATFORM_ADMIN("platform_admin"),
    /** Own tenant: devices, credentials, everything the tenant may change. */
    OWNER("owner"),
    /** Own tenant: devices and credentials. */
    STAFF("staff"),
    /** Own tenant: read only. */
    VIEWER("viewer");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    /** The value in the {@code roles} claim. */
    public String claim() {
        return claim;
    }

    public static Optional<Role> ofClaim(String value) {
        for (Role r : values()) {
            if (r.claim.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
