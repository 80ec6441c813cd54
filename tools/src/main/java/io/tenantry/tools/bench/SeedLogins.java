package io.tenantry.tools.bench;

import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark seeding of device logins ({@code bin/tenantry bench idle --seed-logins N}; issue 15, third round): reaches
 * N broker logins in minutes instead of hours, to time a full reconciliation at 10,000 logins.
 * <p>
 * Why: through the API a new login costs Mosquitto 2.0.11 two rewrites of its whole {@code dynamic-security.json}
 * ({@code createRole}, {@code createClient}), so growing to 10,000 logins ran at ~3.5 logins/s and never finished.
 * <p>
 * What is real and what is seeded: tenants (ENTERPRISE) and devices are created <b>through the API</b> (no broker
 * command: a device gets its login only with its credential). Only the credentials are seeded, with the broker
 * stopped ({@code bin/stack stop mosquitto}): one {@code mqtt_credentials} row per device, exactly as
 * {@code CredentialManagement} stores it (username {@link MqttNames#deviceUsername}, {@code sha256:<hex>} of a
 * 24-byte random base64url password, created/rotated now), and in {@code dynamic-security.json} one role named like
 * the login with the device ACLs of {@code BrokerAcls.device} (publishClientSend on {@code plc/<slug>/<plc>},
 * subscribePattern and publishClientReceive on {@code plc/<slug>/<plc>/cmd/#}, priority 0, allow) and one client
 * with that single role and dynsec's password format (PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt, both
 * base64, as {@code mosquitto_ctrl}/dynsec write them); then the broker is started again. Seeded logins have no
 * audit-chain entry ({@code credential.issued}) and no outbox row: they were not created through the API.
 * <p>
 * Checks that make the seeding trustworthy: a full reconciliation afterwards must report drift 0 (the reconciler
 * compares every login with PostgreSQL and would repair any disagreement, which would also make the timing wrong),
 * and {@link #brokerCheck} logs in with a seeded login against the real broker: it may publish on its own topic,
 * a publish on another seeded device's topic is refused (PUBACK "not authorized"), and a wrong password is refused.
 */
final class SeedLogins {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Mosquitto 2.0.11 dynsec: PBKDF2-HMAC-SHA512, this many iterations, 12-byte salt, 64-byte hash. */
    static final int DYNSEC_ITERATIONS = 101;

    /** One seeded login and its password (kept for the broker check only). */
    record Seeded(String username, String password, String topic) {
    }

    private SeedLogins() {
    }

    /**
     * Seeds until the broker holds at least {@code target} logins.
     *
     * @param have  logins the reconciler reports now
     * @param repo  the repository (for {@code bin/stack})
     * @return the seeded logins (empty when {@code have >= target})
     */
    static List<Seeded> seed(BenchSession s, int have, int target, int concurrency, Path repo, Path state) throws Exception {
        if (have >= target) {
            return List.of();
        }
        int need = target - have;
        long t0 = System.nanoTime();
        // 1. tenants and devices through the API (no broker command)
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<String> tenantIds = new ArrayList<>();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t * 100 < need; t++) {
            String id = s.client().createTenant(s.admin(), "seed-" + s.run() + "-" + have + "-" + t, "bench idle seeded", "ENTERPRISE");
            tenantIds.add(id);
            String owner = s.owner(id);
            int devices = Math.min(100, need - t * 100);
            for (int d = 0; d < devices; d++) {
                int dev = d;
                work.add(pool.submit(() -> s.client().postExpect(owner, "/api/v1/tenants/" + id + "/devices",
                        Map.of("plcId", "dev-" + dev, "type", "modbus_tcp"), 201)));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        double apiSecs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "[bench] seed: %,d devices in %d tenants created through the API in %.0f s%n", need,
                tenantIds.size(), apiSecs);

        // 2. the credentials, broker stopped
        Map<String, String> env = s.env();
        List<Seeded> seeded = new ArrayList<>(need);
        long t1 = System.nanoTime();
        stack(repo, "stop", "mosquitto");
        try (Connection c = DriverManager.getConnection(env.get("TENANTRY_PG_URL"), env.get("TENANTRY_PG_APP_USER"),
                env.get("TENANTRY_PG_APP_PASSWORD"))) {
            c.setAutoCommit(false);
            Path file = state.resolve("mosquitto/dynamic-security.json");
            ObjectNode dynsec = (ObjectNode) JSON.readTree(file.toFile());
            ArrayNode clients = (ArrayNode) dynsec.get("clients");
            ArrayNode roles = (ArrayNode) dynsec.get("roles");
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT d.id, d.tenant_id, d.plc_id, t.slug FROM devices d JOIN tenants t ON t.id = d.tenant_id
                    WHERE d.tenant_id = ANY (?) AND NOT EXISTS (SELECT 1 FROM mqtt_credentials m WHERE m.device_id = d.id)
                    ORDER BY t.slug, d.plc_id""");
                 PreparedStatement ins = c.prepareStatement("""
                         INSERT INTO mqtt_credentials (username, tenant_id, device_id, password_hash, created_at, rotated_at)
                         VALUES (?, ?, ?, ?, ?, ?)""");
                 PreparedStatement upd = c.prepareStatement("UPDATE devices SET mqtt_username = ? WHERE id = ? AND mqtt_username <> ?")) {
                q.setArray(1, c.createArrayOf("uuid", tenantIds.stream().map(java.util.UUID::fromString).toArray()));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        TenantSlug slug = TenantSlug.of(rs.getString(4));
                        PlcId plc = PlcId.of(rs.getString(3));
                        String username = MqttNames.deviceUsername(slug, plc);
                        String password = newPassword();
                        ins.setString(1, username);
                        ins.setObject(2, rs.getObject(2));
                        ins.setObject(3, rs.getObject(1));
                        ins.setString(4, "sha256:" + sha256Hex(password));
                        ins.setTimestamp(5, now);
                        ins.setTimestamp(6, now);
                        ins.addBatch();
                        upd.setString(1, username);
                        upd.setObject(2, rs.getObject(1));
                        upd.setString(3, username);
                        upd.addBatch();
                        roles.add(role(username, MqttNames.telemetryTopic(slug, plc), MqttNames.commandTopicFilter(slug, plc)));
                        clients.add(client(username, password));
                        seeded.add(new Seeded(username, password, MqttNames.telemetryTopic(slug, plc)));
                    }
                }
                ins.executeBatch();
                upd.executeBatch();
            }
            Path tmp = file.resolveSibling("dynamic-security.json.seed");
            JSON.writeValue(tmp.toFile(), dynsec);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            c.commit();
        } finally {
            stack(repo, "start", "mosquitto");
        }
        System.out.printf(Locale.ROOT, "[bench] seed: %,d device logins written to PostgreSQL and dynamic-security.json with the "
                + "broker stopped in %.1f s (not through the API: see SeedLogins)%n", seeded.size(), (System.nanoTime() - t1) / 1e9);
        return seeded;
    }

    /**
     * Logs in with seeded logins against the real broker (plain listener, MQTT 5): the first may publish (QoS 1) on its
     * own topic, is refused on the second one's topic, and a wrong password is refused.
     *
     * @return a one-line verdict; throws when the broker disagrees with the seeding
     */
    static String brokerCheck(Map<String, String> env, List<Seeded> seeded) throws Exception {
        if (seeded.size() < 2) {
            return "not run (fewer than 2 seeded logins)";
        }
        Seeded a = seeded.get(seeded.size() / 2);
        Seeded b = seeded.get(seeded.size() / 2 + 1);
        String url = env.get("TENANTRY_MQTT_URL");
        MqttClient m = new MqttClient(url, a.username(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(a.username());
        o.setPassword(a.password().getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        m.connect(o);
        try {
            int own = publish(m, a.topic());
            int other = publish(m, b.topic());
            if (own >= 0x80 || other < 0x80) {
                throw new IllegalStateException("seeded login " + a.username() + ": own topic answered reason " + own
                        + ", another device's topic " + other + " (expected success, then not authorized)");
            }
        } finally {
            if (m.isConnected()) {
                m.disconnect();
            }
            m.close();
        }
        MqttClient w = new MqttClient(url, a.username() + "-wrong", new MemoryPersistence());
        MqttConnectionOptions wo = new MqttConnectionOptions();
        wo.setUserName(a.username());
        wo.setPassword("wrong".getBytes(StandardCharsets.UTF_8));
        try {
            w.connect(wo);
            w.disconnect();
            throw new IllegalStateException("seeded login " + a.username() + " accepted a wrong password");
        } catch (MqttException expected) {
            // refused: the password hash is in force
        } finally {
            w.close();
        }
        return "seeded login " + a.username() + " connected, published on its own topic, was refused on "
                + b.username() + "'s topic and with a wrong password";
    }

    /** Publishes one QoS 1 message. @return the PUBACK reason code (≥ 0x80: refused) */
    private static int publish(MqttClient m, String topic) throws MqttException {
        MqttMessage msg = new MqttMessage("{\"ts\":0,\"probe\":1}".getBytes(StandardCharsets.UTF_8));
        msg.setQos(1);
        IMqttToken t = m.getTopic(topic).publish(msg);
        t.waitForCompletion(10_000);
        int[] codes = t.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    private static ObjectNode role(String name, String telemetry, String cmd) {
        ObjectNode r = JSON.createObjectNode();
        r.put("rolename", name);
        ArrayNode acls = r.putArray("acls");
        acls.add(acl("publishClientSend", telemetry));
        acls.add(acl("subscribePattern", cmd));
        acls.add(acl("publishClientReceive", cmd));
        return r;
    }

    private static ObjectNode acl(String type, String topic) {
        ObjectNode a = JSON.createObjectNode();
        a.put("acltype", type);
        a.put("topic", topic);
        a.put("priority", 0);
        a.put("allow", true);
        return a;
    }

    /** A dynsec client entry: one role, PBKDF2-HMAC-SHA512 password hash as Mosquitto 2.0.11 stores it. */
    static ObjectNode client(String username, String password) throws Exception {
        byte[] salt = new byte[12];
        RANDOM.nextBytes(salt);
        ObjectNode c = JSON.createObjectNode();
        c.put("username", username);
        c.putArray("roles").addObject().put("rolename", username);
        c.put("password", Base64.getEncoder().encodeToString(pbkdf2(password, salt)));
        c.put("salt", Base64.getEncoder().encodeToString(salt));
        c.put("iterations", DYNSEC_ITERATIONS);
        return c;
    }

    static byte[] pbkdf2(String password, byte[] salt) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, DYNSEC_ITERATIONS, 512)).getEncoded();
    }

    private static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static void stack(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/stack"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bin/stack " + String.join(" ", args) + " failed");
        }
    }
}
