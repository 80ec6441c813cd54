package io.tenantry.core.id;

import io.tenantry.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlugsTest {
    @Test
    void acceptsTheNoteRule() {
        assertThat(TenantSlug.of("planta-a_1").value()).isEqualTo("planta-a_1");
        assertThat(PlcId.of("abc").value()).isEqualTo("abc");
        assertThat(PlcId.of("a".repeat(32)).value()).hasSize(32);
    }

    @Test
    void rejectsWithTheFieldName() {
        for (String bad : new String[]{"ab", "a".repeat(33), "PlantaA", "a/b", "a+b", "a#b", "a b", "ção"}) {
            assertThatThrownBy(() -> TenantSlug.of(bad)).isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors().get(0).field()).isEqualTo("slug"));
        }
        assertThatThrownBy(() -> PlcId.of(null)).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors().get(0).field()).isEqualTo("plcId"));
    }

    @Test
    void mqttNamesFollowNote003() {
        TenantSlug s = TenantSlug.of("planta");
        PlcId p = PlcId.of("prensa1");
        assertThat(MqttNames.telemetryTopic(s, p)).isEqualTo("plc/planta/prensa1");
        assertThat(MqttNames.deviceUsername(s, p)).isEqualTo("t_planta.prensa1");
        assertThat(MqttNames.serviceUsername(s)).isEqualTo("t_planta:svc");
        assertThat(MqttNames.commandTopicFilter(s, p)).isEqualTo("plc/planta/prensa1/cmd/#");
    }

    /**
     * Issue 7: every (kind, slug, PLC id) gets its own username. Exhaustive over all names of 3 and 4 characters
     * from an alphabet that includes the characters slugs may share with separators ({@code _}, {@code -}):
     * no two differ yet map to the same username, and no V1-style name is produced.
     */
    @Test
    void usernamesNeverCollideAcrossTenantsOrBetweenDeviceAndServiceLogins() {
        java.util.List<String> names = new java.util.ArrayList<>();
        String alphabet = "a_-s";
        for (int len = 3; len <= 4; len++) {
            int n = (int) Math.pow(alphabet.length(), len);
            for (int i = 0; i < n; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = 0, x = i; k < len; k++, x /= alphabet.length()) {
                    b.append(alphabet.charAt(x % alphabet.length()));
                }
                names.add(b.toString());
            }
        }
        names.add("svc");
        names.add("acme");
        names.add("acme_corp");
        names.add("corp_svc");
        java.util.Map<String, String> owner = new java.util.HashMap<>();
        for (String slug : names) {
            TenantSlug s = TenantSlug.of(slug);
            String svc = MqttNames.serviceUsername(s);
            assertThat(owner.put(svc, "svc " + slug)).as(svc).isNull();
            assertThat(MqttNames.isLegacyUsername(svc)).isFalse();
            for (String plc : names) {
                String u = MqttNames.deviceUsername(s, PlcId.of(plc));
                assertThat(owner.put(u, "device " + slug + "/" + plc)).as(u).isNull();
                assertThat(MqttNames.isLegacyUsername(u)).isFalse();
            }
        }
        // the collision of issue 7 is gone: acme_corp's service login and acme's device corp_svc differ
        assertThat(MqttNames.serviceUsername(TenantSlug.of("acme_corp")))
                .isNotEqualTo(MqttNames.deviceUsername(TenantSlug.of("acme"), PlcId.of("corp_svc")));
        assertThat(MqttNames.isLegacyUsername("t_acme_corp_svc")).isTrue();
    }
}
