package io.tenantry.edge;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Everything one CSV replay needs. Build it with {@link #builder()}; {@code null} components get the documented
 * defaults, and the compact constructor validates the rest.
 *
 * @param brokerUrl            broker URL: {@code ssl://host:port} (TLS, hostname verified) or {@code tcp://host:port}
 *                             (also {@code ws://}, {@code wss://}); required
 * @param username             MQTT username; {@code null} for an anonymous connection
 * @param password             MQTT password; {@code null} for none. Never printed by {@link #toString()}
 * @param caFile               PEM file with the CA certificate(s) to trust for TLS; {@code null} uses the JVM's
 *                             default trust store. Only allowed with {@code ssl://} or {@code wss://}
 * @param topic                topic to publish to, {@code plc/<tenant_slug>/<plc_id>}; required, no wildcards
 * @param clientId             MQTT client id; default {@code username}. Also names the spool sub-directory
 *                             ({@code <spoolDir>/<clientId>}), so two concurrent replays need different client ids
 * @param csv                  the CSV file (UTF-8, header line first); required
 * @param separator            cell separator; default {@code ","}
 * @param timestampColumn      header name of the timestamp column; {@code null} = the first column
 * @param timestampFormat      {@code iso}, {@code epoch-ms}, {@code epoch-s} or a DateTimeFormatter pattern (see
 *                             {@link TimestampParser}); default {@code iso}
 * @param zone                 zone for timestamps without offset; default UTC
 * @param fields               columns to send; empty (default) = all except the timestamp column and {@code exclude}
 * @param exclude              columns never sent (e.g. {@code anomaly}, {@code changepoint}); default none
 * @param speed                pacing; default {@link Speed#REAL}
 * @param rebaseToNow          shift every timestamp by the same amount so the first row is "now" (spacing kept)
 * @param batchSize            rows per MQTT message; 1 (default) = single-object payload, &gt; 1 = JSON array
 * @param maxMessageBytes      largest payload; a batch that encodes larger is split into consecutive messages;
 *                             default 262,144 (ingest's limit)
 * @param seqStart             {@code seq} of the first row; default 1 (builder), at least 0. Ingest expects a
 *                             device's seq to keep increasing across its restarts when it de-duplicates by seq
 *                             (only for messages without {@code ts}); pass e.g. the last run's seq + 1
 * @param spoolDir             store-and-forward directory: every message is written to {@code <spoolDir>/<clientId>}
 *                             before it is sent and deleted once acknowledged; what an earlier run left there is
 *                             sent first. {@code null} (default): the queue is in memory only
 * @param maxInflight          most messages sent but not yet acknowledged; default 100, 1..65535
 * @param bufferSize           most messages queued but not yet acknowledged (in memory, and in the spool
 *                             directory if any); when full, reading waits for the broker (nothing is dropped);
 *                             default 100,000
 * @param ackTimeout           how long to wait at the end for outstanding acknowledgements; default 60 s
 * @param connectTimeout       how long to keep trying the first connection; default 30 s
 * @param maxReconnectDelay    longest pause between automatic reconnect attempts (they start at 1 s and
 *                             double); default 10 s, at least 1 s
 * @param timestampOutput      how {@code ts} is written; default {@link TimestampOutput#RFC3339}
 * @param limit                stop after this many valid rows; 0 (default) = all
 * @param listener             progress callback; default {@link ReplayListener#NONE}
 * @param resendWindow         after a connection loss, messages the broker acknowledged within this time before
 *                             the loss are sent again (duplicates, which ingest absorbs: every message has
 *                             {@code ts}): a broker killed ({@code kill -9}, power loss) loses what it acknowledged
 *                             after its last autosave (Mosquitto's {@code autosave_interval}, 2 s on our stack; see
 *                             docs/telemetry.md, section 8). Kept in memory, at most {@code bufferSize} messages;
 *                             default 10 s ({@link #DEFAULT_RESEND_WINDOW}); {@link Duration#ZERO} turns it off
 */
public record ReplayOptions(
        String brokerUrl,
        String username,
        String password,
        Path caFile,
        String topic,
        String clientId,
        Path csv,
        String separator,
        String timestampColumn,
        String timestampFormat,
        ZoneId zone,
        List<String> fields,
        List<String> exclude,
        Speed speed,
        boolean rebaseToNow,
        int batchSize,
        int maxMessageBytes,
        long seqStart,
        Path spoolDir,
        int maxInflight,
        int bufferSize,
        Duration ackTimeout,
        Duration connectTimeout,
        Duration maxReconnectDelay,
        TimestampOutput timestampOutput,
        long limit,
        ReplayListener listener,
        Duration resendWindow) {

    public static final int DEFAULT_MAX_INFLIGHT = 100;
    public static final int DEFAULT_BUFFER_SIZE = 100_000;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RESEND_WINDOW = Duration.ofSeconds(10);

    /**
     * Applies defaults and validates.
     *
     * @throws IllegalArgumentException naming the first invalid component
     */
    public ReplayOptions {
        brokerUrl = required("brokerUrl", brokerUrl);
        String scheme = brokerUrl.contains("://") ? brokerUrl.substring(0, brokerUrl.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!List.of("tcp", "ssl", "ws", "wss").contains(scheme)) {
            throw new IllegalArgumentException("brokerUrl must start with ssl://, tcp://, ws:// or wss://: " + brokerUrl);
        }
        boolean tls = scheme.equals("ssl") || scheme.equals("wss");
        if (caFile != null && !tls) {
            throw new IllegalArgumentException("a CA file needs a TLS broker URL (ssl:// or wss://), got " + brokerUrl);
        }
        topic = required("topic", topic);
        if (topic.contains("+") || topic.contains("#")) {
            throw new IllegalArgumentException("topic must not contain wildcards: " + topic);
        }
        if (clientId == null || clientId.isBlank()) {
            clientId = username;
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required when there is no username");
        }
        if (csv == null) {
            throw new IllegalArgumentException("csv is required");
        }
        separator = separator == null || separator.isEmpty() ? "," : separator;
        timestampColumn = timestampColumn == null || timestampColumn.isEmpty() ? null : timestampColumn;
        timestampFormat = timestampFormat == null || timestampFormat.isBlank() ? "iso" : timestampFormat;
        zone = zone == null ? ZoneOffset.UTC : zone;
        TimestampParser.of(timestampFormat, zone); // validates the pattern
        fields = fields == null ? List.of() : List.copyOf(fields);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        speed = speed == null ? Speed.REAL : speed;
        if (batchSize == 0) {
            batchSize = 1;
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (maxMessageBytes == 0) {
            maxMessageBytes = TelemetryPayloads.DEFAULT_MAX_MESSAGE_BYTES;
        }
        if (maxMessageBytes < 256) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 256, got " + maxMessageBytes);
        }
        if (seqStart < 0) {
            throw new IllegalArgumentException("seqStart must be >= 0, got " + seqStart);
        }
        if (maxInflight == 0) {
            maxInflight = DEFAULT_MAX_INFLIGHT;
        }
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be 1..65535, got " + maxInflight);
        }
        if (bufferSize == 0) {
            bufferSize = DEFAULT_BUFFER_SIZE;
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, got " + bufferSize);
        }
        ackTimeout = positive("ackTimeout", ackTimeout, DEFAULT_ACK_TIMEOUT);
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        maxReconnectDelay = positive("maxReconnectDelay", maxReconnectDelay, DEFAULT_MAX_RECONNECT_DELAY);
        if (maxReconnectDelay.toSeconds() < 1) {
            throw new IllegalArgumentException("maxReconnectDelay must be at least 1 s, got " + maxReconnectDelay);
        }
        timestampOutput = timestampOutput == null ? TimestampOutput.RFC3339 : timestampOutput;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        listener = listener == null ? ReplayListener.NONE : listener;
        resendWindow = resendWindow == null ? DEFAULT_RESEND_WINDOW : resendWindow;
        if (resendWindow.isNegative()) {
            throw new IllegalArgumentException("resendWindow must be >= 0, got " + resendWindow);
        }
    }

    private static String required(String name, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    private static Duration positive(String name, Duration d, Duration dflt) {
        if (d == null) {
            return dflt;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /** True when the broker URL is TLS ({@code ssl://} or {@code wss://}). */
    public boolean tls() {
        String u = brokerUrl.toLowerCase(Locale.ROOT);
        return u.startsWith("ssl://") || u.startsWith("wss://");
    }

    /** The timestamp parser these options describe. */
    public TimestampParser timestampParser() {
        return TimestampParser.of(timestampFormat, zone);
    }

    /** A builder with every component at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with these options (e.g. to replay the same file as another device). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.brokerUrl = brokerUrl;
        b.username = username;
        b.password = password;
        b.caFile = caFile;
        b.topic = topic;
        b.clientId = clientId;
        b.csv = csv;
        b.separator = separator;
        b.timestampColumn = timestampColumn;
        b.timestampFormat = timestampFormat;
        b.zone = zone;
        b.fields = fields;
        b.exclude = exclude;
        b.speed = speed;
        b.rebaseToNow = rebaseToNow;
        b.batchSize = batchSize;
        b.maxMessageBytes = maxMessageBytes;
        b.seqStart = seqStart;
        b.spoolDir = spoolDir;
        b.maxInflight = maxInflight;
        b.bufferSize = bufferSize;
        b.ackTimeout = ackTimeout;
        b.connectTimeout = connectTimeout;
        b.maxReconnectDelay = maxReconnectDelay;
        b.timestampOutput = timestampOutput;
        b.limit = limit;
        b.listener = listener;
        b.resendWindow = resendWindow;
        return b;
    }

    @Override
    public String toString() {
        return "ReplayOptions[brokerUrl=" + brokerUrl + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + ", caFile=" + caFile + ", topic=" + topic + ", clientId=" + clientId
                + ", csv=" + csv + ", separator=" + separator + ", timestampColumn=" + timestampColumn
                + ", timestampFormat=" + timestampFormat + ", zone=" + zone + ", fields=" + fields + ", exclude=" + exclude
                + ", speed=" + speed + ", rebaseToNow=" + rebaseToNow + ", batchSize=" + batchSize
                + ", maxMessageBytes=" + maxMessageBytes + ", seqStart=" + seqStart + ", spoolDir=" + spoolDir
                + ", maxInflight=" + maxInflight + ", bufferSize=" + bufferSize + ", ackTimeout=" + ackTimeout
                + ", connectTimeout=" + connectTimeout + ", maxReconnectDelay=" + maxReconnectDelay
                + ", timestampOutput=" + timestampOutput + ", limit=" + limit + ", resendWindow=" + resendWindow + "]";
    }

    /** Mutable builder for {@link ReplayOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String brokerUrl;
        private String username;
        private String password;
        private Path caFile;
        private String topic;
        private String clientId;
        private Path csv;
        private String separator;
        private String timestampColumn;
        private String timestampFormat;
        private ZoneId zone;
        private List<String> fields;
        private List<String> exclude;
        private Speed speed;
        private boolean rebaseToNow;
        private int batchSize;
        private int maxMessageBytes;
        private long seqStart = 1;
        private Path spoolDir;
        private int maxInflight;
        private int bufferSize;
        private Duration ackTimeout;
        private Duration connectTimeout;
        private Duration maxReconnectDelay;
        private TimestampOutput timestampOutput;
        private long limit;
        private ReplayListener listener;
        private Duration resendWindow;

        private Builder() {
        }

        public Builder brokerUrl(String v) { this.brokerUrl = v; return this; }
        public Builder username(String v) { this.username = v; return this; }
        public Builder password(String v) { this.password = v; return this; }
        public Builder caFile(Path v) { this.caFile = v; return this; }
        public Builder topic(String v) { this.topic = v; return this; }
        public Builder clientId(String v) { this.clientId = v; return this; }
        public Builder csv(Path v) { this.csv = v; return this; }
        public Builder separator(String v) { this.separator = v; return this; }
        public Builder timestampColumn(String v) { this.timestampColumn = v; return this; }
        public Builder timestampFormat(String v) { this.timestampFormat = v; return this; }
        public Builder zone(ZoneId v) { this.zone = v; return this; }
        public Builder fields(List<String> v) { this.fields = v; return this; }
        public Builder exclude(List<String> v) { this.exclude = v; return this; }
        public Builder speed(Speed v) { this.speed = v; return this; }
        public Builder rebaseToNow(boolean v) { this.rebaseToNow = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder maxMessageBytes(int v) { this.maxMessageBytes = v; return this; }
        public Builder seqStart(long v) { this.seqStart = v; return this; }
        public Builder spoolDir(Path v) { this.spoolDir = v; return this; }
        public Builder maxInflight(int v) { this.maxInflight = v; return this; }
        public Builder bufferSize(int v) { this.bufferSize = v; return this; }
        public Builder ackTimeout(Duration v) { this.ackTimeout = v; return this; }
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        public Builder maxReconnectDelay(Duration v) { this.maxReconnectDelay = v; return this; }
        public Builder timestampOutput(TimestampOutput v) { this.timestampOutput = v; return this; }
        public Builder limit(long v) { this.limit = v; return this; }
        public Builder listener(ReplayListener v) { this.listener = v; return this; }
        public Builder resendWindow(Duration v) { this.resendWindow = v; return this; }

        /**
         * @throws IllegalArgumentException when a component is invalid (see {@link ReplayOptions})
         */
        public ReplayOptions build() {
            return new ReplayOptions(brokerUrl, username, password, caFile, topic, clientId, csv, separator,
                    timestampColumn, timestampFormat, zone, fields, exclude, speed, rebaseToNow, batchSize, maxMessageBytes,
                    seqStart, spoolDir,
                    maxInflight, bufferSize, ackTimeout, connectTimeout, maxReconnectDelay, timestampOutput, limit,
                    listener, resendWindow);
        }
    }
}
