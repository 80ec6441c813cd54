package io.tenantry.core.id;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTopicTest {
    @Test
    void parsesWhatMqttNamesBuilds() {
        TenantSlug slug = TenantSlug.of("acme_corp");
        PlcId plc = PlcId.of("press-1");
        String topic = MqttNames.telemetryTopic(slug, plc);
        assertThat(topic).isEqualTo("plc/acme_corp/press-1");
        assertThat(TelemetryTopic.parse(topic)).contains(new TelemetryTopic(slug, plc));
        assertThat(TelemetryTopic.parse(topic).orElseThrow().toString()).isEqualTo(topic);
    }

    @Test
    void refusesAnythingElseWithoutThrowing() {
        for (String bad : new String[]{null, "", "plc/acme", "plc/acme/press-1/cmd", "plc/acme/press-1/",
                "xyz/acme/press-1", "plc/AC/press-1", "plc/ab/press-1", "plc/acme/+", "plc/acme/#", "/plc/acme/p-1",
                "plc/acme.x/p-1", "plc/" + "a".repeat(33) + "/p-1"}) {
            assertThat(TelemetryTopic.parse(bad)).as(String.valueOf(bad)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void theIngestSubscriptionIsTheSharedFilterOfEveryTelemetryTopic() {
        assertThat(MqttNames.ingestSharedSubscription()).isEqualTo("$share/ingest/plc/+/+");
    }
}
