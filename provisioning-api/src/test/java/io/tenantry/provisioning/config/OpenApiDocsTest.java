package io.tenantry.provisioning.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Placeholders in descriptions become code, or Swagger UI would swallow them as HTML tags. */
class OpenApiDocsTest {
    @Test
    void placeholdersAreSetAsCode() {
        assertThat(OpenApiDocs.md("publishes on its own MQTT topic plc/<slug>/<plc_id>"))
                .isEqualTo("publishes on its own MQTT topic `plc/<slug>/<plc_id>`");
        assertThat(OpenApiDocs.md("login t_<slug>:svc, which may read plc/<slug>/#."))
                .isEqualTo("login `t_<slug>:svc`, which may read `plc/<slug>/#`.");
        assertThat(OpenApiDocs.md("already `plc/<slug>` and plain text")).isEqualTo("already `plc/<slug>` and plain text");
        assertThat(OpenApiDocs.md("no placeholder (a < b > c)")).isEqualTo("no placeholder (a < b > c)");
    }
}
