package io.tenantry.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Endpoints and secrets of the private local stack, read from the env file {@code bin/stack up} writes
 * ({@code <state>/stack.env}, {@code KEY=value} lines). Also runs {@code bin/stack} sub-commands, so tests can
 * stop and start a service to simulate an outage.
 *
 * @param repoRoot the repository root (holds {@code bin/stack})
 * @param envFile  the env file read
 * @param values   every key of the env file
 */
public record StackEnv(Path repoRoot, Path envFile, Map<String, String> values) {

    /** A value; fails loudly when the env file lacks it. */
    public String get(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(key + " missing from " + envFile + "; run bin/stack up");
        }
        return v;
    }

    public String pgUrl() { return get("TENANTRY_PG_URL"); }
    public String pgOwnerUser() { return get("TENANTRY_PG_OWNER_USER"); }
    public String pgOwnerPassword() { return get("TENANTRY_PG_OWNER_PASSWORD"); }
    public String pgAppUser() { return get("TENANTRY_PG_APP_USER"); }
    public String pgAppPassword() { return get("TENANTRY_PG_APP_PASSWORD"); }
    /** Loopback plain-TCP listener for internal services, {@code tcp://127.0.0.1:port}. */
    public String mqttUrl() { return get("TENANTRY_MQTT_URL"); }
    /** TLS listener for devices, {@code ssl://localhost:port}. */
    public String mqttTlsUrl() { return get("TENANTRY_MQTT_TLS_URL"); }
    /** PEM file of the CA that signed the broker's certificate. */
    public Path mqttCaFile() { return Path.of(get("TENANTRY_MQTT_CA_FILE")); }
    public String mqttAdminUser() { return get("TENANTRY_MQTT_ADMIN_USER"); }
    public String mqttAdminPassword() { return get("TENANTRY_MQTT_ADMIN_PASSWORD"); }
    public String influxUrl() { return get("TENANTRY_INFLUX_URL"); }
    public String influxAdminUser() { return get("TENANTRY_INFLUX_ADMIN_USER"); }
    public String influxAdminPassword() { return get("TENANTRY_INFLUX_ADMIN_PASSWORD"); }
    public String ingestMqttUser() { return get("TENANTRY_INGEST_MQTT_USER"); }
    public String ingestMqttPassword() { return get("TENANTRY_INGEST_MQTT_PASSWORD"); }
    public String ingestInfluxUser() { return get("TENANTRY_INGEST_INFLUX_USER"); }
    public String ingestInfluxPassword() { return get("TENANTRY_INGEST_INFLUX_PASSWORD"); }
    public String jobsInfluxUser() { return get("TENANTRY_JOBS_INFLUX_USER"); }
    public String jobsInfluxPassword() { return get("TENANTRY_JOBS_INFLUX_PASSWORD"); }
    public String apiInfluxUser() { return get("TENANTRY_API_INFLUX_USER"); }
    public String apiInfluxPassword() { return get("TENANTRY_API_INFLUX_PASSWORD"); }
    /** Base64 AES-256 key for secrets waiting in the outbox. */
    public String secretKey() { return get("TENANTRY_SECRET_KEY"); }

    /**
     * All values as Spring-style system properties source: the keys as they are (application.yml refers to
     * them as {@code ${TENANTRY_PG_URL}} etc.).
     */
    public Map<String, String> asProperties() { return values; }

    /**
     * Runs {@code bin/stack <args>} (e.g. {@code stop mosquitto}) and waits up to 5 minutes.
     *
     * @throws IllegalStateException when it exits non-zero or times out; the message holds its output
     */
    public void stack(String... args) {
        runStack(repoRoot, Duration.ofMinutes(5), args);
    }

    /**
     * Runs {@code bin/stack <args>} with extra environment variables (e.g. {@code TENANTRY_MQTT_TLS_BIND}); note that
     * bin/stack remembers the settings it is given for its state directory, so give the defaults back afterwards.
     *
     * @throws IllegalStateException when it exits non-zero or times out; the message holds its output
     */
    public void stack(Map<String, String> env, String... args) {
        runStack(repoRoot, Duration.ofMinutes(5), env, args);
    }

    /** The env file read again (after {@code bin/stack start ...} with other settings rewrote it). */
    public StackEnv reload() {
        return read(repoRoot, envFile);
    }

    static void runStack(Path repoRoot, Duration timeout, String... args) {
        runStack(repoRoot, timeout, Map.of(), args);
    }

    static void runStack(Path repoRoot, Duration timeout, Map<String, String> env, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = repoRoot.resolve("bin/stack").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Path out = Files.createTempFile("stack", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String log = Files.readString(out);
            Files.deleteIfExists(out);
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException("bin/stack " + String.join(" ", args) + " timed out:\n" + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("bin/stack " + String.join(" ", args) + " failed (exit "
                        + p.exitValue() + "):\n" + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bin/stack: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running bin/stack", e);
        }
    }

    static StackEnv read(Path repoRoot, Path envFile) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(envFile, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + envFile + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return new StackEnv(repoRoot, envFile, Map.copyOf(m));
    }
}
