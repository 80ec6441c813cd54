package io.tenantry.edge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeAgentTest {
    private static EdgeAgent parse(Map<String, String> env, String... args) {
        EdgeAgent a = new EdgeAgent(env);
        new CommandLine(a).parseArgs(args);
        return a;
    }

    @Test
    void mapsEveryOption(@TempDir Path tmp) throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.crt"), "x");
        ReplayOptions o = parse(Map.of(), "-b", "ssl://localhost:18883", "-u", "t_acme_p1", "-P", "pw", "--ca-file", ca.toString(),
                "-t", "plc/acme/p1", "--client-id", "c1", "--csv", "a.csv", "--separator", ";", "--timestamp-column", "datetime",
                "--timestamp-format", "yyyy-MM-dd HH:mm:ss", "--zone", "Europe/Moscow", "--fields", "Current,Volume Flow RateRMS",
                "--exclude", "anomaly,changepoint", "--speed", "x20", "--rebase-to-now", "--batch-size", "10",
                "--spool-dir", tmp.toString(), "--max-inflight", "50", "--buffer-size", "5000", "--ack-timeout", "5",
                "--connect-timeout", "7", "--max-reconnect-delay", "3", "--ts-output", "epoch-ms",
                "--limit", "100", "--seq-start", "5000", "--max-message-bytes", "65536", "-q").toOptions();
        assertThat(o.broker().brokerUrl()).isEqualTo("ssl://localhost:18883");
        assertThat(o.broker().password()).isEqualTo("pw");
        assertThat(o.broker().caFile()).isEqualTo(ca);
        assertThat(o.broker().clientId()).isEqualTo("c1");
        assertThat(o.csv().separator()).isEqualTo(";");
        assertThat(o.csv().timestampColumn()).isEqualTo("datetime");
        assertThat(o.csv().zone()).isEqualTo(ZoneId.of("Europe/Moscow"));
        assertThat(o.csv().fields()).containsExactly("Current", "Volume Flow RateRMS");
        assertThat(o.csv().exclude()).containsExactly("anomaly", "changepoint");
        assertThat(o.csv().speed().factor()).isEqualTo(20.0);
        assertThat(o.csv().rebaseToNow()).isTrue();
        assertThat(o.csv().batchSize()).isEqualTo(10);
        assertThat(o.publish().spoolDir()).isEqualTo(tmp);
        assertThat(o.publish().maxInflight()).isEqualTo(50);
        assertThat(o.publish().bufferSize()).isEqualTo(5000);
        assertThat(o.publish().ackTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.broker().connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(o.broker().maxReconnectDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.csv().timestampOutput()).isEqualTo(TimestampOutput.EPOCH_MS);
        assertThat(o.csv().limit()).isEqualTo(100);
        assertThat(o.csv().seqStart()).isEqualTo(5000);
        assertThat(o.csv().maxMessageBytes()).isEqualTo(65536);
        assertThat(o.listener()).isSameAs(ReplayListener.NONE);
    }

    @Test
    void defaultsAndPasswordSources(@TempDir Path tmp) throws Exception {
        String[] base = {"-b", "tcp://127.0.0.1:1883", "-u", "dev", "-t", "plc/a/b", "--csv", "a.csv"};
        ReplayOptions o = parse(Map.of("EDGE_PASSWORD", "from-env"), base).toOptions();
        assertThat(o.broker().password()).isEqualTo("from-env");
        assertThat(o.broker().clientId()).isEqualTo("dev");
        assertThat(o.csv().speed()).isEqualTo(Speed.REAL);
        assertThat(o.csv().separator()).isEqualTo(",");
        assertThat(o.csv().timestampFormat()).isEqualTo("iso");
        assertThat(o.csv().zone()).isEqualTo(java.time.ZoneOffset.UTC);
        assertThat(o.csv().seqStart()).isEqualTo(1);
        assertThat(o.csv().maxMessageBytes()).isEqualTo(262_144);

        Path pwFile = Files.writeString(tmp.resolve("pw"), "from-file\n");
        String[] withFile = concat(base, "--password-file", pwFile.toString());
        assertThat(parse(Map.of("EDGE_PASSWORD", "from-env"), withFile).toOptions().broker().password()).isEqualTo("from-file");
        assertThat(parse(Map.of("EDGE_PASSWORD", "from-env"), concat(base, "-P", "from-arg")).toOptions().broker().password()).isEqualTo("from-arg");
        assertThat(parse(Map.of(), base).toOptions().broker().password()).isNull();
        assertThatThrownBy(() -> parse(Map.of(), concat(withFile, "-P", "x")).toOptions()).hasMessageContaining("either --password");
        assertThat(parse(Map.of(), concat(base, "--separator", "tab")).toOptions().csv().separator()).isEqualTo("\t");
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path tmp) throws Exception {
        assertThat(run(Map.of(), "--csv", "a.csv").code).isEqualTo(2); // missing required options
        Result bad = run(Map.of(), "-b", "tcp://127.0.0.1:1", "-u", "d", "-t", "plc/a/b", "--csv", "a.csv", "--speed", "fast");
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err).contains("invalid speed 'fast'");
        String[] base = {"-b", "tcp://127.0.0.1:1", "-u", "d", "-t", "plc/a/b", "--csv", "a.csv"};
        Result zeroBatch = run(Map.of(), concat(base, "--batch-size", "0"));
        assertThat(zeroBatch.code).isEqualTo(2);
        assertThat(zeroBatch.err).contains("--batch-size", "must be >= 1");
        Result badInflight = run(Map.of(), concat(base, "--max-inflight", "-3"));
        assertThat(badInflight.code).isEqualTo(2);
        assertThat(badInflight.err).contains("--max-inflight", "must be >= 1");
        Result badZone = run(Map.of(), concat(base, "--zone", "Mars/Olympus"));
        assertThat(badZone.code).isEqualTo(2);
        assertThat(badZone.err).contains("invalid --zone 'Mars/Olympus'");
        Result zeroTimeout = run(Map.of(), concat(base, "--ack-timeout", "0"));
        assertThat(zeroTimeout.code).isEqualTo(2);
        assertThat(zeroTimeout.err).contains("ackTimeout must be positive");
        Result negativeWindow = run(Map.of(), concat(base, "--resend-window", "-1"));
        assertThat(negativeWindow.code).isEqualTo(2);
        assertThat(negativeWindow.err).contains("resendWindow must be >= 0");
        // a CSV that does not fit the options is reported before any connection attempt
        Path csv = Files.writeString(tmp.resolve("a.csv"), "t,a\n2020-01-01T00:00:00Z,1\n");
        Result field = run(Map.of(), "-b", "tcp://127.0.0.1:1", "-u", "d", "-t", "plc/a/b", "--csv", csv.toString(), "--fields", "nope");
        assertThat(field.code).isEqualTo(2);
        assertThat(field.err).contains("field 'nope' not in header");
        Result missing = run(Map.of(), "-b", "tcp://127.0.0.1:1", "-u", "d", "-t", "plc/a/b", "--csv", tmp.resolve("none.csv").toString());
        assertThat(missing.code).isEqualTo(4);
        assertThat(missing.err).contains("cannot read");
    }

    @Test
    void unreachableBrokerExitsWithThree(@TempDir Path tmp) throws Exception {
        Path csv = Files.writeString(tmp.resolve("a.csv"), "t,a\n2020-01-01T00:00:00Z,1\n");
        // port 1 on loopback refuses at once; give up after 1 s
        Result r = run(Map.of(), "-b", "tcp://127.0.0.1:1", "-u", "d", "-t", "plc/a/b", "--csv", csv.toString(), "--connect-timeout", "1");
        assertThat(r.code).isEqualTo(3);
        assertThat(r.err).contains("cannot connect to tcp://127.0.0.1:1");
    }

    @Test
    void helpListsTheOptions() {
        Result r = run(Map.of(), "--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("--broker", "--ca-file", "--spool-dir", "--rebase-to-now", "--batch-size", "Exit codes");
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EdgeAgent.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(List.of(a).stream(), List.of(b).stream()).toArray(String[]::new);
    }

    @Test
    void nonNumericPolicyAndNoticeWaitAreOptions() {
        ReplayOptions d = parse(Map.of(), "-b", "tcp://localhost:1883", "-u", "t_acme.p1", "-t", "plc/acme/p1", "--csv", "a.csv").toOptions();
        assertThat(d.csv().nonNumeric()).isEqualTo(CsvTelemetryReader.NonNumeric.SKIP_CELL);
        assertThat(d.publish().noticeWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.publish().noticeTopic()).isEqualTo("plc/acme/p1/cmd/rejections");
        ReplayOptions o = parse(Map.of(), "-b", "tcp://localhost:1883", "-u", "t_acme.p1", "-t", "plc/acme/p1", "--csv", "a.csv",
                "--non-numeric", "skip-row", "--notice-wait", "0").toOptions();
        assertThat(o.csv().nonNumeric()).isEqualTo(CsvTelemetryReader.NonNumeric.SKIP_ROW);
        assertThat(o.publish().noticeWait()).isZero();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EdgeAgent.execute(new String[]{"-b", "tcp://localhost:1883", "-u", "t_acme.p1", "-t", "plc/acme/p1", "--csv", "a.csv",
                "--non-numeric", "drop"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), Map.of());
        assertThat(code).isEqualTo(EdgeAgent.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("skip-cell, send-as-text or skip-row");
    }

    @Test
    void aReplayThatSentNothingIsAnErrorThatSaysWhy() {
        CsvOptions csv = CsvOptions.builder().file(Path.of("values.csv")).build();
        ReplaySummary allBad = new ReplaySummary("dev", "plc/acme/p1", 120, 0, Map.of("bad_timestamp", 120L), 0, 0, 0, 0,
                0, 0, 0, Duration.ofSeconds(1), false, null, 0, 0);
        assertThat(EdgeAgent.nothingSent(allBad, csv)).isEqualTo("no row of values.csv was sent: all 120 rows were skipped "
                + "{bad_timestamp=120}; every timestamp failed to parse: is 'the first column' the timestamp column "
                + "(--timestamp-column NAME) and is the format iso (--timestamp-format)?");
        ReplaySummary empty = new ReplaySummary("dev", "plc/acme/p1", 0, 0, Map.of(), 0, 0, 0, 0,
                0, 0, 0, Duration.ofSeconds(1), false, null, 0, 0);
        assertThat(EdgeAgent.nothingSent(empty, csv)).isEqualTo("values.csv has no data rows (only a header): nothing was sent");
        ReplaySummary fine = new ReplaySummary("dev", "plc/acme/p1", 3, 2, Map.of("bad_timestamp", 1L), 2, 2, 0, 0,
                1, 2, 0, Duration.ofSeconds(1), false, null, 0, 0);
        assertThat(EdgeAgent.nothingSent(fine, csv)).isNull();
    }
}
