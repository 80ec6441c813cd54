package io.tenantry.ingest;

import io.tenantry.testsupport.StackEnv;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * The ingest application started in this JVM against the test stack, with its own MQTT client id (so its own
 * persistent session) and a private spool directory; ready once subscribed (and, unless the test routes MQTT through
 * a gate, listening to the tenant directory). {@link #close()} stops it, discards its broker session and deletes its
 * spool. One definition for every IT that runs ingest in-process.
 */
final class InProcessIngest implements AutoCloseable {
    private final IngestFixtures fx;
    private final ConfigurableApplicationContext app;
    private final String clientId;
    private final Path spool;

    private InProcessIngest(IngestFixtures fx, ConfigurableApplicationContext app, String clientId, Path spool) {
        this.fx = fx;
        this.app = app;
        this.clientId = clientId;
        this.spool = spool;
    }

    /**
     * @param name      short name for the client id ({@code ingest-<name>-<random>}) and the spool directory
     * @param overrides adds or changes application properties before the start (may be a no-op)
     */
    static InProcessIngest start(StackEnv env, IngestFixtures fx, String name, Consumer<Map<String, Object>> overrides)
            throws IOException {
        return start(env, fx, name, overrides, null);
    }

    /**
     * @param clock when not null, registered as the {@link java.time.Clock} bean (the quota's day and metering's
     *              minutes follow it)
     */
    static InProcessIngest start(StackEnv env, IngestFixtures fx, String name, Consumer<Map<String, Object>> overrides,
                                 java.time.Clock clock) throws IOException {
        String clientId = "ingest-" + name + "-" + IngestFixtures.random(8);
        Path spool = Files.createTempDirectory("ingest-" + name + "-spool");
        Map<String, Object> p = IngestFixtures.appProperties(env, clientId, spool);
        overrides.accept(p);
        ConfigurableApplicationContext app = clock == null ? IngestApplication.start(p)
                : IngestApplication.builder()
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("quotaTestClock", clock))
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        IngestService ingest = app.getBean(IngestService.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> ingest.stats().subscribed() && ingest.stats().directoryListening());
        return new InProcessIngest(fx, app, clientId, spool);
    }

    IngestService service() {
        return app.getBean(IngestService.class);
    }

    ConfigurableApplicationContext app() {
        return app;
    }

    /** The HTTP port it listens on (admin and actuator). */
    int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    String clientId() {
        return clientId;
    }

    @Override
    public void close() throws IOException {
        app.close();
        fx.discardSession(clientId);
        try (var files = Files.walk(spool)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
