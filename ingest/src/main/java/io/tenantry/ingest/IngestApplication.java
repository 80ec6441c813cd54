package io.tenantry.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;

/**
 * The ingest service: MQTT telemetry → InfluxDB {@code processo_raw} (see {@link IngestService}).
 * <p>
 * Run as {@code java -jar ingest/target/tenantry-ingest.jar} from the repository root (it reads
 * {@code .stack/stack.env}, or the file named by {@code TENANTRY_STACK_ENV}), or start it in-process with
 * {@link #start(Map)}.
 */
@SpringBootApplication
public class IngestApplication {
    static {
        // jOOQ prints a banner and tips on first use; not in a service log
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    /**
     * Entry point of {@code java -jar tenantry-ingest.jar [--key=value ...]}; stops gracefully on SIGTERM.
     */
    public static void main(String[] args) {
        SpringApplication.run(IngestApplication.class, args);
    }

    /**
     * A builder for starting the service inside another JVM program or test.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(IngestApplication.class);
    }

    /**
     * Starts the service in-process. The properties are passed as command-line arguments ({@code --key=value}),
     * so they win over application.yml, the stack env file and the environment, e.g.
     * {@code Map.of("server.port", "0", "tenantry.ingest.spool.dir", "/tmp/spool")}.
     *
     * @return the running context; close it to stop the service gracefully
     */
    public static ConfigurableApplicationContext start(Map<String, ?> properties) {
        return builder().run(properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }
}
