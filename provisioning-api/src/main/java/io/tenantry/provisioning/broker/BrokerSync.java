package io.tenantry.provisioning.broker;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import io.tenantry.core.broker.BrokerClient;
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

    public BrokerSync(DSLContext dsl, BrokerAdmin broker) {
        this.dsl = dsl;
        this.broker = broker;
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
     * Applies the desired state of {@code username}.
     *
     * @param newPassword a password to set (rotation or creation), or null to keep the broker's
     * @return the changes made, empty when the broker already agreed
     * @throws io.tenantry.core.error.UnavailableException when the broker cannot be reached
     */
    public List<String> apply(String username, String newPassword) {
        Desired d = desired(username);
        List<String> changes = new ArrayList<>();
        Optional<BrokerClient> current = broker.client(username);
        if (!d.exists()) {
            if (current.isPresent()) {
                broker.deleteClient(username);
                changes.add("deleted client " + username);
            }
            if (broker.roleAcls(username).isPresent()) {
                broker.deleteRole(username);
                changes.add("deleted role " + username);
            }
            return changes;
        }
        Optional<List<AclRule>> acls = broker.roleAcls(username);
        if (acls.isEmpty() || !new java.util.HashSet<>(acls.get()).equals(new java.util.HashSet<>(d.acls()))) {
            broker.ensureRole(username, d.acls(), acls); // just read: not read again
            changes.add((acls.isEmpty() ? "created" : "corrected") + " role " + username);
        }
        boolean disabled;
        if (current.isEmpty()) {
            String pw = newPassword;
            if (pw == null) {
                // the broker lost a login whose password only the device knows: recreate it locked; the
                // credential must be rotated (reported)
                pw = HexFormat.of().formatHex(RANDOM.generateSeed(24));
                changes.add("recreated missing client " + username + " with a random password: rotate its credential");
            } else {
                changes.add("created client " + username);
            }
            broker.createClient(username, pw, List.of(username));
            disabled = false;
        } else {
            if (!current.get().roles().equals(List.of(username))) {
                broker.setRoles(username, List.of(username));
                changes.add("corrected roles of " + username);
            }
            disabled = current.get().disabled();
            if (newPassword != null) {
                broker.setPassword(username, newPassword);
                if (!disabled) {
                    // rotation: drop sessions that logged in with the old password
                    broker.disableClient(username);
                    disabled = true;
                }
                changes.add("set password of " + username);
            }
        }
        if (d.enabled() && disabled) {
            broker.enableClient(username);
            if (newPassword == null) {
                changes.add("enabled " + username);
            }
        } else if (!d.enabled() && !disabled) {
            broker.disableClient(username);
            changes.add("disabled " + username);
        }
        return changes;
    }
}
