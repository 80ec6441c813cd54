package io.tenantry.gateway.influx;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's one way to InfluxDB: {@code POST /query} with a form body of exactly {@code q}, {@code db} and
 * (when given) {@code epoch}, as the read-only service user (HTTP Basic). Nothing of the caller's request is
 * forwarded besides those re-built values.
 * <p>
 * Issue 15: Reactor Netty's client (non-blocking, on the event loops the gateway's server uses) over a pool of
 * keep-alive connections ({@value #MAX_CONNECTIONS} at most, idle ones closed after 30 s), so a query never leaves
 * the event loop ({@link #send}); the JDK client it replaces handed every request and answer between its selector
 * thread, an executor and the waiting thread. The answer's body is copied to the heap chunk by chunk as it arrives
 * (Netty's direct buffers are released at once, so a large answer does not count against the direct-memory limit).
 */
public final class InfluxHttp {
    /** Most connections open to InfluxDB at once; more concurrent queries wait for one (and time out like any). */
    public static final int MAX_CONNECTIONS = 64;

    private final HttpClient http;
    private final String path;

    /** InfluxDB's answer: status and body as sent (UTF-8 bytes). */
    public record Answer(int status, byte[] bytes) {
        /** The body as text. */
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** InfluxDB did not answer in time, or could not be reached. */
    public static final class Unavailable extends RuntimeException {
        private final boolean timeout;

        Unavailable(String message, boolean timeout) {
            super(message);
            this.timeout = timeout;
        }

        public boolean timeout() {
            return timeout;
        }
    }

    public InfluxHttp(String baseUrl, String user, String password) {
        URI base = URI.create(baseUrl.replaceAll("/+$", ""));
        this.path = (base.getRawPath() == null ? "" : base.getRawPath()) + "/query";
        String authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        String origin = base.getScheme() + "://" + base.getRawAuthority();
        ConnectionProvider pool = ConnectionProvider.builder("gateway-influx").maxConnections(MAX_CONNECTIONS)
                .pendingAcquireMaxCount(-1).maxIdleTime(Duration.ofSeconds(30)).build();
        this.http = HttpClient.create(pool).baseUrl(origin)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, authorization)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded"));
    }

    /**
     * The query, without blocking: the answer is emitted on the connection's event loop.
     *
     * @param q       the rendered statement
     * @param db      the physical database
     * @param epoch   validated epoch precision, or null
     * @param timeout how long to wait for the whole answer
     * @return the answer; fails with {@link Unavailable} on timeout or I/O failure
     */
    public Mono<Answer> send(String q, String db, String epoch, Duration timeout) {
        StringBuilder form = new StringBuilder("q=").append(enc(q)).append("&db=").append(enc(db));
        if (epoch != null) {
            form.append("&epoch=").append(enc(epoch));
        }
        byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
        return http.post().uri(path).send((request, out) -> out.sendByteArray(Mono.just(body)))
                .response((res, content) -> content.asByteArray()
                        .collect(() -> new ByteArrayOutputStream(8192), ByteArrayOutputStream::writeBytes)
                        .map(out -> new Answer(res.status().code(), out.toByteArray())))
                .next()
                .switchIfEmpty(Mono.error(() -> new Unavailable("no answer", false)))
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof Unavailable), e -> e instanceof TimeoutException
                        ? new Unavailable("timeout", true)
                        : new Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage(), false));
    }

    /**
     * {@link #send}, waiting for the answer: only off the event loop (the catalog, which the rewriter calls
     * synchronously, runs on the bounded elastic scheduler).
     *
     * @throws Unavailable on timeout or I/O failure
     */
    public Answer query(String q, String db, String epoch, Duration timeout) {
        return send(q, db, epoch, timeout).block();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
