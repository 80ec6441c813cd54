package io.tenantry.edge;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link ReliablePublisher} delivers: the topic, the store-and-forward queue (memory or a spool directory),
 * how much may wait, and the resend window of the delivery guarantee (docs/telemetry.md, section 8.1). Messages are
 * always sent with QoS 1: the guarantee rests on the broker's PUBACK. Build it with {@link #builder()}; {@code null}
 * (or 0) components get the documented defaults. The builder's fields are also the command-line options.
 *
 * @param topic        the device's topic, {@code plc/<tenant_slug>/<plc_id>}; required, no wildcards. One per
 *                     publisher: a device login may publish on exactly its own topic (docs/telemetry.md §1), and the
 *                     spool records hold no topic. CLI {@code -t/--topic}
 * @param spoolDir     store-and-forward directory: every message is written to {@code <spoolDir>/<clientId>} before
 *                     it is sent and deleted once acknowledged; what an earlier run left there is sent first.
 *                     {@code null} (default): the queue is in memory only. CLI {@code --spool-dir}
 * @param maxInflight  most messages sent but not yet acknowledged; default 100, 1..65535. CLI {@code --max-inflight}
 * @param bufferSize   most messages queued but not yet acknowledged (in memory, and in the spool directory if any);
 *                     when full, {@link ReliablePublisher#publish} waits (nothing is dropped); also bounds the
 *                     resend window; default 100,000. CLI {@code --buffer-size}
 * @param ackTimeout   how long {@link ReliablePublisher#flush()} waits for outstanding acknowledgements; default
 *                     60 s. CLI {@code --ack-timeout} (seconds)
 * @param resendWindow after a connection loss, messages the broker acknowledged within this time before the loss are
 *                     sent again (duplicates, which ingest absorbs when every message has {@code ts}): a broker killed
 *                     ({@code kill -9}, power loss) loses what it acknowledged after its last autosave (Mosquitto's
 *                     {@code autosave_interval}, 1–2 s on our stack). Kept in memory, at most {@code bufferSize}
 *                     messages; default 10 s; {@link Duration#ZERO} turns it off. CLI {@code --resend-window}
 *                     (seconds)
 * @param noticeWait   after the last acknowledgement, how long to keep listening for rejection notices from ingest
 *                     on {@code <topic>/cmd/rejections} (issue 16); default 0 (builder), 2 s on the command line.
 *                     CLI {@code --notice-wait} (seconds)
 */
public record PublishOptions(
        String topic,
        Path spoolDir,
        int maxInflight,
        int bufferSize,
        Duration ackTimeout,
        Duration resendWindow,
        Duration noticeWait) {

    public static final int DEFAULT_MAX_INFLIGHT = 100;
    public static final int DEFAULT_BUFFER_SIZE = 100_000;
    public static final long DEFAULT_ACK_TIMEOUT_S = 60;
    public static final long DEFAULT_RESEND_WINDOW_S = 10;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(DEFAULT_ACK_TIMEOUT_S);
    public static final Duration DEFAULT_RESEND_WINDOW = Duration.ofSeconds(DEFAULT_RESEND_WINDOW_S);

    /**
     * Applies defaults and validates.
     *
     * @throws IllegalArgumentException naming the first invalid component
     */
    public PublishOptions {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required");
        }
        if (topic.contains("+") || topic.contains("#")) {
            throw new IllegalArgumentException("topic must not contain wildcards: " + topic);
        }
        maxInflight = maxInflight == 0 ? DEFAULT_MAX_INFLIGHT : maxInflight;
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be 1..65535, got " + maxInflight);
        }
        bufferSize = bufferSize == 0 ? DEFAULT_BUFFER_SIZE : bufferSize;
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, got " + bufferSize);
        }
        ackTimeout = Options.positive("ackTimeout", ackTimeout, DEFAULT_ACK_TIMEOUT);
        resendWindow = resendWindow == null ? DEFAULT_RESEND_WINDOW : resendWindow;
        if (resendWindow.isNegative()) {
            throw new IllegalArgumentException("resendWindow must be >= 0, got " + resendWindow);
        }
        noticeWait = noticeWait == null ? Duration.ZERO : noticeWait;
        if (noticeWait.isNegative()) {
            throw new IllegalArgumentException("noticeWait must be >= 0, got " + noticeWait);
        }
    }

    /** The same options without a notice wait (kept for callers of the six-component form). */
    public PublishOptions(String topic, Path spoolDir, int maxInflight, int bufferSize, Duration ackTimeout,
                          Duration resendWindow) {
        this(topic, spoolDir, maxInflight, bufferSize, ackTimeout, resendWindow, Duration.ZERO);
    }

    /** Where ingest sends this device's rejection notices: {@code <topic>/cmd/rejections}. */
    public String noticeTopic() {
        return topic + "/cmd/rejections";
    }

    /** A builder with every component at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder (and command-line mixin) for {@link PublishOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic, plc/<tenant_slug>/<plc_id>.")
        private String topic;
        @Option(names = "--spool-dir", paramLabel = "DIR", description = "Store-and-forward directory: messages are spooled to "
                + "DIR/<client-id> until acknowledged; leftovers of an earlier run are sent first (default: queue in memory only).")
        private Path spoolDir;
        @Option(names = "--max-inflight", paramLabel = "N", converter = Options.PositiveInt.class,
                description = "Most messages sent but not yet acknowledged (default: " + DEFAULT_MAX_INFLIGHT + ").")
        private int maxInflight;
        @Option(names = "--buffer-size", paramLabel = "N", converter = Options.PositiveInt.class, description = "Most messages queued unacknowledged (e.g. while "
                + "the broker is down); reading waits when full (default: " + DEFAULT_BUFFER_SIZE + ").")
        private int bufferSize;
        @Option(names = "--ack-timeout", paramLabel = "SECONDS", converter = Options.Seconds.class,
                description = "Wait at the end for acknowledgements (default: " + DEFAULT_ACK_TIMEOUT_S + ").")
        private Duration ackTimeout;
        @Option(names = "--resend-window", paramLabel = "SECONDS", converter = Options.Seconds.class,
                description = "After a connection loss, send again what the broker acknowledged this many seconds before it "
                        + "(a killed broker loses what it acknowledged since its last autosave); 0 = off (default: "
                        + DEFAULT_RESEND_WINDOW_S + ").")
        private Duration resendWindow;
        @Option(names = "--notice-wait", paramLabel = "SECONDS", converter = Options.Seconds.class, defaultValue = "2",
                description = "After the last acknowledgement, keep listening this long for rejection notices from ingest "
                        + "(<topic>/cmd/rejections); 0 = do not wait (default: ${DEFAULT-VALUE}).")
        private Duration noticeWait;

        Builder() {
        }

        public Builder topic(String v) { topic = v; return this; }
        public Builder spoolDir(Path v) { spoolDir = v; return this; }
        public Builder maxInflight(int v) { maxInflight = v; return this; }
        public Builder bufferSize(int v) { bufferSize = v; return this; }
        public Builder ackTimeout(Duration v) { ackTimeout = v; return this; }
        public Builder resendWindow(Duration v) { resendWindow = v; return this; }
        public Builder noticeWait(Duration v) { noticeWait = v; return this; }

        /** @throws IllegalArgumentException when a component is invalid (see {@link PublishOptions}) */
        public PublishOptions build() {
            return new PublishOptions(topic, spoolDir, maxInflight, bufferSize, ackTimeout, resendWindow, noticeWait);
        }
    }
}
