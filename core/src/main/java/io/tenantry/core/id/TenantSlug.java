package io.tenantry.core.id;

/**
 * A tenant's public, immutable short name, used in MQTT topics ({@code plc/<slug>/<plc_id>}) and usernames
 * ({@code t_<slug>.<plc_id>}, {@code t_<slug>:svc}). Rule {@code [a-z0-9-_]{3,32}}, design note 003 §2 and §6.
 *
 * @param value the slug
 * @throws io.tenantry.core.error.InvalidInputException when the value breaks the rule (field {@code slug})
 */
public record TenantSlug(String value) {
    public TenantSlug {
        Slugs.require("slug", value);
    }

    public static TenantSlug of(String value) {
        return new TenantSlug(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
