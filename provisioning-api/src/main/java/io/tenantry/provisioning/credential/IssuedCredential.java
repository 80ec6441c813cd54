package io.tenantry.provisioning.credential;

/**
 * A freshly issued MQTT credential. The password is shown once and never stored in clear (only a bcrypt hash).
 *
 * @param username      MQTT username ({@code t_<slug>.<plc_id>} or {@code t_<slug>:svc}; see MqttNames)
 * @param password      the new password (random, 32 characters, base64url)
 * @param topic         the topic (device) or topic filter (tenant service) the login is bound to
 * @param brokerUrl     where devices connect ({@code ssl://host:8883})
 * @param caCertificate PEM of the CA that signed the broker's certificate
 * @param brokerSync    {@code applied} when the broker already has it, {@code pending} when the outbox will
 *                      apply it as soon as the broker is reachable
 */
public record IssuedCredential(String username, String password, String topic, String brokerUrl, String caCertificate,
                               String brokerSync) {
}
