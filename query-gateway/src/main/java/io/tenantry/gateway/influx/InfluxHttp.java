package io.tenantry.gateway.influx;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The gateway's one way to InfluxDB: {@code POST /query} with a form body of exactly {@code q}, {@code db} and
 * (when given) {@code epoch}, as the read-only service user (HTTP Basic). Nothing of the caller's request is
 * forwarded besides those re-built values.
 */
public final class InfluxHttp {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI queryUri;
    private final String authorization;

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
        this.queryUri = URI.create(baseUrl.replaceAll("/+$", "") + "/query");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param q       the rendered statement
     * @param db      the physical database
     * @param epoch   validated epoch precision, or null
     * @param timeout how long to wait for the answer
     * @throws Unavailable on timeout or I/O failure
     */
    public Answer query(String q, String db, String epoch, Duration timeout) {
        StringBuilder form = new StringBuilder("q=").append(enc(q)).append("&db=").append(enc(db));
        if (epoch != null) {
            form.append("&epoch=").append(enc(epoch));
        }
        HttpRequest req = HttpRequest.newBuilder(queryUri).timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body());
        } catch (HttpTimeoutException e) {
            throw new Unavailable("timeout", true);
        } catch (IOException e) {
            throw new Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", false);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
