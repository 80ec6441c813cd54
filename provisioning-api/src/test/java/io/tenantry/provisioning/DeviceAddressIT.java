package io.tenantry.provisioning;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.core.tls.MqttTls;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16: a device on another machine connects through the platform's configured device-facing address with the
 * credential the API issued, by running the credential's own {@code mosquitto_pub} example as written.
 * <p>
 * "Another machine" is a network namespace with its own network stack, joined to this host by a veth pair
 * ({@code 10.213.x.y/30}, derived from the TLS port so parallel stacks do not collide); the host side's address is
 * not loopback. When namespaces cannot be created (no CAP_NET_ADMIN) the test uses a non-loopback IPv4 address of
 * this machine instead and runs the example here. The broker is restarted through {@code bin/stack} with
 * {@code TENANTRY_MQTT_TLS_BIND=127.0.0.1,<address>} and {@code TENANTRY_MQTT_DEVICE_HOST=<address>}; a separate
 * API context reads the rewritten env file, so the advertised URL, the certificate's names and the bind address all
 * come from the stack configuration. Afterwards the defaults come back and the same example is refused: the
 * default listener is loopback only.
 */
class DeviceAddressIT {
    static StackEnv env;
    static String netns;
    static String hostAddress;
    static String deviceAddress;
    static Path workDir;

    @BeforeAll
    static void network() throws Exception {
        env = LocalStack.ensureUp();
        workDir = Files.createTempDirectory("device-address");
        int tls = Integer.parseInt(env.mqttTlsUrl().replaceAll(".*:", ""));
        int idx = tls % 16384;
        String prefix = "10.213." + (idx / 64) + ".";
        int base = (idx % 64) * 4;
        String ns = "tenantry-dev-" + tls;
        String veth = "tnth" + tls;
        run(10, "ip", "netns", "del", ns);
        run(10, "ip", "link", "del", veth);
        boolean ok = run(10, "ip", "netns", "add", ns).code() == 0
                && run(10, "ip", "link", "add", veth, "type", "veth", "peer", "name", "tntd" + tls).code() == 0
                && run(10, "ip", "link", "set", "tntd" + tls, "netns", ns).code() == 0
                && run(10, "ip", "addr", "add", prefix + (base + 1) + "/30", "dev", veth).code() == 0
                && run(10, "ip", "link", "set", veth, "up").code() == 0
                && run(10, "ip", "netns", "exec", ns, "ip", "addr", "add", prefix + (base + 2) + "/30", "dev", "tntd" + tls).code() == 0
                && run(10, "ip", "netns", "exec", ns, "ip", "link", "set", "tntd" + tls, "up").code() == 0
                && run(10, "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up").code() == 0;
        if (ok) {
            netns = ns;
            hostAddress = prefix + (base + 1);
            deviceAddress = prefix + (base + 2);
        } else {
            run(10, "ip", "netns", "del", ns);
            hostAddress = firstNonLoopbackIpv4();
            deviceAddress = hostAddress;
        }
    }

    @AfterAll
    static void restore() throws Exception {
        try {
            defaults();
        } finally {
            if (netns != null) {
                run(10, "ip", "netns", "del", netns);
            }
        }
    }

    /** Puts the stack's device listener back to its defaults (loopback, localhost). */
    static void defaults() {
        env.stack("stop", "mosquitto");
        env.stack(Map.of("TENANTRY_MQTT_TLS_BIND", "", "TENANTRY_MQTT_DEVICE_HOST", "", "TENANTRY_MQTT_CERT_SANS", ""),
                "start", "mosquitto");
    }

    @Test
    void deviceConnectsThroughTheAdvertisedNonLoopbackAddressWithTheIssuedCredential() throws Exception {
        assertThat(InetAddress.getByName(hostAddress).isLoopbackAddress()).isFalse();
        env.stack("stop", "mosquitto");
        env.stack(Map.of("TENANTRY_MQTT_TLS_BIND", "127.0.0.1," + hostAddress,
                "TENANTRY_MQTT_DEVICE_HOST", hostAddress), "start", "mosquitto");
        StackEnv wide = env.reload();
        int tlsPort = Integer.parseInt(env.mqttTlsUrl().replaceAll(".*:", ""));
        assertThat(wide.mqttTlsUrl()).isEqualTo("ssl://" + hostAddress + ":" + tlsPort);

        String example;
        String slug = "addr-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> svc;
        Map<String, Object> cred;
        try (ConfigurableApplicationContext api = startApi(wide)) {
            LocalIssuer issuer = api.getBean(LocalIssuer.class);
            WebTestClient http = WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port"))
                    .responseTimeout(Duration.ofSeconds(30)).build();
            String admin = issuer.mint("admin-" + UUID.randomUUID(), null, List.of("platform_admin"), Duration.ofMinutes(5));
            String tenant = (String) post(http, admin, "/api/v1/tenants",
                    Map.of("slug", slug, "name", "Address test", "plan", "PRO")).get("id");
            String owner = issuer.mint("owner-" + UUID.randomUUID(), tenant, List.of("owner"), Duration.ofMinutes(5));
            Object device = post(http, owner, "/api/v1/tenants/" + tenant + "/devices",
                    Map.of("plcId", "press-01", "type", "modbus_tcp")).get("id");
            cred = post(http, owner, "/api/v1/tenants/" + tenant + "/devices/" + device + "/credentials", null);
            svc = post(http, owner, "/api/v1/tenants/" + tenant + "/service-credentials", null);
        }
        assertThat(cred.get("brokerUrl")).isEqualTo("ssl://" + hostAddress + ":" + tlsPort);
        assertThat(cred.get("topic")).isEqualTo("plc/" + slug + "/press-01");
        assertThat(cred.get("caCertificate")).isEqualTo(Files.readString(wide.mqttCaFile()));
        example = (String) cred.get("mosquittoExample");
        assertThat(example).contains("mosquitto_pub", "-h '" + hostAddress + "'", "-p " + tlsPort,
                "-P '" + cred.get("password") + "'", "-t 'plc/" + slug + "/press-01'", "-----BEGIN CERTIFICATE-----");
        assertThat((String) svc.get("mosquittoExample")).contains("mosquitto_sub", "-t 'plc/" + slug + "/#'");

        // the tenant's service login watches the topic over the loopback listener (still bound)
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        MqttClient watcher = new MqttClient(env.mqttTlsUrl(), (String) svc.get("username"), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName((String) svc.get("username"));
        o.setPassword(((String) svc.get("password")).getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory((String) svc.get("caCertificate")));
        o.setConnectionTimeout(10);
        connectWithRetry(watcher, o);
        try {
            watcher.subscribe(new MqttSubscription[]{new MqttSubscription("plc/" + slug + "/#", 1)},
                    new IMqttMessageListener[]{(t, m) -> seen.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});

            Result pub = runExample(example);
            assertThat(pub.code()).as("the credential's example, run on the device:\n%s", pub.output()).isZero();
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("plc/" + slug + "/press-01 {\"fields\":{\"temperature\":21.5}}");
            String brokerLog = Files.readString(Path.of(wide.get("TENANTRY_STATE_DIR"), "mosquitto", "mosquitto.log"));
            assertThat(brokerLog).as("the broker saw the device arrive from its own address")
                    .contains("New client connected from " + deviceAddress + ":");
        } finally {
            watcher.disconnectForcibly(500);
            watcher.close(true);
        }

        // back to the safe default: the device listener is loopback only, the same example is refused
        defaults();
        assertThat(env.reload().mqttTlsUrl()).isEqualTo("ssl://localhost:" + tlsPort);
        Result refused = runExample(example);
        assertThat(refused.code()).as("device listener on loopback only:\n%s", refused.output()).isNotZero();
    }

    static ConfigurableApplicationContext startApi(StackEnv stack) {
        Map<String, Object> props = new HashMap<>(stack.asProperties());
        props.put("TENANTRY_LOCAL_ISSUER", "true");
        props.put("server.port", "0");
        props.put("management.server.port", "0");
        props.put("tenantry.reconciler.interval", "1h");
        // command-line arguments: they win over the TENANTRY_* variables of the test JVM's own environment
        // its own Reactor Netty resources: with the global ones, closing this API would dispose the event loops the
        // shared test context's servers (and their management port) run on
        return new SpringApplicationBuilder(ProvisioningApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(new org.springframework.beans.factory.config.BeanPostProcessor() {
                    @Override
                    public Object postProcessBeforeInitialization(Object bean, String name) {
                        if (bean instanceof org.springframework.http.client.ReactorResourceFactory f) {
                            f.setUseGlobalResources(false);
                        }
                        return bean;
                    }
                }))
                .run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> post(WebTestClient http, String token, String path, Object body) {
        var spec = http.post().uri(path).headers(h -> h.setBearerAuth(token));
        var resp = body == null ? spec.exchange() : spec.bodyValue(body).exchange();
        return resp.expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    static void connectWithRetry(MqttClient c, MqttConnectionOptions o) throws Exception {
        Exception last = null;
        for (int i = 0; i < 20; i++) {
            try {
                c.connect(o);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    /** Runs the snippet with bash in a scratch directory, inside the device's namespace when there is one. */
    static Result runExample(String example) throws Exception {
        Files.writeString(workDir.resolve("example.sh"), example);
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("timeout", "20", "bash", workDir.resolve("example.sh").toString()));
        return run(30, cmd.toArray(String[]::new));
    }

    record Result(int code, String output) {
    }

    static Result run(int seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(workDir == null ? null : workDir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(timed out)");
        }
        return new Result(p.exitValue(), out);
    }

    static String firstNonLoopbackIpv4() throws IOException {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : nif.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        throw new IllegalStateException("this machine has no non-loopback IPv4 address and network namespaces "
                + "cannot be created (needs CAP_NET_ADMIN): nothing to connect a device through");
    }
}
