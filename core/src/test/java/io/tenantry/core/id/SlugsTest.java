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
        assertThat(MqttNames.deviceUsername(s, p)).isEqualTo("t_planta_prensa1");
        assertThat(MqttNames.serviceUsername(s)).isEqualTo("t_planta_svc");
        assertThat(MqttNames.commandTopicFilter(s, p)).isEqualTo("plc/planta/prensa1/cmd/#");
    }
}
