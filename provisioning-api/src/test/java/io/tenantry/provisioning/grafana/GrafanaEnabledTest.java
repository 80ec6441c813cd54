package io.tenantry.provisioning.grafana;

import io.tenantry.adapters.grafana.GrafanaClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana feature stays off (no bean at all) unless {@code tenantry.grafana.url} has text. */
class GrafanaEnabledTest {
    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(GrafanaConfiguration.class);

    @Test
    void offWhenUnsetOrEmpty() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(GrafanaClient.class)
                .doesNotHaveBean(GrafanaSyncHandler.class));
        runner.withPropertyValues("tenantry.grafana.url=").run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean(GrafanaClient.class));
        runner.withPropertyValues("tenantry.grafana.url=  ").run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean(GrafanaClient.class));
    }

    @Test
    void onWhenSet() {
        // on: it then needs the platform's beans (here absent), so the context refuses to start without them
        runner.withPropertyValues("tenantry.grafana.url=http://127.0.0.1:3000").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasMessageContaining("grafana");
        });
    }
}
