package io.tenantry.web;

import org.springframework.web.server.ServerWebExchange;

import java.util.UUID;

/**
 * The request id of a call: the client's {@code X-Request-Id} (trimmed to 100 characters; ignored when it holds
 * control characters, see {@link TextRules}) or a new UUID.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";

    private RequestIds() {
    }

    public static String of(ServerWebExchange exchange) {
        String id = exchange.getRequest().getHeaders().getFirst(HEADER);
        if (id == null || id.isBlank() || !TextRules.isPrintable(id)) {
            id = exchange.getAttributeOrDefault(HEADER, null);
            if (id == null) {
                id = UUID.randomUUID().toString();
                exchange.getAttributes().put(HEADER, id);
            }
            return id;
        }
        return id.length() > 100 ? id.substring(0, 100) : id;
    }
}
