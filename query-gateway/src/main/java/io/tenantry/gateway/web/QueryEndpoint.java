package io.tenantry.gateway.web;

import io.tenantry.gateway.auth.Caller;
import io.tenantry.gateway.auth.CredentialStore;
import io.tenantry.gateway.rewrite.GatewayRefusal;
import io.tenantry.gateway.service.QueryGateway;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * InfluxDB 1.x's read API as Grafana's InfluxDB data source uses it (issue 13; {@code ../shared/fixtures/README.md}):
 * {@code GET|POST /query} and {@code GET|HEAD /ping}.
 * <p>
 * Request hygiene, stricter than InfluxDB 1.6.7 (which reads {@code q} from the body before the URL, accepts
 * multipart and binds {@code params}): only {@code q}, {@code db}, {@code rp}, {@code epoch} are accepted, each at
 * most once over URL and form body together; {@code params}, {@code chunked}, {@code chunk_size}, {@code async},
 * {@code u}, {@code p}, {@code pretty} and anything else, multipart and non-form bodies are refused with 400. The
 * caller authenticates with {@code Authorization: Basic} (what Grafana sends) or {@code Authorization: Token
 * user:secret} (InfluxDB 1.8+/2.x v1-compat style); 401 otherwise, with InfluxDB's messages. Answers carry
 * {@code X-Influxdb-Version}, {@code Request-Id}, {@code X-Influxdb-Error} on errors and
 * {@code X-Grafana-Meta-Add-Tenantry} with the statement as executed.
 */
@RestController
public class QueryEndpoint {
    /** The InfluxDB version the gateway presents (the one behind it). */
    public static final String VERSION = "1.6.7";
    private static final Set<String> ACCEPTED = Set.of("q", "db", "rp", "epoch");

    private final CredentialStore credentials;
    private final QueryGateway gateway;

    public QueryEndpoint(CredentialStore credentials, QueryGateway gateway) {
        this.credentials = credentials;
        this.gateway = gateway;
    }

    @RequestMapping(path = "/ping", method = {org.springframework.web.bind.annotation.RequestMethod.GET,
            org.springframework.web.bind.annotation.RequestMethod.HEAD})
    public Mono<Void> ping(ServerWebExchange ex) {
        ServerHttpResponse res = ex.getResponse();
        common(res);
        res.setStatusCode(HttpStatus.NO_CONTENT);
        return res.setComplete();
    }

    @RequestMapping(path = "/query")
    public Mono<Void> query(ServerWebExchange ex) {
        ServerHttpRequest req = ex.getRequest();
        HttpMethod m = req.getMethod();
        if (m != HttpMethod.GET && m != HttpMethod.POST) {
            return write(ex, new QueryGateway.Response(405, QueryGateway.topError("method not allowed"), null));
        }
        MediaType type = req.getHeaders().getContentType();
        if (type != null && (type.isCompatibleWith(MediaType.MULTIPART_FORM_DATA) || "multipart".equals(type.getType()))) {
            return refuse(ex, null, GatewayRefusal.request(400, "multipart", "multipart requests are refused by the"
                    + " query gateway", true));
        }
        Mono<MultiValueMap<String, String>> body;
        if (m == HttpMethod.POST && type != null && type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)) {
            body = ex.getFormData();
        } else {
            long len = req.getHeaders().getContentLength();
            body = req.getBody().map(b -> b.readableByteCount()).reduce(0, Integer::sum).flatMap(n -> n > 0 || len > 0
                    ? Mono.error(GatewayRefusal.request(400, "body", "a request body must be"
                    + " application/x-www-form-urlencoded", true))
                    : Mono.just(new LinkedMultiValueMap<>()));
        }
        return body.flatMap(form -> handle(ex, req.getQueryParams(), form))
                .onErrorResume(GatewayRefusal.class, e -> refuse(ex, null, e))
                .onErrorResume(DataBufferLimitException.class, e -> refuse(ex, null,
                        GatewayRefusal.request(413, "body_too_large", "request body too large", true)));
    }

    private Mono<Void> handle(ServerWebExchange ex, MultiValueMap<String, String> url, MultiValueMap<String, String> form) {
        Optional<Caller> caller;
        try {
            caller = authenticate(ex.getRequest().getHeaders());
        } catch (GatewayRefusal e) {
            return refuse(ex, null, e);
        }
        if (caller.isEmpty()) {
            return refuse(ex, null, GatewayRefusal.request(401, "auth", "authorization failed", false));
        }
        QueryGateway.Request request;
        try {
            request = canonical(url, form);
        } catch (GatewayRefusal e) {
            return refuse(ex, caller.get(), e);
        }
        Caller c = caller.get();
        // issue 15: on the event loop, InfluxDB asked without blocking (QueryGateway#handleAsync)
        return gateway.handleAsync(c, request).flatMap(r -> write(ex, r));
    }

    /** The accepted parameters, each given at most once over URL and body. */
    static QueryGateway.Request canonical(MultiValueMap<String, String> url, MultiValueMap<String, String> form) {
        MultiValueMap<String, String> all = new LinkedMultiValueMap<>();
        url.forEach((k, v) -> all.addAll(k, v));
        form.forEach((k, v) -> all.addAll(k, v));
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            if (!ACCEPTED.contains(e.getKey())) {
                throw GatewayRefusal.request(400, "parameter", "parameter " + printable(e.getKey())
                        + " is not accepted by the query gateway (only q, db, rp, epoch)",
                        Set.of("params", "u", "p", "chunked", "async").contains(e.getKey()));
            }
            if (e.getValue().size() > 1) {
                throw GatewayRefusal.request(400, "duplicate_parameter", "parameter " + e.getKey()
                        + " given more than once", true);
            }
        }
        return new QueryGateway.Request(all.getFirst("q"), all.getFirst("db"), all.getFirst("rp"), all.getFirst("epoch"));
    }

    private Optional<Caller> authenticate(HttpHeaders headers) {
        List<String> auth = headers.getOrEmpty(HttpHeaders.AUTHORIZATION);
        if (auth.isEmpty()) {
            throw GatewayRefusal.request(401, "auth", "unable to parse authentication credentials", false);
        }
        if (auth.size() > 1) {
            throw GatewayRefusal.request(401, "auth", "unable to parse authentication credentials", true);
        }
        String h = auth.get(0).trim();
        String pair;
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                pair = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw GatewayRefusal.request(401, "auth", "unable to parse authentication credentials", false);
            }
        } else if (h.regionMatches(true, 0, "Token ", 0, 6)) {
            pair = h.substring(6).trim();
        } else {
            throw GatewayRefusal.request(401, "auth", "unable to parse authentication credentials", false);
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            throw GatewayRefusal.request(401, "auth", "unable to parse authentication credentials", false);
        }
        return credentials.authenticate(pair.substring(0, colon), pair.substring(colon + 1));
    }

    private Mono<Void> refuse(ServerWebExchange ex, Caller caller, GatewayRefusal e) {
        return write(ex, gateway.refusal(caller, null, e));
    }

    private Mono<Void> write(ServerWebExchange ex, QueryGateway.Response r) {
        ServerHttpResponse res = ex.getResponse();
        common(res);
        res.setStatusCode(HttpStatus.valueOf(r.status()));
        res.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        if (r.status() == 401) {
            res.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"InfluxDB\"");
        }
        if (r.status() != 200 || r.body().contains("\"error\"")) {
            String msg = errorText(r.body());
            if (msg != null) {
                res.getHeaders().set("X-Influxdb-Error", printable(msg));
            }
        }
        if (r.executed() != null) {
            res.getHeaders().set("X-Grafana-Meta-Add-Tenantry", printable(r.executed()));
        }
        byte[] bytes = (r.body() + "\n").getBytes(StandardCharsets.UTF_8);
        return res.writeWith(Mono.just(res.bufferFactory().wrap(bytes)));
    }

    private static String errorText(String body) {
        int i = body.indexOf("\"error\":\"");
        if (i < 0) {
            return null;
        }
        int j = body.indexOf('"', i + 9);
        while (j > 0 && body.charAt(j - 1) == '\\') {
            j = body.indexOf('"', j + 1);
        }
        return j < 0 ? null : body.substring(i + 9, j);
    }

    private static void common(ServerHttpResponse res) {
        res.getHeaders().set("X-Influxdb-Version", VERSION);
        res.getHeaders().set("X-Influxdb-Build", "OSS");
        res.getHeaders().set("Request-Id", UUID.randomUUID().toString());
    }

    /** Header-safe text: printable ASCII kept, everything else as {@code \\uXXXX}. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 4000; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }
}
