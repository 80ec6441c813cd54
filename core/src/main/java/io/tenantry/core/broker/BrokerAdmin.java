package io.tenantry.core.broker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Manages MQTT logins and topic ACLs in the broker. Port; {@code MosquittoDynsecBrokerAdmin} drives Mosquitto's
 * dynamic-security plugin over {@code $CONTROL/dynamic-security/v1}. Every method is idempotent where the name
 * says "ensure", so a reconciler may call it again after a partial failure.
 * <p>
 * Errors: {@link io.tenantry.core.error.UnavailableException} when the broker cannot be reached or does not
 * answer in time (retriable); {@link BrokerCommandException} when the broker refused a command.
 */
public interface BrokerAdmin {
    /** Creates or replaces a role so its ACLs are exactly {@code acls}. */
    void ensureRole(String role, List<AclRule> acls);

    /**
     * Like {@link #ensureRole(String, List)} for a caller that has just read the role's ACLs ({@link #roleAcls}):
     * adapters may skip reading them again (one broker round trip less per login; issue 15).
     *
     * @param current the role's ACLs as just read, empty when the role does not exist
     */
    default void ensureRole(String role, List<AclRule> acls, Optional<List<AclRule>> current) {
        ensureRole(role, acls);
    }

    /** Deletes a role; absent roles are fine. */
    void deleteRole(String role);

    /**
     * Creates a client with {@code password} and exactly {@code roles}.
     *
     * @throws BrokerCommandException when a client of that name exists already
     */
    void createClient(String username, String password, List<String> roles);

    /**
     * Sets an existing client's roles to exactly {@code roles} (adds the missing, removes the others); its password
     * and connections are untouched.
     *
     * @throws BrokerCommandException when the client does not exist
     */
    void setRoles(String username, List<String> roles);

    /**
     * Creates the client with {@code password} and {@code roles} if absent; if present, only sets its roles
     * ({@link #setRoles}; the password is left alone, use {@link #setPassword} to rotate). For set-up code that
     * knows the password either way (platform service logins, test fixtures).
     */
    default void ensureClient(String username, String password, List<String> roles) {
        if (client(username).isPresent()) {
            setRoles(username, roles);
        } else {
            createClient(username, password, roles);
        }
    }

    /** Sets a client's password; takes effect at the next connect. */
    void setPassword(String username, String password);

    /** Enables a client's logins. */
    void enableClient(String username);

    /** Disables a client; the broker drops its current connections at once. */
    void disableClient(String username);

    /** Deletes a client (its connections are dropped); absent clients are fine. */
    void deleteClient(String username);

    /** The client, or empty when the broker has none of that name. */
    Optional<BrokerClient> client(String username);

    /** All client usernames the broker knows. */
    Set<String> clientNames();

    /** All role names the broker knows. */
    Set<String> roleNames();

    /** ACLs of a role, or empty when absent. */
    Optional<List<AclRule>> roleAcls(String role);

    /**
     * The client and the role named {@code username}, in one read where the adapter can (issue 15: one round trip
     * instead of two per login sync). The default asks {@link #client} and {@link #roleAcls} in turn.
     */
    default BrokerLogin login(String username) {
        return new BrokerLogin(client(username), roleAcls(username));
    }

    /**
     * Creates a login that does not exist yet: role {@code username} with exactly {@code acls}, then client
     * {@code username} with {@code password} holding only that role, disabled at once when {@code enabled} is
     * false. Adapters send it as one batch (issue 15: one round trip instead of two or three); the commands are
     * applied in that order, so the client never exists without its role.
     *
     * @throws BrokerCommandException when the role or the client exists already (nothing is half-created by the
     *                                role step alone: a retry reads the state again)
     */
    default void createLogin(String username, String password, List<AclRule> acls, boolean enabled) {
        ensureRole(username, acls, Optional.empty());
        createClient(username, password, List.of(username));
        if (!enabled) {
            disableClient(username);
        }
    }

    /**
     * Rotates an existing client's password and drops the sessions that logged in with the old one: sets the
     * password, disables the client (the broker kicks its connections), then enables it again when
     * {@code enabledAfter}. Adapters send it as one batch, in that order.
     *
     * @throws BrokerCommandException when the client does not exist
     */
    default void rotatePassword(String username, String password, boolean enabledAfter) {
        setPassword(username, password);
        disableClient(username);
        if (enabledAfter) {
            enableClient(username);
        }
    }

    /**
     * Deletes client {@code username} and then its role (never the role first: Mosquitto 2.0.11 crashed deleting a
     * role a client still held); absent ones are fine. Adapters send it as one batch, in that order.
     */
    default void deleteLogin(String username) {
        deleteClient(username);
        deleteRole(username);
    }

    /**
     * Every client the broker knows, by username, with its roles and state: a bulk read for a full reconciliation
     * (issue 15: its cost must not be one round trip per login). The default asks client by client; adapters
     * override it with one command.
     */
    default Map<String, BrokerClient> clients() {
        Map<String, BrokerClient> all = new HashMap<>();
        for (String u : clientNames()) {
            client(u).ifPresent(c -> all.put(u, c));
        }
        return all;
    }

    /**
     * Every role the broker knows, by name, with its ACLs; like {@link #clients()} a bulk read (the default asks
     * role by role).
     */
    default Map<String, List<AclRule>> roles() {
        Map<String, List<AclRule>> all = new HashMap<>();
        for (String r : roleNames()) {
            roleAcls(r).ifPresent(a -> all.put(r, a));
        }
        return all;
    }
}
