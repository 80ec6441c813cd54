package io.tenantry.provisioning.grafana;

import io.tenantry.adapters.grafana.GrafanaClient;
import io.tenantry.adapters.grafana.GrafanaProvisioner;
import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.tenant.Tenants;
import org.jooq.DSLContext;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Grafana feature (issue 14), switched on by {@code tenantry.grafana.url} (off by default: nothing Grafana-related
 * runs and no outbox entry is queued). It needs a {@link QueryCredentialIssuer} bean (the query gateway's tenant
 * credentials, issue 13) for the data sources' secret.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(GrafanaEnabled.class)
@EnableConfigurationProperties(GrafanaProperties.class)
public class GrafanaConfiguration {
    @Bean
    GrafanaClient grafanaClient(GrafanaProperties p) {
        return new GrafanaClient(p.url(), p.adminUser(), p.adminPassword() == null ? "" : p.adminPassword(), p.timeout());
    }

    @Bean
    GrafanaSync grafanaSync(DSLContext dsl, Tenants tenants, GrafanaClient client, QueryCredentialIssuer issuer,
                            GrafanaProperties p, Clock clock) {
        return new GrafanaSync(dsl, tenants, new GrafanaProvisioner(client, p.gatewayUrl(), p.adminUser(), p.linkBase()),
                issuer, clock);
    }

    @Bean
    GrafanaSyncHandler grafanaSyncHandler(GrafanaSync sync) {
        return new GrafanaSyncHandler(sync);
    }

    @Bean
    GrafanaLifecycle grafanaLifecycle(Outbox outbox) {
        return new GrafanaLifecycle(outbox);
    }

    @Bean
    GrafanaStatus grafanaStatus(DSLContext dsl) {
        return new GrafanaStatus(dsl);
    }

    @Bean
    GrafanaReconciler grafanaReconciler(DSLContext dsl, GrafanaSync sync) {
        return new GrafanaReconciler(dsl, sync);
    }

    /**
     * Runs the reconciler every {@code reconcile-interval} (first run after one interval) on its own thread; a
     * plain executor, not a {@code TaskScheduler} bean (that would become the application's scheduler for every
     * {@code @Scheduled} task).
     */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService grafanaReconcileSchedule(GrafanaReconciler reconciler, GrafanaProperties p) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grafana-reconcile");
            t.setDaemon(true);
            return t;
        });
        long every = p.reconcileInterval().toMillis();
        s.scheduleWithFixedDelay(() -> {
            try {
                reconciler.reconcile();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(GrafanaReconciler.class).warn("grafana reconcile failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return s;
    }
}
