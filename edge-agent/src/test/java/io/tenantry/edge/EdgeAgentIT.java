package io.tenantry.edge;

import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent against the real stack: Mosquitto 2 with dynamic security, devices on the TLS listener, the watcher
 * (admin, persistent session) on the loopback listener. Each test makes its own dynsec client and tenant topic.
 */
@ExtendWith(LocalStackExtension.class)
class EdgeAgentIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final StackEnv env;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "edgeit" + id;
    private final String username = "t_" + tenant + "_dev";
    private final String password = UUID.randomUUID().toString();
    private Dynsec device;
    private Subscriber watcher;

    EdgeAgentIT(StackEnv env) {
        this.env = env;
    }

    @BeforeEach
    void setUp() throws Exception {
        device = new Dynsec(env, username, password, "plc/" + tenant + "/#");
        watcher = new Subscriber(env, "plc/" + tenant + "/#");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            watcher.close();
        } finally {
            device.close();
        }
    }

    private ReplayOptions.Builder tls(String plcId, Path csv) {
        return ReplayOptions.builder()
                .brokerUrl(env.mqttTlsUrl())
                .caFile(env.mqttCaFile())
                .username(username)
                .password(password)
                .clientId(username + "-" + plcId)
                .topic("plc/" + tenant + "/" + plcId)
                .csv(csv);
    }

    /** The objects the ingest side must receive for {@code csv}: same reader, seq 1..n. */
    private static List<JsonNode> expected(Path csv, String sep, String format, List<String> exclude) throws IOException {
        return expected(csv, sep, format, exclude, 1);
    }

    private static List<JsonNode> expected(Path csv, String sep, String format, List<String> exclude, long seqStart) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (CsvTelemetryReader r = CsvTelemetryReader.open(csv, sep, null, TimestampParser.of(format, ZoneOffset.UTC),
                List.of(), exclude, null)) {
            long seq = seqStart;
            for (TelemetryRow row; (row = r.next()) != null; ) {
                // through text, so that numbers get the node types a parser gives them
                out.add(JSON.readTree(JSON.writeValueAsString(TelemetryPayloads.object(row, seq++, TimestampOutput.RFC3339))));
            }
        }
        return out;
    }

    @Test
    @Timeout(120)
    void tlsReplayDeliversEveryRowExactly() throws Exception {
        Path csv = CsvTelemetryReaderTest.resource("skab-sample.csv");
        String topic = "plc/" + tenant + "/pump1";
        ReplaySummary s = Replayer.run(tls("pump1", csv).separator(";").timestampFormat("yyyy-MM-dd HH:mm:ss")
                .exclude(List.of("anomaly", "changepoint")).speed(Speed.MAX).build());

        assertThat(s.complete()).as(s.toHumanLine()).isTrue();
        assertThat(s.rowsRead()).isEqualTo(7);
        assertThat(s.rowsPublished()).isEqualTo(4);
        assertThat(s.messagesPublished()).isEqualTo(4);
        assertThat(s.messagesAcknowledged()).isEqualTo(4);
        assertThat(s.skipped()).containsOnlyKeys("bad_timestamp", "column_count", "no_fields");
        assertThat(s.firstSeq()).isEqualTo(1);
        assertThat(s.lastSeq()).isEqualTo(4);

        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.received().size() >= 4);
        // and nothing more comes
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> watcher.received().size() == 4);
        List<Subscriber.Received> got = watcher.received();
        assertThat(got).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(topic);
            assertThat(r.batch()).isFalse();
        });
        assertThat(got).extracting(Subscriber.Received::object)
                .containsExactlyElementsOf(expected(csv, ";", "yyyy-MM-dd HH:mm:ss", List.of("anomaly", "changepoint")));
        JsonNode first = got.get(0).object();
        assertThat(first.get("ts").asString()).isEqualTo("2020-03-09T10:14:33Z");
        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(first.get("fields").get("Volume Flow RateRMS").asDouble()).isEqualTo(32.0);
        assertThat(first.get("fields").get("Accelerometer1RMS").asDouble()).isEqualTo(0.0265878);
        assertThat(first.get("fields").has("anomaly")).isFalse();
    }

    @Test
    @Timeout(180)
    void storeAndForwardSurvivesABrokerRestartInOrderWithoutLoss(@TempDir Path tmp) throws Exception {
        // -Dedge.sf.rows / -Dedge.sf.speed / -Dedge.sf.batch make it a soak test (e.g. 20000 rows at x1000)
        int rows = Integer.getInteger("edge.sf.rows", 3000);
        Speed speed = Speed.parse(System.getProperty("edge.sf.speed", "x250"));
        int batchSize = Integer.getInteger("edge.sf.batch", 1);
        Path csv = tmp.resolve("steady.csv");
        StringBuilder sb = new StringBuilder("timestamp,value,state\n");
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        for (int i = 0; i < rows; i++) {
            sb.append(f.format(t0.plusSeconds(i))).append(',').append(i * 0.5).append(',').append(i % 2 == 0 ? "true" : "false").append('\n');
        }
        Files.writeString(csv, sb);
        String topic = "plc/" + tenant + "/sf1";

        CountDownLatch halfway = new CountDownLatch(1);
        AtomicLong lost = new AtomicLong();
        AtomicLong reconnected = new AtomicLong();
        long t0Nanos = System.nanoTime();
        java.util.Queue<String> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ReplayListener l = new ReplayListener() {
            private String at() {
                return String.format("%6d ms ", (System.nanoTime() - t0Nanos) / 1_000_000);
            }

            @Override
            public void onAcknowledged(long firstSeq, long n) {
                if (n >= rows / batchSize / 6 + 1) {
                    halfway.countDown();
                }
                if (n % Math.max(1, rows / batchSize / 8) == 0) {
                    events.add(at() + n + " acknowledged (seq " + firstSeq + ")");
                }
            }

            @Override
            public void onPublished(long firstSeq, int batchRows, long n) {
                if (n % Math.max(1, rows / batchSize / 8) == 0) {
                    events.add(at() + n + " published");
                }
            }

            @Override
            public void onConnectionLost(String reason) {
                lost.incrementAndGet();
                events.add(at() + "connection lost: " + reason);
            }

            @Override
            public void onConnected(boolean reconnect, String uri) {
                if (reconnect) {
                    reconnected.incrementAndGet();
                }
                events.add(at() + (reconnect ? "reconnected" : "connected"));
            }
        };
        ReplayOptions o = tls("sf1", csv).timestampFormat("yyyy-MM-dd HH:mm:ss").speed(speed).batchSize(batchSize)
                .spoolDir(tmp.resolve("spool")).maxReconnectDelay(Duration.ofSeconds(2)).ackTimeout(Duration.ofSeconds(60))
                .listener(l).build();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<ReplaySummary> run = pool.submit(() -> Replayer.run(o));
        long outageMs;
        try {
            assertThat(halfway.await(30, TimeUnit.SECONDS)).as("a sixth of the rows acknowledged before the outage").isTrue();
            long stop = System.nanoTime();
            events.add(String.format("%6d ms stopping mosquitto", (stop - t0Nanos) / 1_000_000));
            env.stack("stop", "mosquitto");
            try {
                events.add(String.format("%6d ms mosquitto stopped", (System.nanoTime() - t0Nanos) / 1_000_000));
                Thread.sleep(5000);
            } finally {
                env.stack("start", "mosquitto");
                outageMs = (System.nanoTime() - stop) / 1_000_000;
                events.add(String.format("%6d ms mosquitto started", (System.nanoTime() - t0Nanos) / 1_000_000));
            }
        } finally {
            pool.shutdown();
        }
        ReplaySummary s = run.get(90, TimeUnit.SECONDS);
        System.out.printf("store-and-forward: outage %d ms; %s%n", outageMs, s.toHumanLine());
        events.forEach(e -> System.out.println("  " + e));

        assertThat(s.complete()).as(s.toHumanLine()).isTrue();
        assertThat(s.rowsPublished()).isEqualTo(rows);
        assertThat(s.messagesAcknowledged()).isEqualTo((rows + batchSize - 1) / batchSize);
        assertThat(s.connectionLosses()).isGreaterThanOrEqualTo(1);
        assertThat(lost.get()).isGreaterThanOrEqualTo(1);
        assertThat(reconnected.get()).isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.distinct(topic) >= rows);
        List<Long> seqs = watcher.seqs(topic);
        List<Long> firstSeen = seqs.stream().distinct().toList();
        int duplicates = seqs.size() - firstSeen.size();
        System.out.printf("store-and-forward: received %d objects, %d distinct seqs, %d duplicates, watcher reconnects %d%n",
                seqs.size(), firstSeen.size(), duplicates, watcher.reconnects.get());
        assertThat(new HashSet<>(firstSeen)).isEqualTo(LongStream.rangeClosed(1, rows).boxed().collect(java.util.stream.Collectors.toSet()));
        assertThat(firstSeen).as("first arrival of each seq is in order").isSorted();
        // payloads are intact after the spool round trip
        Subscriber.Received r100 = watcher.received().stream().filter(r -> r.seq() == 100).findFirst().orElseThrow();
        assertThat(r100.object().get("ts").asString()).isEqualTo("2024-01-01T00:01:39Z");
        assertThat(r100.object().get("fields").get("value").asDouble()).isEqualTo(49.5);
        assertThat(r100.object().get("fields").get("state").asBoolean()).isFalse();
    }

    @Test
    @Timeout(120)
    void whatAnEarlierRunLeftInTheSpoolIsSentFirst(@TempDir Path tmp) throws Exception {
        Path csv = CsvTelemetryReaderTest.resource("nab-sample.csv");
        String topic = "plc/" + tenant + "/rec1";
        ReplayOptions o = tls("rec1", csv).timestampFormat("yyyy-MM-dd HH:mm:ss").speed(Speed.MAX).spoolDir(tmp).build();
        // an earlier run died with three unacknowledged messages in its spool
        try (Spool s = Spool.open(tmp.resolve(ReliablePublisher.safeName(o.broker().clientId())))) {
            for (long seq = 101; seq <= 103; seq++) {
                s.append(seq, 1, ("{\"ts\":\"2014-01-07T00:00:00Z\",\"fields\":{\"value\":" + seq + ".0},\"seq\":" + seq + "}")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        ReplaySummary s = Replayer.run(o);
        assertThat(s.complete()).as(s.toHumanLine()).isTrue();
        assertThat(s.messagesRecovered()).isEqualTo(3);
        assertThat(s.messagesPublished()).isEqualTo(9);
        assertThat(s.messagesAcknowledged()).isEqualTo(9);
        assertThat(s.rowsPublished()).isEqualTo(6);
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.seqs(topic).size() >= 9);
        assertThat(watcher.seqs(topic)).containsExactly(101L, 102L, 103L, 1L, 2L, 3L, 4L, 5L, 6L);
        try (var files = Files.list(tmp.resolve(ReliablePublisher.safeName(o.broker().clientId())))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("seg-"));
        }
    }

    @Test
    @Timeout(120)
    void fatJarCliOverTlsWithBatchesAndPasswordFromEnv(@TempDir Path tmp) throws Exception {
        String jar = System.getProperty("edge.fatJar");
        assertThat(jar).as("system property edge.fatJar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).as("fat jar; run the package phase").isRegularFile();
        Path csv = CsvTelemetryReaderTest.resource("nab-sample.csv");
        String topic = "plc/" + tenant + "/nab1";
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                "-b", env.mqttTlsUrl(), "--ca-file", env.mqttCaFile().toString(), "-u", username, "--client-id", username + "-cli",
                "-t", topic, "--csv", csv.toString(), "--timestamp-format", "yyyy-MM-dd HH:mm:ss", "--speed", "max",
                "--batch-size", "4", "--seq-start", "1001", "--spool-dir", tmp.resolve("spool").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().put("EDGE_PASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("err.txt"));
        assertThat(p.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(err).contains("connected to " + env.mqttTlsUrl());
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("OK " + topic);
        JsonNode summary = JSON.readTree(lines.get(1));
        assertThat(summary.get("rows_read").asLong()).isEqualTo(6);
        assertThat(summary.get("rows_published").asLong()).isEqualTo(6);
        assertThat(summary.get("messages_published").asLong()).isEqualTo(2);
        assertThat(summary.get("messages_acknowledged").asLong()).isEqualTo(2);
        assertThat(summary.get("complete").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.received().size() >= 6);
        assertThat(watcher.messages.get()).isEqualTo(2);
        assertThat(watcher.received()).allSatisfy(r -> assertThat(r.batch()).isTrue());
        assertThat(watcher.received()).extracting(Subscriber.Received::object)
                .containsExactlyElementsOf(expected(csv, ",", "yyyy-MM-dd HH:mm:ss", List.of(), 1001));
        assertThat(summary.get("first_seq").asLong()).isEqualTo(1001);
        assertThat(summary.get("last_seq").asLong()).isEqualTo(1006);
    }

    /** The reliable publisher on its own, as any device program would use it (no CSV). */
    @Test
    @Timeout(120)
    void reliablePublisherAloneDeliversEveryMessageInOrder(@TempDir Path spoolDir) throws Exception {
        String topic = "plc/" + tenant + "/own";
        AtomicLong acked = new AtomicLong();
        PublishListener listener = new PublishListener() {
            @Override
            public void onAcknowledged(long seq, long messagesAcknowledged) {
                acked.incrementAndGet();
            }
        };
        BrokerOptions broker = BrokerOptions.builder().brokerUrl(env.mqttTlsUrl()).caFile(env.mqttCaFile())
                .username(username).password(password).clientId(username + "-own").build();
        PublishOptions publish = PublishOptions.builder().topic(topic).spoolDir(spoolDir).maxInflight(5).build();
        Instant t0 = Instant.parse("2024-05-01T00:00:00Z");
        try (ReliablePublisher p = ReliablePublisher.open(broker, publish, listener)) {
            for (long seq = 1; seq <= 50; seq++) {
                String json = "{\"ts\":\"" + t0.plusSeconds(seq) + "\",\"fields\":{\"v\":" + seq + "},\"seq\":" + seq + "}";
                assertThat(p.publish(json.getBytes(StandardCharsets.UTF_8), seq, 1)).isEqualTo(seq);
            }
            assertThat(p.flush()).isTrue();
            ReliablePublisher.Stats s = p.stats();
            assertThat(s.published()).isEqualTo(50);
            assertThat(s.acknowledged()).isEqualTo(50);
            assertThat(s.pending()).isZero();
            assertThat(s.failed()).isZero();
            assertThat(p.refusal()).isNull();
        }
        assertThat(acked.get()).isEqualTo(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.seqs(topic).size() >= 50);
        assertThat(watcher.seqs(topic)).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        try (var files = Files.list(spoolDir.resolve(ReliablePublisher.safeName(username + "-own")))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("every acknowledged segment deleted")
                    .noneMatch(n -> n.startsWith("seg-"));
        }
    }

    @Test
    @Timeout(120)
    void aRefusedPublishStopsTheReplayAtOnceAndKeepsTheMessage(@TempDir Path spoolDir) throws Exception {
        // Mosquitto 2.0 answers PUBACK 0x87 for a topic outside the ACL and then drops the connection
        Path csv = CsvTelemetryReaderTest.resource("nab-sample.csv");
        ReplayOptions o = tls("x", csv).topic("plc/not-" + tenant + "/x").timestampFormat("yyyy-MM-dd HH:mm:ss")
                .speed(Speed.MAX).ackTimeout(Duration.ofSeconds(60)).spoolDir(spoolDir).build();
        long start = System.nanoTime();
        ReplaySummary s = Replayer.run(o);
        assertThat(s.messagesFailed()).as(s.toHumanLine()).isGreaterThanOrEqualTo(1);
        assertThat(s.messagesAcknowledged()).isZero();
        assertThat(s.stopReason()).contains("0x87");
        assertThat(s.complete()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("does not wait for the ack timeout").isLessThan(Duration.ofSeconds(20));
        assertThat(watcher.received()).isEmpty();
        // not delivered means kept: the refused message is still in the spool directory for the next run
        try (Spool left = Spool.open(spoolDir.resolve(ReliablePublisher.safeName(o.broker().clientId())))) {
            assertThat(left.recovered()).extracting(e -> e.firstSeq).contains(1L);
        }
    }

    @Test
    @Timeout(60)
    void wrongPasswordAndUntrustedCertificateFailFast(@TempDir Path tmp) throws Exception {
        Path csv = CsvTelemetryReaderTest.resource("nab-sample.csv");
        long start = System.nanoTime();
        try {
            Replayer.run(tls("pw", csv).password("wrong").timestampFormat("yyyy-MM-dd HH:mm:ss").build());
            throw new AssertionError("connected with a wrong password");
        } catch (ReplayException e) {
            assertThat(e.kind()).isEqualTo(PublisherException.Kind.CONNECT);
            assertThat(e.getMessage()).containsAnyOf("0x86", "0x87"); // Mosquitto 2.0.11 dynsec answers 0x87
        }
        // a CA that did not sign the broker's certificate
        Path otherCa = tmp.resolve("other-ca.crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other",
                "-keyout", tmp.resolve("k").toString(), "-out", otherCa.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        try {
            Replayer.run(tls("ca", csv).caFile(otherCa).timestampFormat("yyyy-MM-dd HH:mm:ss").build());
            throw new AssertionError("connected with an untrusted certificate");
        } catch (ReplayException e) {
            assertThat(e.kind()).isEqualTo(PublisherException.Kind.CONNECT);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    /** The 19 real recordings (16 SKAB valve1 runs, SKAB anomaly-free, 2 NAB) as 19 devices at once, at max speed. */
    @Test
    @Timeout(600)
    void nineteenDevicesInParallel() throws Exception {
        // Files shaped like the real datasets (SKAB: ';', 8 channels + 2 label columns, 1 s steps, local time;
        // NAB: ',', one value, 5 min / 1 h steps, and NAB machine temperature's 22,695 rows), generated here so the
        // suite does not depend on ../shared/datasets being beside the clone.
        Path data = java.nio.file.Files.createTempDirectory("edge-19");
        record Device(String plcId, Path csv, String sep, List<String> exclude) {
        }
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            devices.add(new Device("valve1-" + i, skabLike(data.resolve("valve1-" + i + ".csv"), 1_200, i), ";",
                    List.of("anomaly", "changepoint")));
        }
        devices.add(new Device("anomaly-free", skabLike(data.resolve("anomaly-free.csv"), 1_200, 99), ";",
                List.of("anomaly", "changepoint")));
        devices.add(new Device("nab-machine", nabLike(data.resolve("machine.csv"), 22_695, 300), ",", List.of()));
        devices.add(new Device("nab-ambient", nabLike(data.resolve("ambient.csv"), 7_267, 3600), ",", List.of()));

        // one device alone at max speed, for the record: the longest file (NAB machine temperature, 22,695 rows)
        Device one = devices.get(17);
        ReplaySummary single = Replayer.run(tls("single", one.csv()).timestampFormat("yyyy-MM-dd HH:mm:ss")
                .speed(Speed.MAX).build());
        System.out.printf("1 device at max speed: %s%n", single.toHumanLine());
        assertThat(single.complete()).as(single.toHumanLine()).isTrue();
        ReplaySummary batched = Replayer.run(tls("single-b50", one.csv()).timestampFormat("yyyy-MM-dd HH:mm:ss")
                .speed(Speed.MAX).batchSize(50).build());
        System.out.printf("1 device at max speed, batches of 50: %s%n", batched.toHumanLine());
        assertThat(batched.complete()).as(batched.toHumanLine()).isTrue();

        // one login per device, as provisioning issues them: on the device listener the client id is the username,
        // so devices sharing a login would replace each other's connection (issue 7)
        List<Dynsec> logins = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(devices.size());
        long start = System.nanoTime();
        List<Future<ReplaySummary>> futures = new ArrayList<>();
        for (Device d : devices) {
            String login = "t_" + tenant + "." + d.plcId();
            logins.add(new Dynsec(env, login, password, "plc/" + tenant + "/" + d.plcId()));
            ReplayOptions o = tls(d.plcId(), d.csv()).username(login).clientId(login)
                    .separator(d.sep()).timestampFormat("yyyy-MM-dd HH:mm:ss")
                    .zone(d.sep().equals(";") ? java.time.ZoneId.of("Europe/Moscow") : ZoneOffset.UTC)
                    .exclude(d.exclude()).speed(Speed.MAX).ackTimeout(Duration.ofSeconds(120)).build();
            futures.add(pool.submit(() -> Replayer.run(o)));
        }
        List<ReplaySummary> summaries = new ArrayList<>();
        for (Future<ReplaySummary> f : futures) {
            summaries.add(f.get(500, TimeUnit.SECONDS));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        logins.forEach(Dynsec::close);
        long totalRows = summaries.stream().mapToLong(ReplaySummary::rowsPublished).sum();
        System.out.printf("19 devices: %d rows in %.1f s = %.0f rows/s overall%n", totalRows, seconds, totalRows / seconds);
        summaries.forEach(s -> System.out.println("  " + s.toHumanLine()));

        Set<String> incomplete = new HashSet<>();
        for (ReplaySummary s : summaries) {
            if (!s.complete() || s.rowsSkipped() != 0 || s.rowsPublished() != s.rowsRead()) {
                incomplete.add(s.toHumanLine());
            }
        }
        assertThat(incomplete).isEmpty();
        assertThat(totalRows).isGreaterThan(50_000);
        // nothing of the 21 replays is left running in this JVM
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(Thread::isAlive).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("edge-sender-") || n.contains(tenant)));
        for (ReplaySummary s : summaries) {
            await().atMost(Duration.ofSeconds(60)).until(() -> watcher.distinct(s.topic()) >= s.rowsPublished());
            assertThat(watcher.seqs(s.topic()).stream().distinct().toList()).as(s.topic()).isSorted().hasSize((int) s.rowsPublished());
        }
    }

    /** A SKAB-shaped CSV: {@code rows} rows at 1 s steps from an experiment-specific start, labels included. */
    static Path skabLike(Path file, int rows, int experiment) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;"
                + "Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint\n");
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2020, 3, 1, 10, 0).plusHours(experiment);
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (int r = 0; r < rows; r++) {
            sb.append(t.plusSeconds(r).format(f)).append(';').append(0.02 + r % 7 * 0.001).append(';').append(0.04)
                    .append(';').append(1.3 + r % 5 * 0.01).append(';').append(0.05).append(';').append(79.3 + r % 11 * 0.1)
                    .append(';').append(26.0).append(';').append(233.0 + r % 3).append(';').append(32.0).append(';')
                    .append(r % 50 == 0 ? "1.0" : "0.0").append(';').append("0.0").append('\n');
        }
        java.nio.file.Files.writeString(file, sb);
        return file;
    }

    /** A NAB-shaped CSV: {@code timestamp,value}, {@code rows} rows {@code stepSeconds} apart. */
    static Path nabLike(Path file, int rows, int stepSeconds) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2013, 12, 2, 21, 15);
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (int r = 0; r < rows; r++) {
            sb.append(t.plusSeconds((long) r * stepSeconds).format(f)).append(',').append(70 + r % 40 * 0.37).append('\n');
        }
        java.nio.file.Files.writeString(file, sb);
        return file;
    }
}
