package io.tenantry.gateway.it;

import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.db.Schema;
import io.tenantry.gateway.GatewayApplication;
import io.tenantry.gateway.influx.InfluxHttp;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real stack for the gateway's ITs: schema migrated, InfluxDB buckets and service users, tenants A (PRO), B
 * (ENTERPRISE), E (FREE, no data) and F (FREE, 5 series) with query credentials inserted as the provisioning API
 * stores them, two tenants' points in all three data buckets, one foreign row (B's tag) inside A's measurement, a
 * database {@code gw_only_a_*} holding only A's points under the names A sees (for differential isolation), and the
 * gateway running in-process on a random port with FREE's limits lowered (3 series, 2 requests/s).
 * <p>
 * Markers: B's data carries the string {@code bravo}, PLC id {@code plc-b9}, values ≥ 4,000,000 and B's UUID; A's
 * values stay below 10,000. An answer to A containing any of them leaked.
 */
final class GatewayStack implements AutoCloseable {
    record Tenant(UUID id, String slug, String user, String secret) {
    }

    static final String[] DATA_DBS = {"processo_raw", "processo", "processo_1m"};
    final StackEnv env = LocalStack.ensureUp();
    final DSLContext dsl;
    final InfluxV1Client admin;
    final InfluxHttp adminRaw;
    final Tenant a;
    final Tenant b;
    final Tenant empty;
    final Tenant free;
    final String onlyA;
    /** A database with the fixture statements' measurements (cpu, myseries, …) for the round trip. */
    final String roundTrip;
    final long now = System.currentTimeMillis();
    final ConfigurableApplicationContext app;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<UUID> tenants = new ArrayList<>();

    GatewayStack() {
        Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser());
        // the owner role: the fixture also deletes credentials, which the app role may not
        dsl = DSL.using(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword());
        admin = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(), Duration.ofSeconds(30));
        adminRaw = new InfluxHttp(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword());
        InfluxV1BucketAdmin buckets = new InfluxV1BucketAdmin(admin);
        PlatformBootstrap.ensureBuckets(buckets);
        PlatformBootstrap.ensureInfluxUsers(buckets,
                new PlatformBootstrap.Credential(env.ingestInfluxUser(), env.ingestInfluxPassword()),
                new PlatformBootstrap.Credential(env.jobsInfluxUser(), env.jobsInfluxPassword()),
                new PlatformBootstrap.Credential(env.apiInfluxUser(), env.apiInfluxPassword()));
        a = tenant("PRO");
        b = tenant("ENTERPRISE");
        empty = tenant("FREE");
        free = tenant("FREE");
        onlyA = "gw_only_a_" + a.id().toString().substring(0, 8);
        admin.execute("CREATE DATABASE \"" + onlyA + "\"");
        roundTrip = "gw_roundtrip_" + a.id().toString().substring(0, 8);
        admin.execute("CREATE DATABASE \"" + roundTrip + "\"");
        StringBuilder rt = new StringBuilder();
        long base = now * 1_000_000L;
        for (int i = 0; i < 40; i++) {
            long ts = base - i * 600_000_000_000L;
            String host = i % 3 == 0 ? "serverA" : i % 3 == 1 ? "serverC" : "hosta.influxdb.org";
            String region = i % 2 == 0 ? "uswest" : "useast";
            String fields = " field1=" + (i * 1.5) + ",field2=" + (i % 7) + "i,field3=" + (i % 4) + ",field4=" + (i * 2)
                    + ",field5=" + (i % 2 == 0) + ",value=" + (100 - i) + ",load=" + (i * 5) + ",transmit_rx=" + i + ",transmit_tx=" + (2 * i);
            for (String m : new String[]{"cpu", "myseries", "network", "metrics", "kbps", "foo"}) {
                rt.append(m).append(",host=").append(host).append(",region=").append(region).append(",tag1=t").append(i % 2)
                        .append(",deliveryservice=steam-dns,cachegroup=total").append(fields).append(' ').append(ts).append('\n');
            }
        }
        admin.write(roundTrip, null, rt.toString());
        writeData();
        Map<String, Object> props = new HashMap<>(env.asProperties());
        // command-line arguments outrank application.yml and the TENANTRY_* environment
        app = new SpringApplicationBuilder(GatewayApplication.class).properties(props).run("--server.port=0",
                "--management.server.port=0", "--tenantry.gateway.plans.FREE.max-series=3",
                "--tenantry.gateway.plans.FREE.requests-per-second=2",
                "--tenantry.gateway.plans.PRO.requests-per-second=100000", "--tenantry.gateway.credential-ttl=1s");
        port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private Tenant tenant(String plan) {
        UUID id = UUID.randomUUID();
        String slug = "gw" + id.toString().substring(0, 8);
        dsl.execute("INSERT INTO tenants (id, slug, name, status, plan, created_at, updated_at) VALUES (?,?,?,?,?,now(),now())",
                id, slug, "gateway IT " + slug, "ACTIVE", plan);
        tenants.add(id);
        return credential(new Tenant(id, slug, null, null));
    }

    /** Inserts a credential as the provisioning API stores it (SHA-256 of the secret). */
    Tenant credential(Tenant t) {
        String user = "t_" + t.slug() + "_" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 5);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString().getBytes());
        dsl.execute("INSERT INTO query_credentials (username, tenant_id, use_name, description, secret_hash, created_at)"
                + " VALUES (?,?,?,?,?,now())", user, t.id(), "grafana", "locatario:" + t.slug() + ":grafana", sha256(secret));
        return new Tenant(t.id(), t.slug(), user, secret);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeData() {
        long ns = now * 1_000_000L;
        for (String db : DATA_DBS) {
            StringBuilder lpA = new StringBuilder();
            StringBuilder lpB = new StringBuilder();
            StringBuilder lpOnlyA = new StringBuilder();
            StringBuilder lpF = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                long ts = ns - i * 60_000_000_000L;
                for (String plc : new String[]{"plc-1", "plc-2"}) {
                    String type = i % 2 == 0 ? "press" : "pump";
                    String tagsA = ",locatario_id=" + a.id() + ",plc_id=" + plc + ",type=" + type;
                    String fieldsA = " value=" + (1000 + i) + ".5,count=" + i + "i";
                    lpA.append(a.id()).append(".processo").append(tagsA).append(fieldsA).append(' ').append(ts).append('\n');
                    lpA.append(a.id()).append(".telemetry").append(tagsA).append(fieldsA).append(' ').append(ts).append('\n');
                    lpOnlyA.append("processo").append(tagsA).append(fieldsA).append(' ').append(ts).append('\n');
                    lpOnlyA.append("telemetry").append(tagsA).append(fieldsA).append(' ').append(ts).append('\n');
                    String tagsB = ",locatario_id=" + b.id() + ",plc_id=" + plc + ",type=" + type + ",bravo_tag=bravo-secret";
                    String fieldsB = " value=" + (4_000_000 + i) + ".25,count=" + (4_000_000 + i) + "i,bravo_field=\"bravo\"";
                    lpB.append(b.id()).append(".processo").append(tagsB).append(fieldsB).append(' ').append(ts).append('\n');
                    lpB.append(b.id()).append(".telemetry").append(tagsB).append(fieldsB).append(' ').append(ts).append('\n');
                    lpB.append(b.id()).append(".bravo_only").append(tagsB).append(fieldsB).append(' ').append(ts).append('\n');
                }
                lpA.append(a.id()).append(".eventi,locatario_id=").append(a.id()).append(",plc_id=plc-1 text=\"alpha event ")
                        .append(i).append("\" ").append(ts).append('\n');
                lpOnlyA.append("eventi,locatario_id=").append(a.id()).append(",plc_id=plc-1 text=\"alpha event ").append(i)
                        .append("\" ").append(ts).append('\n');
                lpB.append(b.id()).append(".eventi,locatario_id=").append(b.id()).append(",plc_id=plc-b9 text=\"bravo event ")
                        .append(i).append("\" ").append(ts).append('\n');
                lpB.append(b.id()).append(".processo,locatario_id=").append(b.id()).append(",plc_id=plc-b9,type=press value=")
                        .append(4_100_000 + i).append(' ').append(ts).append('\n');
                for (int s = 0; s < 5; s++) {
                    lpF.append(free.id()).append(".processo,locatario_id=").append(free.id()).append(",plc_id=plc-f").append(s)
                            .append(" value=").append(i).append(' ').append(ts).append('\n');
                }
            }
            // a foreign row inside A's own measurement (impossible through ingest; the condition must still hide it)
            lpB.append(a.id()).append(".processo,locatario_id=").append(b.id()).append(",plc_id=plc-b9,type=press value=5000000 ")
                    .append(ns - 90_000_000_000L).append('\n');
            admin.write(db, "autogen", lpA.toString());
            admin.write(db, "autogen", lpB.toString());
            admin.write(db, "autogen", lpF.toString());
            if (db.equals("processo")) {
                admin.write(onlyA, null, lpOnlyA.toString());
            }
        }
    }

    /** A gateway answer. */
    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    }

    Answer get(Tenant t, String q, String db, String... extra) {
        StringBuilder qs = new StringBuilder("q=").append(enc(q)).append("&epoch=ms");
        if (db != null) {
            qs.append("&db=").append(enc(db));
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            qs.append('&').append(enc(extra[i])).append('=').append(enc(extra[i + 1]));
        }
        return send(HttpRequest.newBuilder(uri("/query?" + qs)).header("Authorization", basic(t)).GET().build());
    }

    Answer post(Tenant t, String q, String db, String... extra) {
        StringBuilder qs = new StringBuilder("epoch=ms");
        if (db != null) {
            qs.append("&db=").append(enc(db));
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            qs.append('&').append(enc(extra[i])).append('=').append(enc(extra[i + 1]));
        }
        return send(HttpRequest.newBuilder(uri("/query?" + qs)).header("Authorization", basic(t))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(q))).build());
    }

    /** A raw request to the gateway with A-style Basic auth of {@code t} and free-form URL query and body. */
    Answer raw(Tenant t, String method, String query, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/query" + (query == null ? "" : "?" + query)));
        if (t != null) {
            b.header("Authorization", basic(t));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(b.build());
    }

    Answer send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    static String basic(Tenant t) {
        return "Basic " + Base64.getEncoder().encodeToString((t.user() + ":" + t.secret()).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        app.close();
        admin.execute("DROP DATABASE \"" + onlyA + "\"");
        admin.execute("DROP DATABASE \"" + roundTrip + "\"");
        for (String db : DATA_DBS) {
            for (UUID t : tenants) {
                for (String m : new String[]{"processo", "telemetry", "eventi", "bravo_only"}) {
                    try {
                        admin.query("DROP MEASUREMENT \"" + t + "." + m + "\"", db);
                    } catch (RuntimeException ignored) {
                        // not every tenant has every measurement
                    }
                }
            }
        }
        for (UUID t : tenants) {
            dsl.execute("DELETE FROM query_credentials WHERE tenant_id = ?", t);
            dsl.execute("DELETE FROM tenants WHERE id = ?", t);
        }
    }
}
