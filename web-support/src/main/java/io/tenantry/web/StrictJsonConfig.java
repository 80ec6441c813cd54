package io.tenantry.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Strict JSON for request bodies: a JSON number or boolean is never turned into a string field (slug, plcId,
 * tag values, firmwareVersion, ...). {@code spring.jackson.mapper.allow-coercion-of-scalars=false} only covers
 * string→number/boolean; Jackson's int/float/boolean→String conversion is governed by its coercion config
 * (databind "CoercionConfig", since 2.12), set here to fail, which answers 400 {@code api:request.malformed}
 * naming the field.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJsonConfig {

    @Bean
    JsonMapperBuilderCustomizer noScalarToStringCoercion() {
        return builder -> builder.withCoercionConfig(LogicalType.Textual, c -> c
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
