package io.tenantry.edge;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Command line of the edge agent: the option groups' builders ({@link BrokerOptions}, {@link PublishOptions},
 * {@link CsvOptions}) are mixed in as the options, so each is declared once; then runs {@link Replayer#run}.
 * <p>
 * Output: connection events, skipped rows (the first 10) and progress on stderr; at the end one human line and
 * then one JSON line ({@link ReplaySummary#toJson()}) on stdout.
 * <p>
 * Exit codes: {@value #EXIT_OK} every published message acknowledged; {@value #EXIT_INCOMPLETE} some messages
 * not acknowledged (timeout) or refused; {@value #EXIT_USAGE} invalid options or CSV header; {@value #EXIT_CONNECT}
 * first connection failed (credentials, TLS, unreachable); {@value #EXIT_IO} CSV/spool I/O or client failure;
 * {@value #EXIT_NOTHING_SENT} the file gave no row to send (no data rows, or every row skipped: e.g. no timestamp
 * column); {@value #EXIT_INTERRUPTED} interrupted.
 * <p>
 * Example: {@code EDGE_PASSWORD=... java -jar tenantry-edge-agent.jar -b ssl://localhost:18883 --ca-file ca.crt
 * -u t_acme_pump1 -t plc/acme/pump1 --csv 0.csv --separator ';' --timestamp-format 'yyyy-MM-dd HH:mm:ss'
 * --exclude anomaly,changepoint --speed x10}
 */
@Command(name = "edge-agent", mixinStandardHelpOptions = true, version = "tenantry-edge-agent 0.1.0",
        sortOptions = false, usageHelpWidth = 110,
        description = {"Replays a CSV file as MQTT v5 telemetry (QoS 1) on plc/<tenant>/<plc_id>, over TLS or plain TCP,",
                "with store-and-forward while the broker is unreachable. Payload: {\"ts\":...,\"fields\":{...},\"seq\":n}",
                "or a JSON array of such objects (--batch-size > 1)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every published message was acknowledged", "1:some messages were not acknowledged or were refused",
                "2:invalid options or CSV header", "3:the first connection failed", "4:I/O or client failure",
                "5:no row could be sent (no data rows, or every row skipped, e.g. no timestamp column)",
                "130:interrupted"})
public final class EdgeAgent implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INCOMPLETE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_CONNECT = 3;
    public static final int EXIT_IO = 4;
    public static final int EXIT_NOTHING_SENT = 5;
    public static final int EXIT_INTERRUPTED = 130;
    /** Environment variable holding the password when neither --password nor --password-file is given. */
    public static final String PASSWORD_ENV = "EDGE_PASSWORD";

    // Every replay option is declared once, on its group's builder (BrokerOptions, PublishOptions, CsvOptions).
    @Mixin
    BrokerOptions.Builder broker = BrokerOptions.builder();
    @Option(names = {"-P", "--password"}, paramLabel = "SECRET",
            description = "MQTT password (visible in the process list; prefer --password-file or $" + PASSWORD_ENV + ").")
    String password;
    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password (trailing newline ignored).")
    Path passwordFile;
    @Mixin
    PublishOptions.Builder publish = PublishOptions.builder();
    @Mixin
    CsvOptions.Builder csv = CsvOptions.builder();
    @Option(names = "--progress-interval", defaultValue = "10", paramLabel = "SECONDS", description = "Progress line on stderr every N seconds; 0 = off (default: ${DEFAULT-VALUE}).")
    long progressSeconds;
    @Option(names = {"-q", "--quiet"}, description = "No events or progress on stderr.")
    boolean quiet;

    private final Map<String, String> env;
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** A command reading {@value #PASSWORD_ENV} from the process environment. */
    public EdgeAgent() {
        this(System.getenv());
    }

    /** A command reading {@value #PASSWORD_ENV} from {@code env} (for tests and embedding). */
    public EdgeAgent(Map<String, String> env) {
        this.env = env;
    }

    /** Entry point; exits the JVM with the exit code. */
    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs the command line without exiting the JVM.
     *
     * @return the exit code (see class doc)
     */
    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        EdgeAgent agent = new EdgeAgent(env);
        agent.out = out;
        agent.err = err;
        CommandLine cl = new CommandLine(agent);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        ReplayOptions options;
        try {
            options = toOptions();
        } catch (IllegalArgumentException e) {
            err.println("edge-agent: " + e.getMessage());
            return EXIT_USAGE;
        }
        try {
            ReplaySummary s = Replayer.run(options);
            out.println(s.toHumanLine());
            out.println(s.toJson());
            out.flush();
            String nothing = nothingSent(s, options.csv());
            if (nothing != null) {
                err.println("edge-agent: " + nothing);
                return EXIT_NOTHING_SENT;
            }
            return s.complete() ? EXIT_OK : EXIT_INCOMPLETE;
        } catch (IllegalArgumentException e) {
            err.println("edge-agent: " + e.getMessage());
            return EXIT_USAGE;
        } catch (ReplayException e) {
            err.println("edge-agent: " + e.getMessage());
            if (e.partialSummary() != null) {
                out.println(e.partialSummary().toHumanLine());
                out.println(e.partialSummary().toJson());
                out.flush();
            }
            return switch (e.kind()) {
                case CONNECT -> EXIT_CONNECT;
                case INTERRUPTED -> EXIT_INTERRUPTED;
                case IO, CLIENT -> EXIT_IO;
            };
        }
    }

    /**
     * Why a replay that published no row is an error (issue 16: "OK … 0 published" hid a file whose rows were all
     * refused), or null when it published rows (or re-sent an earlier run's spool) or stopped at {@code --limit 0}.
     */
    static String nothingSent(ReplaySummary s, CsvOptions csv) {
        if (s.rowsPublished() > 0 || s.messagesRecovered() > 0 || s.stopReason() != null) {
            return null;
        }
        if (s.rowsRead() == 0) {
            return csv.file() + " has no data rows (only a header): nothing was sent";
        }
        String hint = s.skipped().containsKey(CsvTelemetryReader.SKIP_BAD_TIMESTAMP)
                ? "; every timestamp failed to parse: is '" + (csv.timestampColumn() == null ? "the first column" : csv.timestampColumn())
                + "' the timestamp column (--timestamp-column NAME) and is the format " + csv.timestampFormat()
                + " (--timestamp-format)?" : "";
        return "no row of " + csv.file() + " was sent: all " + s.rowsRead() + " rows were skipped " + s.skipped() + hint;
    }

    /**
     * The replay options these command-line options describe (password from --password, else --password-file,
     * else ${@value #PASSWORD_ENV}).
     *
     * @throws IllegalArgumentException when an option is invalid
     */
    ReplayOptions toOptions() {
        if (password != null && passwordFile != null) {
            throw new IllegalArgumentException("give either --password or --password-file, not both");
        }
        String pw = password;
        if (pw == null && passwordFile != null) {
            try {
                pw = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read password file " + passwordFile + ": " + e.getMessage(), e);
            }
        }
        if (pw == null) {
            pw = env.get(PASSWORD_ENV);
        }
        return new ReplayOptions(broker.password(pw).build(), publish.build(), csv.build(),
                quiet ? ReplayListener.NONE : new StderrListener(err, progressSeconds));
    }

    /** Prints events and periodic progress to stderr; thread-safe. */
    static final class StderrListener implements ReplayListener {
        private static final int MAX_SKIP_LINES = 10;
        private final PrintStream err;
        private final long intervalNanos;
        private final AtomicLong nextProgress = new AtomicLong(System.nanoTime());
        private final AtomicLong skipsShown = new AtomicLong();
        private final AtomicLong noticesShown = new AtomicLong();
        private final AtomicLong acked = new AtomicLong();

        StderrListener(PrintStream err, long progressSeconds) {
            this.err = err;
            this.intervalNanos = progressSeconds <= 0 ? -1 : progressSeconds * 1_000_000_000L;
            this.nextProgress.set(System.nanoTime() + Math.max(0, intervalNanos));
        }

        @Override
        public void onConnected(boolean reconnect, String serverUri) {
            err.println("edge-agent: " + (reconnect ? "reconnected to " : "connected to ") + serverUri);
        }

        @Override
        public void onConnectionLost(String reason) {
            err.println("edge-agent: connection lost (" + reason + "); queueing until reconnected");
        }

        @Override
        public void onRowSkipped(long line, String reason, String detail) {
            long n = skipsShown.incrementAndGet();
            if (n <= MAX_SKIP_LINES) {
                err.println("edge-agent: skipped line " + line + " (" + reason + "): " + detail);
            } else if (n == MAX_SKIP_LINES + 1) {
                err.println("edge-agent: more skipped rows; see the summary");
            }
        }

        @Override
        public void onRejectionNotice(String notice) {
            long n = noticesShown.incrementAndGet();
            if (n <= MAX_SKIP_LINES) {
                err.println("edge-agent: ingest refused data: " + notice);
            } else if (n == MAX_SKIP_LINES + 1) {
                err.println("edge-agent: more rejection notices; see the summary and GET /api/v1/tenants/{id}/rejections");
            }
        }

        @Override
        public void onPublished(long firstSeq, int rows, long messagesPublished) {
            if (intervalNanos < 0) {
                return;
            }
            long now = System.nanoTime();
            long due = nextProgress.get();
            if (now - due >= 0 && nextProgress.compareAndSet(due, now + intervalNanos)) {
                err.println("edge-agent: seq " + (firstSeq + rows - 1) + ", " + messagesPublished + " messages published, "
                        + acked.get() + " acknowledged");
            }
        }

        @Override
        public void onAcknowledged(long firstSeq, long messagesAcknowledged) {
            acked.accumulateAndGet(messagesAcknowledged, Math::max);
        }

        @Override
        public void onDeliveryFailed(long firstSeq, String reason) {
            err.println("edge-agent: message with seq " + firstSeq + " refused: " + reason);
        }

        @Override
        public void onNotDelivered(long firstSeq, int reasonCode, String detail) {
            err.println("edge-agent: message with seq " + firstSeq + ": " + detail);
        }
    }
}
