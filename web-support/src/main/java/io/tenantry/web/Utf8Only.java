package io.tenantry.web;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies are UTF-8 JSON (RFC 8259 §8.1). A request whose {@code Content-Type} declares another
 * {@code charset} (e.g. {@code application/json; charset=utf-16}) is refused with 415 and a problem
 * ({@code api:request.charset}) instead of being decoded as UTF-8 into garbage. {@code US-ASCII} is accepted (a
 * subset of UTF-8); no charset means UTF-8. Runs after authentication (the security chain is ordered first).
 */
@Order(0)
public class Utf8Only implements WebFilter {
    private final ProblemWriter problems;

    public Utf8Only(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String declared;
        try {
            MediaType type = exchange.getRequest().getHeaders().getContentType();
            declared = type == null ? null : type.getParameter("charset");
        } catch (RuntimeException e) { // InvalidMediaTypeException: left to the codecs (415/400 there)
            return chain.filter(exchange);
        }
        if (declared == null || isUtf8(declared)) {
            return chain.filter(exchange);
        }
        return problems.write(exchange, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "api:request.charset",
                "request bodies must be UTF-8; charset '" + declared.replaceAll("[^\\x20-\\x7e]", "?") + "' is not supported");
    }

    private static boolean isUtf8(String charset) {
        String c = charset.trim().replace("\"", "");
        try {
            Charset cs = Charset.forName(c);
            return cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
