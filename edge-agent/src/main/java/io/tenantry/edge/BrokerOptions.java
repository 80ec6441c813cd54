package io.tenantry.edge;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Where and as whom a device connects: the broker, TLS trust, login, client id and reconnect pacing. Build it with
 * {@link #builder()}; {@code null} (or 0) components get the documented defaults and the compact constructor
 * validates the rest. The builder's fields are also the command-line options ({@link EdgeAgent} mixes the builder
 * in), so each option is declared once.
 *
 * @param brokerUrl         {@code ssl://host:port} (TLS, hostname verified) or {@code tcp://host:port} (also
 *                          {@code ws://}, {@code wss://}); required. CLI {@code -b/--broker}
 * @param username          MQTT username, {@code t_<tenant_slug>.<plc_id>} for a device (docs/telemetry.md §1);
 *                          {@code null} for an anonymous connection. CLI {@code -u/--username}
 * @param password          MQTT password; {@code null} for none; never printed by {@link #toString()}. CLI
 *                          {@code -P/--password}, {@code --password-file} or {@code $EDGE_PASSWORD}
 *                          (read by {@link EdgeAgent})
 * @param caFile            PEM file with the CA certificate(s) to trust; {@code null} = the JVM's trust store. Only
 *                          with {@code ssl://} or {@code wss://}. CLI {@code --ca-file}
 * @param clientId          MQTT client id; default {@code username}. Also names the spool sub-directory, so two
 *                          concurrent publishers need different client ids. CLI {@code --client-id}
 * @param connectTimeout    how long to keep trying the first connection; default 30 s. CLI {@code --connect-timeout}
 *                          (seconds)
 * @param maxReconnectDelay longest pause between automatic reconnect attempts (they start at 1 s and double);
 *                          default 10 s, at least 1 s. CLI {@code --max-reconnect-delay} (seconds)
 */
public record BrokerOptions(
        String brokerUrl,
        String username,
        String password,
        Path caFile,
        String clientId,
        Duration connectTimeout,
        Duration maxReconnectDelay) {

    public static final long DEFAULT_CONNECT_TIMEOUT_S = 30;
    public static final long DEFAULT_MAX_RECONNECT_DELAY_S = 10;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_S);
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(DEFAULT_MAX_RECONNECT_DELAY_S);

    /**
     * Applies defaults and validates.
     *
     * @throws IllegalArgumentException naming the first invalid component
     */
    public BrokerOptions {
        if (brokerUrl == null || brokerUrl.isBlank()) {
            throw new IllegalArgumentException("brokerUrl is required");
        }
        String scheme = brokerUrl.contains("://") ? brokerUrl.substring(0, brokerUrl.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!List.of("tcp", "ssl", "ws", "wss").contains(scheme)) {
            throw new IllegalArgumentException("brokerUrl must start with ssl://, tcp://, ws:// or wss://: " + brokerUrl);
        }
        if (caFile != null && !(scheme.equals("ssl") || scheme.equals("wss"))) {
            throw new IllegalArgumentException("a CA file needs a TLS broker URL (ssl:// or wss://), got " + brokerUrl);
        }
        if (clientId == null || clientId.isBlank()) {
            clientId = username;
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required when there is no username");
        }
        connectTimeout = Options.positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        maxReconnectDelay = Options.positive("maxReconnectDelay", maxReconnectDelay, DEFAULT_MAX_RECONNECT_DELAY);
        if (maxReconnectDelay.toSeconds() < 1) {
            throw new IllegalArgumentException("maxReconnectDelay must be at least 1 s, got " + maxReconnectDelay);
        }
    }

    /** True when the broker URL is TLS ({@code ssl://} or {@code wss://}). */
    public boolean tls() {
        String u = brokerUrl.toLowerCase(Locale.ROOT);
        return u.startsWith("ssl://") || u.startsWith("wss://");
    }

    @Override
    public String toString() {
        return "BrokerOptions[brokerUrl=" + brokerUrl + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + ", caFile=" + caFile + ", clientId=" + clientId
                + ", connectTimeout=" + connectTimeout + ", maxReconnectDelay=" + maxReconnectDelay + "]";
    }

    /** A builder with every component at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder (and command-line mixin) for {@link BrokerOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        @Option(names = {"-b", "--broker"}, required = true, paramLabel = "URL",
                description = "Broker URL: ssl://host:port (TLS, hostname verified) or tcp://host:port.")
        private String brokerUrl;
        @Option(names = {"-u", "--username"}, paramLabel = "NAME", description = "MQTT username.")
        private String username;
        private String password;
        @Option(names = "--ca-file", paramLabel = "PEM", description = "CA certificate(s) to trust for TLS (PEM).")
        private Path caFile;
        @Option(names = "--client-id", paramLabel = "ID", description = "MQTT client id (default: the username).")
        private String clientId;
        @Option(names = "--connect-timeout", paramLabel = "SECONDS", converter = Options.Seconds.class,
                description = "Keep trying the first connection this long (default: " + DEFAULT_CONNECT_TIMEOUT_S + ").")
        private Duration connectTimeout;
        @Option(names = "--max-reconnect-delay", paramLabel = "SECONDS", converter = Options.Seconds.class,
                description = "Longest pause between reconnect attempts (default: " + DEFAULT_MAX_RECONNECT_DELAY_S + ").")
        private Duration maxReconnectDelay;

        Builder() {
        }

        public Builder brokerUrl(String v) { brokerUrl = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder password(String v) { password = v; return this; }
        public Builder caFile(Path v) { caFile = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder maxReconnectDelay(Duration v) { maxReconnectDelay = v; return this; }

        /** @throws IllegalArgumentException when a component is invalid (see {@link BrokerOptions}) */
        public BrokerOptions build() {
            return new BrokerOptions(brokerUrl, username, password, caFile, clientId, connectTimeout, maxReconnectDelay);
        }
    }
}
