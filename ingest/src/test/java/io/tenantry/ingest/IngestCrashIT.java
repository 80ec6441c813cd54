package io.tenantry.ingest;

import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGKILL of a real ingest process (the repackaged jar as a child JVM, {@link Process#destroyForcibly()}) in the
 * middle of a stream, then a restart with the same client id and spool: nothing lost, nothing doubled. Closing a
 * Spring context in-process would run the graceful shutdown, which is not what a crash does.
 */
@ExtendWith(LocalStackExtension.class)
class IngestCrashIT {
    private final StackEnv env;
    private IngestFixtures fx;
    private String clientId;
    private Path work;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    IngestCrashIT(StackEnv env) {
        this.env = env;
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new IngestFixtures(env);
        clientId = "ingest-crash-" + IngestFixtures.random(8);
        work = Files.createTempDirectory("ingest-crash");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
        fx.discardSession(clientId);
        fx.close();
    }

    /** A child ingest JVM on the test JVM's java, logging to {@code work/<name>.log}. */
    private Ingest startIngest(String name, String... extraArgs) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path jar = Path.of(System.getProperty("tenantry.ingest.jar", "target/tenantry-ingest.jar")).toAbsolutePath();
        assertThat(jar).as("run 'mvn verify' (package first)").exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(),
                "--server.port=" + port,
                "--tenantry.ingest.mqtt.client-id=" + clientId,
                "--tenantry.ingest.spool.dir=" + work.resolve("spool")));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TENANTRY_STACK_ENV", env.envFile().toString());
        Process p = pb.start();
        processes.add(p);
        Ingest ingest = new Ingest(p, port, log);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(p.isAlive()).as("ingest exited; see " + log + ":\n" + Files.readString(log)).isTrue();
            return Files.readString(log).contains("subscribed to $share/");
        });
        return ingest;
    }

    private record Ingest(Process process, int port, Path log) {
    }

    private String adminJson(Ingest i) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.port() + "/admin/ingest")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long jsonLong(String json, String key) {
        int i = json.indexOf("\"" + key + "\":");
        int s = i + key.length() + 3;
        int e = s;
        while (e < json.length() && (Character.isDigit(json.charAt(e)) || json.charAt(e) == '-')) {
            e++;
        }
        return Long.parseLong(json.substring(s, e));
    }

    @Test
    void sigkillMidStreamThenRestartLosesNothingAndDoublesNothing() throws Exception {
        int total = 3000;
        int killAt = 1500;
        Ingest first = startIngest("first");
        var t = fx.createTenant("crash");
        var dev = fx.provisionedDevice(t, "plc-k", "siemens_s7", "{}");
        long base = Instant.now().minusSeconds(1200).toEpochMilli();
        long inInfluxAtKill = -1;
        String atKill = "";
        for (int i = 0; i < total; i++) {
            dev.publish("{\"ts\":" + (base + i) + ",\"seq\":" + i + ",\"fields\":{\"n\":" + i + "}}");
            if (i % 100 == 99) {
                Thread.sleep(60); // ~1,500 msg/s: several batches are written before the kill, some are in flight
            }
            if (i == killAt) {
                atKill = adminJson(first);
                first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no DISCONNECT
                assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                inInfluxAtKill = fx.count("n", t.id(), null);
            }
        }
        System.out.printf("[ingest-it] crash: SIGKILL after %d published messages; the killed instance had acknowledged "
                        + "%d and held %d unacknowledged; %d points were in InfluxDB%n", killAt + 1,
                jsonLong(atKill, "messagesTotal"), jsonLong(atKill, "inflightMessages"), inInfluxAtKill);
        long t0 = System.nanoTime();
        startIngest("second");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> fx.count("n", t.id(), null) >= total);
        System.out.printf("[ingest-it] crash: all %d points in InfluxDB %.1f s after the restart began%n", total,
                (System.nanoTime() - t0) / 1e9);
        // and no duplicate or stray point lands afterwards
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> fx.count("n", t.id(), null) == total);
        long distinct = ((Number) fx.query("SELECT COUNT(DISTINCT(\"n\")) FROM " + IngestFixtures.measurement("telemetry", t.id()) + " WHERE \"locatario_id\"::tag = '"
                + t.id() + "'").get(0).rows().get(0).get(1)).longValue();
        assertThat(distinct).isEqualTo(total);
        assertThat(fx.deadLetterReasons(t.id())).isEmpty();
    }

    /**
     * InfluxDB unreachable for this ingest (a {@link TcpGate} in front of it is shut, so the shared InfluxDB other
     * tests use keeps running and nobody else can end the outage early): every message is acknowledged once its
     * points are fsynced in the spool; SIGKILL; InfluxDB reachable again; the restarted instance drains the spool
     * left by the killed one.
     */
    @Test
    void pointsAcknowledgedIntoTheSpoolSurviveSigkill() throws Exception {
        int total = 500;
        URI influx = URI.create(env.influxUrl());
        try (TcpGate gate = new TcpGate(influx.getHost(), influx.getPort())) {
            String influxViaGate = "--tenantry.ingest.influx.url=http://127.0.0.1:" + gate.port();
            Ingest first = startIngest("spool-first", influxViaGate);
            var t = fx.createTenant("crashspool");
            var dev = fx.provisionedDevice(t, "plc-ks", "siemens_s7", "{}");
            long base = Instant.now().minusSeconds(1500).toEpochMilli();
            gate.shut();
            for (int i = 0; i < total; i++) {
                dev.publish("{\"ts\":" + (base + i) + ",\"seq\":" + i + ",\"fields\":{\"n\":" + i + "}}");
            }
            // every message acknowledged because its points are fsynced in the spool
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jsonLong(adminJson(first), "spoolPoints") >= total
                            && jsonLong(adminJson(first), "inflightMessages") == 0);
            String spooled = adminJson(first);
            first.process().destroyForcibly();
            assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(spooled).contains("\"status\":\"DEGRADED\"");
            assertThat(fx.count("n", t.id(), null)).isZero();
            try (var files = Files.list(work.resolve("spool"))) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".spool")).count()).isPositive();
            }

            gate.open();
            long t0 = System.nanoTime();
            startIngest("spool-second", influxViaGate);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> fx.count("n", t.id(), null) >= total);
            System.out.printf("[ingest-it] crash with %d points in the spool: all in InfluxDB %.1f s after the restart began%n",
                    total, (System.nanoTime() - t0) / 1e9);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> fx.count("n", t.id(), null) == total);
            assertThat(Files.readString(work.resolve("spool-second.log"), StandardCharsets.UTF_8))
                    .contains("from a previous run");
        }
    }
}
