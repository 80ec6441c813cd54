package io.tenantry.core.broker;

import java.util.List;
import java.util.Optional;

/**
 * What the broker has of one login: the client and the role of the same name, read together
 * ({@link BrokerAdmin#login(String)}).
 *
 * @param client   the client, or empty when the broker has none of that name
 * @param roleAcls the ACLs of the role of that name, or empty when there is no such role
 */
public record BrokerLogin(Optional<BrokerClient> client, Optional<List<AclRule>> roleAcls) {
}
