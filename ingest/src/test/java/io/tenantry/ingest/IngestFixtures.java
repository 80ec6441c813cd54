package io.tenantry.ingest;

import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.mqtt.MosquittoDynsecBrokerAdmin;
import io.tenantry.core.tls.MqttTls;
import io.tenantry.core.broker.AclRule;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.db.Schema;
import io.tenantry.testsupport.StackEnv;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.DEAD_LETTERS;
import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Test fixtures over the real stack: platform bootstrap (schema, ingest identities, buckets), tenants and
 * devices inserted with jOOQ as the owner role, dynsec device logins, TLS device clients, InfluxDB read-back as
 * admin. Everything it creates is named with a random suffix and removed by {@link #close()}.
 */
final class IngestFixtures implements AutoCloseable {
    private static volatile boolean bootstrapped;

    final StackEnv env;
    final InfluxV1Client influxAdmin;
    final MosquittoDynsecBrokerAdmin broker;
    private final Connection owner;
    final DSLContext dsl;
    private final List<String> brokerClients = new ArrayList<>();
    private final List<UUID> tenants = new ArrayList<>();
    private final List<MqttClient> mqttClients = new ArrayList<>();

    record Tenant(UUID id, String slug) {
    }

    IngestFixtures(StackEnv env) throws SQLException {
        this.env = env;
        bootstrap(env);
        influxAdmin = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(), Duration.ofSeconds(10));
        broker = new MosquittoDynsecBrokerAdmin(env.mqttUrl(), env.mqttAdminUser(), env.mqttAdminPassword(), Duration.ofSeconds(10));
        owner = DriverManager.getConnection(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword());
        owner.setAutoCommit(true);
        dsl = DSL.using(owner, SQLDialect.POSTGRES);
    }

    /** What provisioning-api does at start-up: schema, ingest's broker login, buckets and InfluxDB users. */
    static synchronized void bootstrap(StackEnv env) {
        if (bootstrapped) {
            return;
        }
        Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser());
        try (MosquittoDynsecBrokerAdmin admin = new MosquittoDynsecBrokerAdmin(env.mqttUrl(), env.mqttAdminUser(),
                env.mqttAdminPassword(), Duration.ofSeconds(10))) {
            PlatformBootstrap.ensureIngestBrokerClient(admin,
                    new PlatformBootstrap.Credential(env.ingestMqttUser(), env.ingestMqttPassword()), true);
        }
        InfluxV1BucketAdmin buckets = new InfluxV1BucketAdmin(new InfluxV1Client(env.influxUrl(), env.influxAdminUser(),
                env.influxAdminPassword(), Duration.ofSeconds(10)));
        PlatformBootstrap.ensureBuckets(buckets);
        PlatformBootstrap.ensureInfluxUsers(buckets,
                new PlatformBootstrap.Credential(env.ingestInfluxUser(), env.ingestInfluxPassword()),
                new PlatformBootstrap.Credential(env.jobsInfluxUser(), env.jobsInfluxPassword()),
                new PlatformBootstrap.Credential(env.apiInfluxUser(), env.apiInfluxPassword()));
        bootstrapped = true;
    }

    static String random(int n) {
        return UUID.randomUUID().toString().replace("-", "").substring(0, n);
    }

    /** Properties that make an in-process or child ingest use the stack, a private spool and client id. */
    static Map<String, Object> appProperties(StackEnv env, String clientId, java.nio.file.Path spool) {
        Map<String, Object> p = new HashMap<>(env.asProperties());
        p.put("server.port", "0");
        p.put("tenantry.ingest.mqtt.client-id", clientId);
        p.put("tenantry.ingest.spool.dir", spool.toString());
        return p;
    }

    Tenant createTenant(String prefix) {
        return createTenant(prefix, "PRO");
    }

    /** A tenant on the given plan ({@code FREE}, {@code PRO}, {@code ENTERPRISE}). */
    Tenant createTenant(String prefix, String plan) {
        UUID id = UUID.randomUUID();
        String slug = prefix + "-" + random(8);
        OffsetDateTime now = OffsetDateTime.now();
        dsl.insertInto(TENANTS, TENANTS.ID, TENANTS.SLUG, TENANTS.NAME, TENANTS.STATUS, TENANTS.PLAN, TENANTS.CREATED_AT,
                TENANTS.UPDATED_AT).values(id, slug, "IT " + slug, "ACTIVE", plan, now, now).execute();
        tenants.add(id);
        return new Tenant(id, slug);
    }

    /** Inserts a device row (no NOTIFY, like a raw insert). */
    UUID createDeviceRow(Tenant t, String plcId, String type, String tagsJson, boolean active) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now();
        dsl.insertInto(DEVICES, DEVICES.ID, DEVICES.TENANT_ID, DEVICES.PLC_ID, DEVICES.TYPE, DEVICES.TAGS, DEVICES.ACTIVE,
                        DEVICES.MQTT_USERNAME, DEVICES.CREATED_AT, DEVICES.UPDATED_AT)
                .values(id, t.id(), plcId, type, JSONB.valueOf(tagsJson), active,
                        MqttNames.deviceUsername(TenantSlug.of(t.slug()), PlcId.of(plcId)), now, now)
                .execute();
        return id;
    }

    /**
     * Creates the device's broker login (role = username, may publish on its own topic) and returns its password.
     * When the device row exists, a matching {@code mqtt_credentials} row is inserted too, so a provisioning-api
     * reconciler running against the same stack keeps the login instead of deleting an unknown {@code t_*} client.
     */
    String createDeviceLogin(Tenant t, String plcId) {
        String user = MqttNames.deviceUsername(TenantSlug.of(t.slug()), PlcId.of(plcId));
        UUID deviceId = dsl.select(DEVICES.ID).from(DEVICES).where(DEVICES.TENANT_ID.eq(t.id()), DEVICES.PLC_ID.eq(plcId))
                .fetchOne(DEVICES.ID);
        if (deviceId != null) {
            OffsetDateTime now = OffsetDateTime.now();
            dsl.insertInto(MQTT_CREDENTIALS, MQTT_CREDENTIALS.USERNAME, MQTT_CREDENTIALS.TENANT_ID, MQTT_CREDENTIALS.DEVICE_ID,
                    MQTT_CREDENTIALS.PASSWORD_HASH, MQTT_CREDENTIALS.CREATED_AT, MQTT_CREDENTIALS.ROTATED_AT)
                    .values(user, t.id(), deviceId, "(ingest IT: not a real hash)", now, now).execute();
        }
        String topic = MqttNames.telemetryTopic(TenantSlug.of(t.slug()), PlcId.of(plcId));
        broker.ensureRole(user, List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, topic)));
        String password = UUID.randomUUID().toString();
        broker.ensureClient(user, password, List.of(user));
        brokerClients.add(user);
        return password;
    }

    /** A device connected over TLS with its own login; closed by {@link #close()}. */
    Device device(Tenant t, String plcId, String password) throws MqttException {
        String user = MqttNames.deviceUsername(TenantSlug.of(t.slug()), PlcId.of(plcId));
        MqttClient c = new MqttClient(env.mqttTlsUrl(), user, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(env.mqttCaFile()));
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(true);
        c.setTimeToWait(20_000);
        c.connect(o);
        mqttClients.add(c);
        return new Device(c, MqttNames.telemetryTopic(TenantSlug.of(t.slug()), PlcId.of(plcId)));
    }

    /** A provisioned device: row, login, connected client. */
    Device provisionedDevice(Tenant t, String plcId, String type, String tagsJson) throws MqttException {
        createDeviceRow(t, plcId, type, tagsJson, true);
        return device(t, plcId, createDeviceLogin(t, plcId));
    }

    /** A connected device client publishing QoS 1 on its telemetry topic. */
    record Device(MqttClient client, String topic) {
        void publish(String json) throws MqttException {
            publish(json.getBytes(StandardCharsets.UTF_8));
        }

        void publish(byte[] payload) throws MqttException {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            client.publish(topic, m);
        }
    }

    /** {@code NOTIFY tenantry_directory, '<tenant>'}, as provisioning does. */
    void notifyDirectory(UUID tenant) {
        dsl.fetch("SELECT pg_notify('tenantry_directory', ?)", tenant.toString());
    }

    /** Changes the tenant's status and notifies in the same transaction. */
    void setTenantStatus(UUID tenant, String status) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.update(TENANTS).set(TENANTS.STATUS, status).set(TENANTS.UPDATED_AT, OffsetDateTime.now())
                    .where(TENANTS.ID.eq(tenant)).execute();
            tx.fetch("SELECT pg_notify('tenantry_directory', ?)", tenant.toString());
        });
    }

    /** Dead letters of a tenant: reason → count. */
    Map<String, Integer> deadLetterReasons(UUID tenant) {
        Map<String, Integer> m = new HashMap<>();
        dsl.select(DEAD_LETTERS.REASON).from(DEAD_LETTERS).where(DEAD_LETTERS.TENANT_ID.eq(tenant)).fetch()
                .forEach(r -> m.merge(r.value1(), 1, Integer::sum));
        return m;
    }

    /** Rejected elements per reason for one tenant: {@code elements_rejected} summed over its dead-letter rows. */
    Map<String, Integer> deadLetterElements(UUID tenant) {
        Map<String, Integer> m = new HashMap<>();
        dsl.select(DEAD_LETTERS.REASON, DEAD_LETTERS.ELEMENTS_REJECTED).from(DEAD_LETTERS).where(DEAD_LETTERS.TENANT_ID.eq(tenant))
                .fetch().forEach(r -> m.merge(r.value1(), r.value2() == null ? 1 : r.value2(), Integer::sum));
        return m;
    }

    /** Runs InfluxQL against processo_raw as admin. */
    List<InfluxV1Client.Result> query(String influxql) {
        return influxAdmin.query(influxql, SharedBuckets.RAW.database());
    }

    /** {@code SELECT COUNT(field)} for one tenant (and device when not null); 0 without data. */
    long count(String field, UUID tenant, String plcId) {
        String q = "SELECT COUNT(" + InfluxQL.ident(field) + ") FROM " + measurement("telemetry", tenant)
                + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(tenant.toString())
                + (plcId == null ? "" : " AND \"plc_id\"::tag = " + InfluxQL.string(plcId));
        List<List<Object>> rows = query(q).get(0).rows();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    /** The tenant's measurement as stored, quoted: {@code "<tenant uuid>.<measurement>"} (TenantMeasurements). */
    static String measurement(String measurement, UUID tenant) {
        return InfluxQL.ident(TenantMeasurements.stored(tenant, measurement));
    }

    /**
     * Rows of {@code SELECT * FROM "<tenant>.<measurement>" WHERE locatario_id::tag = ...} as column → value maps,
     * oldest first.
     */
    List<Map<String, Object>> rows(String measurement, UUID tenant) {
        var series = query("SELECT * FROM " + measurement(measurement, tenant) + " WHERE \"locatario_id\"::tag = "
                + InfluxQL.string(tenant.toString())).get(0).series();
        List<Map<String, Object>> out = new ArrayList<>();
        for (var s : series) {
            for (List<Object> row : s.values()) {
                Map<String, Object> m = new HashMap<>();
                for (int i = 0; i < s.columns().size(); i++) {
                    if (row.get(i) != null) {
                        m.put(s.columns().get(i), row.get(i));
                    }
                }
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Removes an ingest client's persistent session from the broker (connect with Clean Start and Session Expiry
     * 0), so no dead member of the shared subscription is left behind to receive other tests' messages.
     */
    void discardSession(String clientId) {
        try {
            MqttClient c = new MqttClient(env.mqttUrl(), clientId, new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName(env.ingestMqttUser());
            o.setPassword(env.ingestMqttPassword().getBytes(StandardCharsets.UTF_8));
            o.setCleanStart(true);
            o.setSessionExpiryInterval(0L);
            c.connect(o);
            c.disconnect();
            c.close();
        } catch (MqttException e) {
            System.err.println("could not discard session " + clientId + ": " + e);
        }
    }

    @Override
    public void close() {
        for (MqttClient c : mqttClients) {
            try {
                if (c.isConnected()) {
                    c.disconnect(2000);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        for (String u : brokerClients) {
            try {
                broker.deleteClient(u);
                broker.deleteRole(u);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        broker.close();
        for (UUID t : tenants) {
            dsl.deleteFrom(DEAD_LETTERS).where(DEAD_LETTERS.TENANT_ID.eq(t)).execute();
            dsl.deleteFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.TENANT_ID.eq(t)).execute();
            dsl.deleteFrom(DEVICES).where(DEVICES.TENANT_ID.eq(t)).execute();
            dsl.deleteFrom(TENANTS).where(TENANTS.ID.eq(t)).execute();
        }
        try {
            owner.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
