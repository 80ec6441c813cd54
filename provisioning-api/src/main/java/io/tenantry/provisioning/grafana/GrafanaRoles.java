package io.tenantry.provisioning.grafana;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the platform's roles map to Grafana organisation roles (issue 14): {@code owner} → {@code Admin},
 * {@code staff} → {@code Editor}, {@code viewer} → {@code Viewer}; {@code platform_admin} has no tenant and no
 * organisation role. Grafana applies it at each JWT sign-in through {@code [auth.jwt] role_attribute_path}, a
 * JMESPath over the token's claims rendered by {@link #roleAttributePath()} and written into
 * {@code grafana/grafana.ini}; {@code GrafanaRolesTest} checks the file carries exactly this expression and
 * evaluates it on sample tokens. The strongest role wins when a token carries several.
 */
public final class GrafanaRoles {
    /** Platform role claim value → Grafana role, strongest first. */
    public static final Map<String, String> MAPPING;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("owner", "Admin");
        m.put("staff", "Editor");
        m.put("viewer", "Viewer");
        MAPPING = java.util.Collections.unmodifiableMap(m);
    }

    private GrafanaRoles() {
    }

    /** The Grafana role for a token's {@code roles} claim; empty when none maps (Grafana then refuses the sign-in). */
    public static Optional<String> grafanaRole(List<String> roles) {
        return MAPPING.entrySet().stream().filter(e -> roles.contains(e.getKey())).map(Map.Entry::getValue).findFirst();
    }

    /**
     * The JMESPath for {@code role_attribute_path}, e.g.
     * {@code contains(roles[*], 'owner') && 'Admin' || contains(roles[*], 'staff') && 'Editor' || …}.
     */
    public static String roleAttributePath() {
        return MAPPING.entrySet().stream()
                .map(e -> "contains(roles[*], '" + e.getKey() + "') && '" + e.getValue() + "'")
                .collect(Collectors.joining(" || "));
    }
}
