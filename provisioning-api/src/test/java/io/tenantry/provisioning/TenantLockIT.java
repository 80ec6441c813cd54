package io.tenantry.provisioning;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, per-tenant serialisation only where an invariant needs it: a device credential does not wait for a
 * device creation of the same tenant (which holds the tenant row {@code FOR NO KEY UPDATE} for the plan's device
 * limit), but still waits for a status or plan change (which holds it {@code FOR UPDATE}), so it cannot be issued
 * for a tenant being terminated. The locks are held by a second connection, exactly as those transactions take
 * them.
 */
class TenantLockIT extends ProvisioningTestBase {

    /** Holds {@code SELECT … FOR <mode>} on the tenant row in an open transaction until closed. */
    static Connection holdTenantLock(String tenant, String mode) throws Exception {
        Connection c = DriverManager.getConnection(ENV.pgUrl(), ENV.pgOwnerUser(), ENV.pgOwnerPassword());
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM tenants WHERE id = ? FOR " + mode)) {
            s.setObject(1, UUID.fromString(tenant));
            s.executeQuery().close();
        }
        return c;
    }

    CompletableFuture<Map<String, Object>> issueLater(String tenant, Object device) {
        return CompletableFuture.supplyAsync(() -> post(token("owner", tenant),
                "/api/v1/tenants/" + tenant + "/devices/" + device + "/credentials", null, 201));
    }

    @Test
    void aCredentialDoesNotWaitForADeviceCreationOfItsTenant() throws Exception {
        String t = createTenant(slug("lock"), "PRO");
        Object d = createDevice(t, "press-1").get("id");
        try (Connection deviceCreation = holdTenantLock(t, "NO KEY UPDATE")) {
            // with the old FOR UPDATE this request would block until the lock holder ends
            Map<String, Object> issued = issueLater(t, d).get(60, TimeUnit.SECONDS);
            assertThat((String) issued.get("username")).startsWith("t_lock-").endsWith(".press-1");
            assertThat(issued.get("brokerSync")).isEqualTo("applied");
            deviceCreation.rollback();
        }
    }

    @Test
    void aCredentialWaitsForAStatusChangeOfItsTenant() throws Exception {
        String t = createTenant(slug("lock"), "PRO");
        Object d = createDevice(t, "press-1").get("id");
        CompletableFuture<Map<String, Object>> issued;
        try (Connection statusChange = holdTenantLock(t, "UPDATE")) {
            issued = issueLater(t, d);
            Thread.sleep(1500);
            assertThat(issued).as("blocked by the status change's lock").isNotDone();
            statusChange.rollback();
        }
        assertThat(issued.get(60, TimeUnit.SECONDS).get("brokerSync")).isEqualTo("applied");
    }
}
