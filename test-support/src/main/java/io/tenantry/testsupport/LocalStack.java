package io.tenantry.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Brings the private local stack up once per JVM and returns its {@link StackEnv}. A missing or broken service
 * makes this throw: integration tests fail loudly, they never skip.
 * <p>
 * Set {@code TENANTRY_STACK_ENV} to the env file of a stack managed elsewhere to use it as is (no
 * {@code bin/stack up}); the file must carry the same keys.
 */
public final class LocalStack {
    private static StackEnv current;

    private LocalStack() {
    }

    /** The stack, started on first call with {@code bin/stack up} (idempotent, fast when already up). */
    public static synchronized StackEnv ensureUp() {
        if (current != null) {
            return current;
        }
        Path root = repoRoot();
        String external = System.getenv("TENANTRY_STACK_ENV");
        if (external != null && !external.isBlank()) {
            current = StackEnv.read(root, Path.of(external));
            return current;
        }
        StackEnv.runStack(root, Duration.ofMinutes(15), "up");
        String state = System.getenv().getOrDefault("TENANTRY_STATE_DIR", root.resolve(".stack").toString());
        current = StackEnv.read(root, Path.of(state, "stack.env"));
        return current;
    }

    /** The repository root: the nearest directory at or above the working directory holding {@code bin/stack}. */
    public static Path repoRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path c = p; c != null; c = c.getParent()) {
            if (Files.isExecutable(c.resolve("bin/stack"))) {
                return c;
            }
        }
        throw new IllegalStateException("no bin/stack found at or above " + p);
    }
}
