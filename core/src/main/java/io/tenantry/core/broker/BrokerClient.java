package io.tenantry.core.broker;

import java.util.List;

/**
 * A broker client (login) as the broker reports it.
 *
 * @param username the MQTT username
 * @param roles    role names attached to the client
 * @param disabled true when the broker refuses the client's connections
 */
public record BrokerClient(String username, List<String> roles, boolean disabled) {
}
