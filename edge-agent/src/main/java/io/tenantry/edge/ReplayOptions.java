package io.tenantry.edge;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Everything one CSV replay needs, in three groups: where to connect ({@link BrokerOptions}), how to deliver
 * ({@link PublishOptions}, the part a {@link ReliablePublisher} uses) and what to read ({@link CsvOptions}), plus a
 * progress listener. Each option is declared and documented once, in its group (record component, builder field
 * that is also the command-line option, builder setter).
 * <p>
 * Build it with {@link #builder()}: either through the group builders ({@link Builder#broker()},
 * {@link Builder#publish()}, {@link Builder#csvOptions()}) or through the flat shortcuts of {@link Builder}, which
 * only forward to them (kept so that existing callers, e.g. ingest's {@code BrokerRestartIT} and the demo job, need
 * no change).
 *
 * @param broker   broker, login, TLS trust, client id, reconnect pacing
 * @param publish  topic, spool, in-flight and buffer limits, ack timeout, resend window
 * @param csv      the file, its format, the columns, pacing, batching, seq
 * @param listener progress callback; default {@link ReplayListener#NONE}
 */
public record ReplayOptions(BrokerOptions broker, PublishOptions publish, CsvOptions csv, ReplayListener listener) {

    public static final int DEFAULT_MAX_INFLIGHT = PublishOptions.DEFAULT_MAX_INFLIGHT;
    public static final int DEFAULT_BUFFER_SIZE = PublishOptions.DEFAULT_BUFFER_SIZE;
    public static final Duration DEFAULT_ACK_TIMEOUT = PublishOptions.DEFAULT_ACK_TIMEOUT;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = BrokerOptions.DEFAULT_CONNECT_TIMEOUT;
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = BrokerOptions.DEFAULT_MAX_RECONNECT_DELAY;
    public static final Duration DEFAULT_RESEND_WINDOW = PublishOptions.DEFAULT_RESEND_WINDOW;

    /** @throws IllegalArgumentException when a group is missing */
    public ReplayOptions {
        if (broker == null || publish == null || csv == null) {
            throw new IllegalArgumentException("broker, publish and csv options are required");
        }
        listener = listener == null ? ReplayListener.NONE : listener;
    }

    /** A builder with every component at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder for {@link ReplayOptions}; {@link #build()} validates every group. Not thread-safe. */
    public static final class Builder {
        private final BrokerOptions.Builder broker = BrokerOptions.builder();
        private final PublishOptions.Builder publish = PublishOptions.builder();
        private final CsvOptions.Builder csv = CsvOptions.builder();
        private ReplayListener listener;

        private Builder() {
        }

        /** The broker group's builder (changes apply to this builder). */
        public BrokerOptions.Builder broker() { return broker; }
        /** The publish group's builder (changes apply to this builder). */
        public PublishOptions.Builder publish() { return publish; }
        /** The CSV group's builder (changes apply to this builder). */
        public CsvOptions.Builder csvOptions() { return csv; }

        public Builder listener(ReplayListener v) { listener = v; return this; }

        // Flat shortcuts: each forwards to its group's builder, where the option is documented.
        public Builder brokerUrl(String v) { broker.brokerUrl(v); return this; }
        public Builder username(String v) { broker.username(v); return this; }
        public Builder password(String v) { broker.password(v); return this; }
        public Builder caFile(Path v) { broker.caFile(v); return this; }
        public Builder clientId(String v) { broker.clientId(v); return this; }
        public Builder connectTimeout(Duration v) { broker.connectTimeout(v); return this; }
        public Builder maxReconnectDelay(Duration v) { broker.maxReconnectDelay(v); return this; }
        public Builder topic(String v) { publish.topic(v); return this; }
        public Builder spoolDir(Path v) { publish.spoolDir(v); return this; }
        public Builder maxInflight(int v) { publish.maxInflight(v); return this; }
        public Builder bufferSize(int v) { publish.bufferSize(v); return this; }
        public Builder ackTimeout(Duration v) { publish.ackTimeout(v); return this; }
        public Builder resendWindow(Duration v) { publish.resendWindow(v); return this; }
        public Builder csv(Path v) { csv.file(v); return this; }
        public Builder separator(String v) { csv.separator(v); return this; }
        public Builder timestampColumn(String v) { csv.timestampColumn(v); return this; }
        public Builder timestampFormat(String v) { csv.timestampFormat(v); return this; }
        public Builder zone(ZoneId v) { csv.zone(v); return this; }
        public Builder fields(List<String> v) { csv.fields(v); return this; }
        public Builder exclude(List<String> v) { csv.exclude(v); return this; }
        public Builder speed(Speed v) { csv.speed(v); return this; }
        public Builder rebaseToNow(boolean v) { csv.rebaseToNow(v); return this; }
        public Builder batchSize(int v) { csv.batchSize(v); return this; }
        public Builder maxMessageBytes(int v) { csv.maxMessageBytes(v); return this; }
        public Builder seqStart(long v) { csv.seqStart(v); return this; }
        public Builder timestampOutput(TimestampOutput v) { csv.timestampOutput(v); return this; }
        public Builder limit(long v) { csv.limit(v); return this; }

        /** @throws IllegalArgumentException when a component is invalid (see the group records) */
        public ReplayOptions build() {
            return new ReplayOptions(broker.build(), publish.build(), csv.build(), listener);
        }
    }
}
