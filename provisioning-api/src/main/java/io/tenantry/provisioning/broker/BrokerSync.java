package io.tenantry.provisioning.broker;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.core.broker.BrokerClient;
import io.tenantry.core.broker.BrokerLogin;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.db.jooq.tables.records.DevicesRecord;
import io.tenantry.db.jooq.tables.records.MqttCredentialsRecord;
import io.tenantry.db.jooq.tables.records.TenantsRecord;
import io.tenantry.core.tenant.TenantStatus;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Brings one broker login to the state PostgreSQL says it should have. Desired state of login {@code u}:
 * <ul>
 *   <li>exists iff a credential row for {@code u} exists (terminating a tenant or deleting a device removes it);</li>
 *   <li>role {@code u} with the ACLs of {@link BrokerAcls} (device or tenant service);</li>
 *   <li>enabled iff the tenant is ACTIVE and (for a device) the device is active.</li>
 * </ul>
 * Idempotent; returns what it had to change (the drift), for the reconciler's report.
 */
@Component
public class BrokerSync {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DSLContext dsl;
    private final BrokerAdmin broker;
    /** Striped locks: a username always maps to the same one (two logins may share one, which only serialises them). */
    private final ReentrantLock[] locks = new ReentrantLock[256];

    public BrokerSync(DSLContext dsl, BrokerAdmin broker) {
        this.dsl = dsl;
        this.broker = broker;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** What one login should look like; {@code acls} empty when it should not exist. */
    record Desired(String username, boolean exists, boolean enabled, List<AclRule> acls) {
    }

    Desired desired(String username) {
        MqttCredentialsRecord cred = dsl.selectFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.USERNAME.eq(username)).fetchOne();
        if (cred == null) {
            return new Desired(username, false, false, List.of());
        }
        TenantsRecord tenant = dsl.selectFrom(TENANTS).where(TENANTS.ID.eq(cred.getTenantId())).fetchOne();
        if (tenant == null || TenantStatus.TERMINATED.name().equals(tenant.getStatus())) {
            return new Desired(username, false, false, List.of());
        }
        TenantSlug slug = TenantSlug.of(tenant.getSlug());
        boolean tenantActive = TenantStatus.ACTIVE.name().equals(tenant.getStatus());
        if (cred.getDeviceId() == null) {
            return new Desired(username, true, tenantActive, BrokerAcls.tenantService(slug));
        }
        DevicesRecord device = dsl.selectFrom(DEVICES).where(DEVICES.ID.eq(cred.getDeviceId())).fetchOne();
        if (device == null) {
            return new Desired(username, false, false, List.of());
        }
        List<AclRule> acls = BrokerAcls.device(slug, PlcId.of(device.getPlcId()));
        if (quotaBlocked(cred.getTenantId())) {
            // issue 10 hard cap: far over its daily budget, the tenant's devices may not publish until the block ends
            acls = acls.stream().filter(a -> a.type() != AclRule.Type.PUBLISH_CLIENT_SEND).toList();
        }
        return new Desired(username, true, tenantActive && device.getActive(), acls);
    }

    /** True while the tenant has a quota block ({@code quota_blocks}, Flyway V7_1) for the current UTC day or later. */
    private boolean quotaBlocked(java.util.UUID tenant) {
        return dsl.fetchOne("SELECT 1 FROM quota_blocks WHERE tenant_id = ? AND day >= (now() AT TIME ZONE 'UTC')::date",
                tenant) != null;
    }

    /**
     * The desired state of every login PostgreSQL knows, from one query (credentials joined to their tenant and
     * device; same rules as {@link #desired(String)}), for the reconciler's bulk comparison (issue 15).
     */
    Map<String, Desired> desiredAll() {
        Map<String, Desired> all = new HashMap<>();
        dsl.select(MQTT_CREDENTIALS.USERNAME, MQTT_CREDENTIALS.DEVICE_ID, TENANTS.SLUG, TENANTS.STATUS,
                        DEVICES.ID, DEVICES.PLC_ID, DEVICES.ACTIVE)
                .from(MQTT_CREDENTIALS)
                .leftJoin(TENANTS).on(TENANTS.ID.eq(MQTT_CREDENTIALS.TENANT_ID))
                .leftJoin(DEVICES).on(DEVICES.ID.eq(MQTT_CREDENTIALS.DEVICE_ID))
                .fetch()
                .forEach(r -> {
                    String u = r.get(MQTT_CREDENTIALS.USERNAME);
                    String status = r.get(TENANTS.STATUS);
                    Desired d;
                    if (status == null || TenantStatus.TERMINATED.name().equals(status)) {
                        d = new Desired(u, false, false, List.of());
                    } else {
                        TenantSlug slug = TenantSlug.of(r.get(TENANTS.SLUG));
                        boolean tenantActive = TenantStatus.ACTIVE.name().equals(status);
                        if (r.get(MQTT_CREDENTIALS.DEVICE_ID) == null) {
                            d = new Desired(u, true, tenantActive, BrokerAcls.tenantService(slug));
                        } else if (r.get(DEVICES.ID) == null) {
                            d = new Desired(u, false, false, List.of());
                        } else {
                            d = new Desired(u, true, tenantActive && r.get(DEVICES.ACTIVE),
                                    BrokerAcls.device(slug, PlcId.of(r.get(DEVICES.PLC_ID))));
                        }
                    }
                    all.put(u, d);
                });
        return all;
    }

    /**
     * True when the broker's state of one login (as listed in bulk) already is {@code d}: nothing for
     * {@link #apply} to do.
     *
     * @param client the broker's client of that name, or null
     * @param acls   the ACLs of the broker's role of that name, or null when there is no such role
     */
    static boolean agrees(Desired d, BrokerClient client, List<AclRule> acls) {
        if (!d.exists()) {
            return client == null && acls == null;
        }
        return client != null && acls != null
                && new HashSet<>(acls).equals(new HashSet<>(d.acls()))
                && client.roles().equals(List.of(d.username()))
                && client.disabled() == !d.enabled();
    }

    /**
     * Applies the desired state of {@code username}. One login is synced by one thread at a time in this process
     * (striped locks by username), so an outbox entry, a quota-block entry and the reconciler never interleave their
     * read-then-write on the same login; different logins proceed in parallel (issue 15).
     * <p>
     * Broker round trips (issue 15): one batched read of client and role ({@link BrokerAdmin#login}); a new login
     * is one batched write (role, client), a rotation one (password, disable, enable), a removal one (client, then
     * role).
     *
     * @param newPassword a password to set (rotation or creation), or null to keep the broker's
     * @return the changes made, empty when the broker already agreed
     * @throws io.tenantry.core.error.UnavailableException when the broker cannot be reached
     */
    public List<String> apply(String username, String newPassword) {
        ReentrantLock lock = locks[Math.floorMod(username.hashCode(), locks.length)];
        lock.lock();
        try {
            return applyLocked(username, newPassword);
        } finally {
            lock.unlock();
        }
    }

    private List<String> applyLocked(String username, String newPassword) {
        Desired d = desired(username);
        List<String> changes = new ArrayList<>();
        BrokerLogin have = broker.login(username);
        Optional<BrokerClient> current = have.client();
        Optional<List<AclRule>> acls = have.roleAcls();
        if (!d.exists()) {
            if (current.isPresent() || acls.isPresent()) {
                broker.deleteLogin(username); // client first, then role
                current.ifPresent(c -> changes.add("deleted client " + username));
                acls.ifPresent(a -> changes.add("deleted role " + username));
            }
            return changes;
        }
        if (current.isEmpty() && acls.isEmpty()) {
            String pw = newPassword;
            if (pw == null) {
                // the broker lost a login whose password only the device knows: recreate it locked; the
                // credential must be rotated (reported)
                pw = HexFormat.of().formatHex(RANDOM.generateSeed(24));
                changes.add("created role " + username);
                changes.add("recreated missing client " + username + " with a random password: rotate its credential");
            } else {
                changes.add("created role " + username);
                changes.add("created client " + username);
            }
            broker.createLogin(username, pw, d.acls(), d.enabled());
            if (!d.enabled()) {
                changes.add("disabled " + username);
            }
            return changes;
        }
        if (acls.isEmpty() || !new HashSet<>(acls.get()).equals(new HashSet<>(d.acls()))) {
            broker.ensureRole(username, d.acls(), acls); // just read: not read again
            changes.add((acls.isEmpty() ? "created" : "corrected") + " role " + username);
        }
        if (current.isEmpty()) {
            String pw = newPassword;
            if (pw == null) {
                pw = HexFormat.of().formatHex(RANDOM.generateSeed(24));
                changes.add("recreated missing client " + username + " with a random password: rotate its credential");
            } else {
                changes.add("created client " + username);
            }
            broker.createClient(username, pw, List.of(username));
            if (!d.enabled()) {
                broker.disableClient(username);
                changes.add("disabled " + username);
            }
            return changes;
        }
        if (!current.get().roles().equals(List.of(username))) {
            broker.setRoles(username, List.of(username));
            changes.add("corrected roles of " + username);
        }
        boolean disabled = current.get().disabled();
        if (newPassword != null) {
            // rotation: the new password, and drop sessions that logged in with the old one (disable kicks them)
            broker.rotatePassword(username, newPassword, d.enabled());
            changes.add("set password of " + username);
            if (!d.enabled() && !disabled) {
                changes.add("disabled " + username);
            }
            return changes;
        }
        if (d.enabled() && disabled) {
            broker.enableClient(username);
            changes.add("enabled " + username);
        } else if (!d.enabled() && !disabled) {
            broker.disableClient(username);
            changes.add("disabled " + username);
        }
        return changes;
    }
}
