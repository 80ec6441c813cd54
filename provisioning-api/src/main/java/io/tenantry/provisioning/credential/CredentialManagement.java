package io.tenantry.provisioning.credential;

import io.tenantry.core.error.ConflictException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.MqttNames;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.db.jooq.tables.records.MqttCredentialsRecord;
import io.tenantry.provisioning.audit.AuditLog;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.config.ProvisioningProperties;
import io.tenantry.provisioning.device.Device;
import io.tenantry.provisioning.device.Devices;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.support.Db;
import io.tenantry.provisioning.tenant.Tenant;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.provisioning.tenant.Tenants;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;

/**
 * Issues and rotates MQTT credentials (note 000 "create/rotate credential device"; note 003 §4 usernames, as changed
 * by issue 7): a device login {@code t_<slug>.<plc_id>} bound to its topic, and a tenant service login
 * {@code t_<slug>:svc} that may read {@code plc/<slug>/#} ({@link MqttNames}: these names cannot collide). Issuing
 * again rotates: the broker gets the new password and drops sessions that used the old one. Only a hash is stored
 * ({@link SecretHash}: SHA-256 of the random 192-bit password since issue 15; older bcrypt hashes stay valid); the
 * new password reaches the broker through the outbox.
 * <p>
 * Ownership: a credential row is found by its owner (tenant and device, or tenant alone for the service login),
 * never by username, and a username already held by another owner is never overwritten, so no request can take
 * over another tenant's or device's login. A legacy (V1-named) login is renamed when it is issued again: the old
 * login is deleted from the broker in the same outbox run that creates the new one.
 * <p>
 * The outbox applies the broker change right after commit, before the response leaves, so the response usually
 * says {@code applied}: clients (docs/onboarding.md, the demo, the edge agent) connect with the credential at once.
 * <p>
 * Concurrency (issue 15): the password and its hash are made before the transaction opens, so the tenant row lock
 * and the audit chain's lock are held only for a few short statements. A device credential locks the tenant row
 * only {@code FOR KEY SHARE} (its status cannot change meanwhile; device creations of the same tenant, which lock
 * it {@code FOR NO KEY UPDATE} for the plan's device limit, do not wait) and the device row for update. The
 * hash is SHA-256 (microseconds), no longer bcrypt cost 10 (60–100 ms of CPU per credential): see
 * {@link SecretHash} for the decision.
 */
@Service
public class CredentialManagement {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DSLContext dsl;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Tenants tenants;
    private final Devices devices;
    private final ProvisioningProperties props;
    private final Clock clock;

    public CredentialManagement(DSLContext dsl, AuditLog audit, Outbox outbox, Tenants tenants, Devices devices,
                                ProvisioningProperties props, Clock clock) {
        this.dsl = dsl;
        this.audit = audit;
        this.outbox = outbox;
        this.tenants = tenants;
        this.devices = devices;
        this.props = props;
        this.clock = clock;
    }

    /**
     * Issues (or rotates) the device's credential.
     *
     * @throws io.tenantry.core.error.NotFoundException for another tenant's device
     * @throws ConflictException when the tenant is terminated
     */
    public IssuedCredential issueForDevice(Actor actor, String requestId, TenantId tenant, DeviceId device) {
        actor.requireDeviceAdmin(tenant);
        String password = newPassword();
        String hash = SecretHash.of(password);
        String[] out = new String[2];
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            Tenant t = usable(tenants.lockAgainstChanges(tx, tenant), tenant);
            Device d = devices.lock(tx, tenant, device); // two issuances of one device serialise here
            TenantSlug slug = t.slug();
            PlcId plc = d.plcId();
            String username = MqttNames.deviceUsername(slug, plc);
            boolean rotated = store(tx, tenant, device, username, password, hash);
            if (!username.equals(d.mqttUsername())) {
                devices.setMqttUsername(tx, device, username);
            }
            audit.append(tx, actor, tenant, rotated ? "credential.rotated" : "credential.issued", "mqtt:" + username,
                    requestId, Map.of("device", device.toString()));
            out[0] = username;
            out[1] = MqttNames.telemetryTopic(slug, plc);
        });
        return issued(out[0], password, out[1], true);
    }

    /** Issues (or rotates) the tenant service login {@code t_<slug>:svc}, which may read {@code plc/<slug>/#}. */
    public IssuedCredential issueForTenantService(Actor actor, String requestId, TenantId tenant) {
        actor.requireDeviceAdmin(tenant);
        String password = newPassword();
        String hash = SecretHash.of(password);
        String[] out = new String[2];
        dsl.transaction(c -> {
            DSLContext tx = c.dsl();
            Tenant t = usable(tenants.lock(tx, tenant), tenant); // the service login: one per tenant
            TenantSlug slug = t.slug();
            String username = MqttNames.serviceUsername(slug);
            boolean rotated = store(tx, tenant, null, username, password, hash);
            audit.append(tx, actor, tenant, rotated ? "credential.rotated" : "credential.issued", "mqtt:" + username,
                    requestId, Map.of("service", "true"));
            out[0] = username;
            out[1] = MqttNames.tenantTopicFilter(slug);
        });
        return issued(out[0], password, out[1], false);
    }

    private static Tenant usable(Tenant t, TenantId tenant) {
        if (t.status() == TenantStatus.TERMINATED) {
            throw new ConflictException("provisioning:tenant.terminated", "tenant " + tenant + " is terminated");
        }
        return t;
    }

    /**
     * Upserts the owner's login and queues the broker change; true when it replaced an earlier password.
     * The row is looked up by owner ({@code tenant} + {@code device}, or {@code tenant} with no device for the
     * service login). A different (legacy) name of the same owner is deleted and its broker login removed.
     *
     * @param hash {@link SecretHash#of} of {@code password}, computed by the caller before the transaction
     *
     * @throws IllegalStateException when {@code username} is held by another owner: impossible with the
     *                               {@link MqttNames} scheme, refused rather than handed over if it ever happens
     */
    private boolean store(DSLContext tx, TenantId tenant, DeviceId device, String username, String password, String hash) {
        var now = Db.now(clock);
        var owner = MQTT_CREDENTIALS.TENANT_ID.eq(tenant.value()).and(device == null
                ? MQTT_CREDENTIALS.DEVICE_ID.isNull() : MQTT_CREDENTIALS.DEVICE_ID.eq(device.value()));
        MqttCredentialsRecord own = tx.selectFrom(MQTT_CREDENTIALS).where(owner).forUpdate().fetchOne();
        MqttCredentialsRecord named = tx.selectFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.USERNAME.eq(username))
                .forUpdate().fetchOne();
        if (named != null && (own == null || !own.getUsername().equals(username))) {
            throw new IllegalStateException("MQTT username " + username + " is held by another owner; refusing to reassign it");
        }
        boolean existed = own != null;
        if (own != null && !own.getUsername().equals(username)) {
            // legacy name of the same owner: drop it; the outbox entry deletes the broker login and role
            tx.deleteFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.USERNAME.eq(own.getUsername())).execute();
            outbox.enqueueBrokerSync(tx, tenant, own.getUsername(), null);
            own = null;
        }
        if (own != null) {
            tx.update(MQTT_CREDENTIALS).set(MQTT_CREDENTIALS.PASSWORD_HASH, hash).set(MQTT_CREDENTIALS.ROTATED_AT, now)
                    .where(MQTT_CREDENTIALS.USERNAME.eq(username)).and(owner).execute();
        } else {
            tx.insertInto(MQTT_CREDENTIALS)
                    .set(MQTT_CREDENTIALS.USERNAME, username)
                    .set(MQTT_CREDENTIALS.TENANT_ID, tenant.value())
                    .set(MQTT_CREDENTIALS.DEVICE_ID, device == null ? null : device.value())
                    .set(MQTT_CREDENTIALS.PASSWORD_HASH, hash)
                    .set(MQTT_CREDENTIALS.CREATED_AT, now)
                    .set(MQTT_CREDENTIALS.ROTATED_AT, now)
                    .execute();
        }
        outbox.enqueueBrokerSync(tx, tenant, username, password);
        return existed;
    }

    /** Reports, after commit, whether the outbox has already brought the broker in step. */
    private IssuedCredential issued(String username, String password, String topic, boolean device) {
        boolean pending = outbox.pending(dsl, username);
        return IssuedCredential.of(username, password, topic, props.mqtt().deviceUrl(), caPem(),
                pending ? "pending" : "applied", device);
    }

    private String caPem() {
        try {
            return Files.readString(props.mqtt().caFile(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read broker CA " + props.mqtt().caFile(), e);
        }
    }

    /** 24 random bytes (192 bits) from {@link SecureRandom}, base64url: 32 characters. */
    private static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

}
