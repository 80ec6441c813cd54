package io.tenantry.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: {@code @ExtendWith(LocalStackExtension.class)} ensures the private stack (PostgreSQL,
 * Mosquitto, InfluxDB) is up before the class runs, and injects {@link StackEnv} into test constructors and
 * methods. When a service cannot be started the class fails with the stack's own error output.
 */
public class LocalStackExtension implements BeforeAllCallback, ParameterResolver {
    @Override
    public void beforeAll(ExtensionContext context) {
        LocalStack.ensureUp();
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == StackEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return LocalStack.ensureUp();
    }
}
