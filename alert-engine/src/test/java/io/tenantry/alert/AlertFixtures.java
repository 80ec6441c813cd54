package io.tenantry.alert;

import com.sun.net.httpserver.HttpServer;
import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.alert.notify.WebhookSigner;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.db.Schema;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * What the alert ITs share: the real local stack (schema migrated, shared buckets and the read-only API InfluxDB
 * user ensured as the provisioning API would), tenants and devices inserted as the app role, points written to the
 * tenant's raw measurement, tokens from a local issuer whose key file the engine also reads, and a webhook receiver.
 */
final class AlertFixtures {
    static final StackEnv ENV = LocalStack.ensureUp();
    static final Path KEY_FILE;
    static final LocalIssuer ISSUER;
    static final DSLContext DSL_APP;
    static final InfluxV1Client INFLUX;

    static {
        Schema.migrate(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword(), ENV.pgAppUser());
        INFLUX = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(30));
        InfluxV1BucketAdmin admin = new InfluxV1BucketAdmin(INFLUX);
        PlatformBootstrap.ensureBuckets(admin);
        PlatformBootstrap.ensureInfluxUsers(admin,
                new PlatformBootstrap.Credential(ENV.ingestInfluxUser(), ENV.ingestInfluxPassword()),
                new PlatformBootstrap.Credential(ENV.jobsInfluxUser(), ENV.jobsInfluxPassword()),
                new PlatformBootstrap.Credential(ENV.apiInfluxUser(), ENV.apiInfluxPassword()));
        try {
            KEY_FILE = Files.createTempDirectory("alert-it").resolve("jwk.json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ISSUER = LocalIssuer.loadOrCreate(KEY_FILE, "tenantry-local", "tenantry-api");
        DSL_APP = DSL.using(ENV.pgUrl(), ENV.pgAppUser(), ENV.pgAppPassword());
        DSL_APP.settings().setExecuteLogging(false);
    }

    private AlertFixtures() {
    }

    /** Spring properties for an in-process engine: the stack, the local issuer's key file, 1-second schedules. */
    static Map<String, String> engineProperties() {
        Map<String, String> p = new java.util.HashMap<>(ENV.asProperties());
        p.put("tenantry.auth.jwk-set-uri", "");
        p.put("tenantry.auth.local-issuer.enabled", "true");
        p.put("tenantry.auth.local-issuer.key-file", KEY_FILE.toString());
        p.put("tenantry.alerts.dispatch-interval", "1s");
        p.put("tenantry.alerts.delivery-interval", "1s");
        // no delivery right after a dispatch pass (DeliveryKick) in the in-process engines: such an engine stays up
        // in the test JVM (Spring's context cache) and joins the Quartz cluster, and its kick would send the rows
        // AlertClusterIT's killed instance left pending on purpose; the engines AlertClusterIT launches kick
        p.put("tenantry.alerts.deliver-after-dispatch", "false");
        return p;
    }

    /** A new ACTIVE tenant on {@code plan}; its slug is random. */
    static UUID tenant(String plan) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        DSL_APP.insertInto(TENANTS).set(TENANTS.ID, id).set(TENANTS.SLUG, "al-" + id.toString().substring(0, 8))
                .set(TENANTS.NAME, "alerts it").set(TENANTS.STATUS, "ACTIVE").set(TENANTS.PLAN, plan)
                .set(TENANTS.CREATED_AT, now).set(TENANTS.UPDATED_AT, now).execute();
        return id;
    }

    /** A new active modbus_tcp device. */
    static UUID device(UUID tenant, String plc) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        DSL_APP.insertInto(DEVICES).set(DEVICES.ID, id).set(DEVICES.TENANT_ID, tenant).set(DEVICES.PLC_ID, plc)
                .set(DEVICES.TYPE, "modbus_tcp").set(DEVICES.TAGS, JSONB.valueOf("{}")).set(DEVICES.ACTIVE, true)
                .set(DEVICES.MQTT_USERNAME, "t_al-" + tenant.toString().substring(0, 8) + "_" + plc)
                .set(DEVICES.CREATED_AT, now).set(DEVICES.UPDATED_AT, now).execute();
        return id;
    }

    /** Writes one point with one float field into the tenant's raw {@code telemetry} measurement. */
    static void point(UUID tenant, String plc, Instant at, String field, double value) {
        String m = TenantMeasurements.stored(tenant, "telemetry").replace(",", "\\,").replace(" ", "\\ ");
        INFLUX.write(SharedBuckets.RAW.database(), SharedBuckets.RAW.retentionPolicy(),
                String.format(Locale.ROOT, "%s,%s=%s,%s=%s %s=%s %d", m, SharedBuckets.TENANT_TAG, tenant, SharedBuckets.DEVICE_TAG, plc,
                        field, value, at.getEpochSecond() * 1_000_000_000L + at.getNano()));
    }

    static String token(UUID tenant, String role) {
        return ISSUER.mint("it-" + role, tenant == null ? null : tenant.toString(), List.of(role), Duration.ofHours(1));
    }

    /** A webhook receiver on a free loopback port: keeps every request; answers {@code status}. */
    static final class Receiver implements AutoCloseable {
        record Request(Map<String, List<String>> headers, String body) {
            String header(String name) {
                for (var e : headers.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(name)) {
                        return e.getValue().get(0);
                    }
                }
                return null;
            }
        }

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final HttpServer server;
        volatile int status = 200;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(Map.copyOf(ex.getRequestHeaders()), body));
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        /** Requests whose signature verifies with {@code secret}. */
        List<Request> signed(String secret) {
            return requests.stream().filter(r -> {
                String ts = r.header(WebhookSigner.TIMESTAMP);
                return ts != null && WebhookSigner.sign(secret, Long.parseLong(ts), r.body()).equals(r.header(WebhookSigner.SIGNATURE));
            }).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
