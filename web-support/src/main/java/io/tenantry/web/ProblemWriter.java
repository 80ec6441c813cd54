package io.tenantry.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * Writes an RFC 9457 problem ({@code application/problem+json}, same shape as {@link ProblemDetailsHandler}) straight
 * to the response, for the places that run before or outside the controllers: the security filter chain (401, 403)
 * and request filters (415).
 */
public class ProblemWriter {
    private final JsonMapper json;

    /** @param json Spring Boot's mapper (it knows how to flatten {@link ProblemDetail} properties) */
    public ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    /**
     * Sets the status and writes the problem; headers set on the response before (e.g. {@code WWW-Authenticate})
     * are kept.
     *
     * @param code the stable {@code errorCode}, e.g. {@code api:auth.unauthenticated}
     */
    public Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetailsHandler.problem(status, code, detail, List.of(), exchange).getBody();
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsBytes(p);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
