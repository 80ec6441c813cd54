package io.tenantry.provisioning.credential;

import io.swagger.v3.oas.annotations.media.Schema;

import java.net.URI;

/**
 * A freshly issued MQTT credential: everything a device (or the tenant's service) needs to connect, copy-paste
 * ready. The password is shown once and never stored in clear (only a hash, {@link SecretHash}).
 *
 * @param username         MQTT username ({@code t_<slug>.<plc_id>} or {@code t_<slug>:svc}; see MqttNames); on
 *                         the device listener it is also the MQTT client id
 * @param password         the new password (random, 32 characters, base64url)
 * @param topic            the topic (device) or topic filter (tenant service) the login is bound to
 * @param brokerUrl        where devices connect ({@code ssl://host:8883}): the platform's advertised device URL
 *                         ({@code tenantry.mqtt.device-url}, from {@code TENANTRY_MQTT_TLS_URL}; bin/stack sets it
 *                         from {@code TENANTRY_MQTT_DEVICE_HOST} / {@code TENANTRY_MQTT_DEVICE_URL})
 * @param caCertificate    PEM of the CA that signed the broker's certificate
 * @param brokerSync       {@code applied} when the broker already has it, {@code pending} when the outbox will
 *                         apply it as soon as the broker is reachable
 * @param mosquittoExample a shell snippet that saves the CA and publishes one reading with {@code mosquitto_pub}
 *                         (device) or subscribes with {@code mosquitto_sub} (tenant service); see
 *                         {@link #example(String, String, String, String, String, boolean)}
 */
@Schema(name = "IssuedCredential", description = "A freshly issued MQTT credential with everything needed to connect. "
        + "The password appears in this response only; issuing again rotates it (the old one stops working).")
public record IssuedCredential(
        @Schema(description = "MQTT username; on the device listener it is also the MQTT client id (use it as both)",
                example = "t_acme.press-01") String username,
        @Schema(description = "The new password (32 characters, base64url). Shown once: store it on the device now",
                example = "kQ2x4mJ7c0oR9yT1bW3eZ5uA8iL6nP2s") String password,
        @Schema(description = "The topic the device publishes to (device credential), or the topic filter the tenant "
                + "service may subscribe to (service credential)", example = "plc/acme/press-01") String topic,
        @Schema(description = "Where to connect: MQTT over TLS (MQTT v5 or v3.1.1), host and port of the platform's "
                + "device listener", example = "ssl://mqtt.example.com:8883") String brokerUrl,
        @Schema(description = "PEM of the CA that signed the broker's certificate; the device must trust it "
                + "(verify the host name as well)", example = "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----\n")
        String caCertificate,
        @Schema(description = "Whether the broker already knows the login: `applied`, or `pending` while the outbox "
                + "applies it (the broker was unreachable); a pending login works as soon as it is applied",
                allowableValues = {"applied", "pending"}, example = "applied") String brokerSync,
        @Schema(description = "Copy-paste shell snippet: saves the CA to tenantry-ca.crt and publishes one reading with "
                + "mosquitto_pub (device credential; QoS 1, MQTT v5) or subscribes with mosquitto_sub (service credential)",
                example = "cat > tenantry-ca.crt <<'EOF'\n-----BEGIN CERTIFICATE-----\n...\nEOF\nmosquitto_pub -h mqtt.example.com -p 8883 --cafile tenantry-ca.crt -V mqttv5 -q 1 -i 't_acme.press-01' -u 't_acme.press-01' -P '<password>' -t 'plc/acme/press-01' -m '{\"fields\":{\"temperature\":21.5}}'")
        String mosquittoExample) {

    /**
     * Builds the credential with its {@code mosquittoExample}.
     *
     * @param device true for a device login (publish example), false for the tenant service (subscribe example)
     */
    public static IssuedCredential of(String username, String password, String topic, String brokerUrl,
                                      String caPem, String brokerSync, boolean device) {
        return new IssuedCredential(username, password, topic, brokerUrl, caPem, brokerSync,
                example(username, password, topic, brokerUrl, caPem, device));
    }

    /**
     * The shell snippet: a here-document writing the CA to {@code tenantry-ca.crt}, then {@code mosquitto_pub -q 1
     * -V mqttv5} of {@code {"fields":{"temperature":21.5}}} to the topic (device), or {@code mosquitto_sub -v} of the
     * topic filter (service). Host and port come from {@code brokerUrl} ({@code ssl://host:port}, port 8883 when
     * absent). Every value is single-quoted; the names and the base64url password hold no quote.
     */
    public static String example(String username, String password, String topic, String brokerUrl, String caPem,
                                 boolean device) {
        URI uri = URI.create(brokerUrl);
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 8883 : uri.getPort();
        String pem = caPem.endsWith("\n") ? caPem : caPem + "\n";
        String common = " -h " + quote(host) + " -p " + port + " --cafile tenantry-ca.crt -V mqttv5 -q 1 -i "
                + quote(username) + " -u " + quote(username) + " -P " + quote(password) + " -t " + quote(topic);
        String cmd = device
                ? "mosquitto_pub" + common + " -m '{\"fields\":{\"temperature\":21.5}}'"
                : "mosquitto_sub" + common + " -v";
        return "cat > tenantry-ca.crt <<'EOF'\n" + pem + "EOF\n" + cmd + "\n";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
