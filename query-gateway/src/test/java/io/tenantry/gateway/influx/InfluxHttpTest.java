package io.tenantry.gateway.influx;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link InfluxHttp} (Reactor Netty, issue 15) against real sockets: the request it sends, answers read whole,
 * and the two failures the gateway maps (unreachable → 503, no answer in time →
 * the plan's timeout).
 */
class InfluxHttpTest {
    @Test
    void sendsTheFormAndReadsTheAnswers() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            // serves every connection it is given, each for as many requests as the client sends on it: the pool
            // reuses a connection once the previous answer released it, which may come after the next request
            // has already opened another one (so "one connection" is not asserted)
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s, seen, requests));
                    } catch (Exception e) {
                        return; // closed
                    }
                }
            });
            InfluxHttp http = new InfluxHttp("http://127.0.0.1:" + server.getLocalPort() + "/", "reader", "s3cret");
            InfluxHttp.Answer first = http.query("SELECT 1", "processo", null, Duration.ofSeconds(5));
            InfluxHttp.Answer second = http.query("SELECT \"a b\" FROM x", "processo_raw", "ms", Duration.ofSeconds(5));
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("\"n\":1");
            assertThat(second.body()).contains("\"n\":2");
            String last = seen.get();
            assertThat(last).startsWith("POST /query HTTP/1.1");
            assertThat(last).containsIgnoringCase("authorization: Basic cmVhZGVyOnMzY3JldA==");
            assertThat(last).containsIgnoringCase("content-type: application/x-www-form-urlencoded");
            assertThat(last).endsWith("\nq=SELECT+%22a+b%22+FROM+x&db=processo_raw&epoch=ms");
        }
    }

    /** Answers each request on {@code s} with {@code {"results":[{"statement_id":0,"n":<request number>}]}}. */
    private static void serve(Socket s, AtomicReference<String> seen, java.util.concurrent.atomic.AtomicInteger requests) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head.isEmpty()) {
                    return; // the client closed the connection
                }
                int len = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                String body = new String(in.readNBytes(len), StandardCharsets.UTF_8);
                seen.set(head + "\n" + body);
                byte[] answer = ("{\"results\":[{\"statement_id\":0,\"n\":" + requests.incrementAndGet() + "}]}\n")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    @Test
    void unreachableAndSilentInfluxDb() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        InfluxHttp refused = new InfluxHttp("http://127.0.0.1:" + closed, "u", "p");
        assertThatThrownBy(() -> refused.query("SELECT 1", "processo", null, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(InfluxHttp.Unavailable.class, e -> assertThat(e.timeout()).isFalse());

        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes(); // reads, never answers
                } catch (Exception ignored) {
                    // the client gave up
                }
            });
            InfluxHttp http = new InfluxHttp("http://127.0.0.1:" + silent.getLocalPort(), "u", "p");
            assertThatThrownBy(() -> http.query("SELECT 1", "processo", null, Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(InfluxHttp.Unavailable.class, e -> assertThat(e.timeout()).isTrue());
        }
    }

    static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString().trim();
    }
}
