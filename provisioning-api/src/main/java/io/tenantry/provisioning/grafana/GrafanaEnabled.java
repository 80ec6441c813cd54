package io.tenantry.provisioning.grafana;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The Grafana feature is on when {@code tenantry.grafana.url} (env {@code TENANTRY_GRAFANA_URL}) has text; unset or
 * empty (as a script exporting an empty variable leaves it) means off.
 */
public class GrafanaEnabled implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return StringUtils.hasText(context.getEnvironment().getProperty("tenantry.grafana.url"));
    }
}
