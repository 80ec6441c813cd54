package io.tenantry.provisioning.grafana;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim → role mapping of {@code grafana/grafana.ini} is {@link GrafanaRoles}' (owner → Admin, staff → Editor,
 * viewer → Viewer, strongest first, anything else refused): the file carries exactly the rendered JMESPath, and the
 * expression, evaluated on sample token claims (by a tiny evaluator of the one form it uses:
 * {@code contains(roles[*], 'r') && 'R' || …}), gives the mapped role.
 */
class GrafanaRolesTest {
    static String iniValue(String key) throws Exception {
        Path ini = Path.of("..", "grafana", "grafana.ini");
        return Files.readAllLines(ini).stream().filter(l -> l.startsWith(key + " = ")).findFirst()
                .map(l -> l.substring((key + " = ").length())).orElseThrow(() -> new AssertionError(key + " missing"));
    }

    /** JMESPath subset: alternatives of {@code contains(roles[*], 'x') && 'Y'}; null when none matches. */
    static String evaluate(String expr, List<String> roles) {
        for (String alt : expr.split(" \\|\\| ")) {
            var m = java.util.regex.Pattern.compile("contains\\(roles\\[\\*], '([a-z_]+)'\\) && '([A-Za-z]+)'").matcher(alt.trim());
            assertThat(m.matches()).as("unexpected JMESPath form: " + alt).isTrue();
            if (roles.contains(m.group(1))) {
                return m.group(2);
            }
        }
        return null;
    }

    @Test
    void theConfigCarriesTheMappingAndItMapsEveryRole() throws Exception {
        String path = iniValue("role_attribute_path");
        assertThat(path).isEqualTo(GrafanaRoles.roleAttributePath());
        assertThat(iniValue("role_attribute_strict")).isEqualTo("true");
        assertThat(iniValue("org_attribute_path")).isEqualTo("tenant_id");
        assertThat(iniValue("username_claim")).isEqualTo("sub");
        assertThat(evaluate(path, List.of("owner"))).isEqualTo("Admin");
        assertThat(evaluate(path, List.of("staff"))).isEqualTo("Editor");
        assertThat(evaluate(path, List.of("viewer"))).isEqualTo("Viewer");
        assertThat(evaluate(path, List.of("viewer", "owner"))).as("strongest wins").isEqualTo("Admin");
        assertThat(evaluate(path, List.of("platform_admin"))).as("no tenant role: refused (strict)").isNull();
        assertThat(evaluate(path, List.of())).isNull();
        for (String r : List.of("owner", "staff", "viewer", "platform_admin")) {
            assertThat(Optional.ofNullable(evaluate(path, List.of(r)))).isEqualTo(GrafanaRoles.grafanaRole(List.of(r)));
        }
    }
}
