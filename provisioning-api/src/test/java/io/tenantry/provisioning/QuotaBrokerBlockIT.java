package io.tenantry.provisioning;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's hard cap at the broker, provisioning-api's half: quota-service blocks a tenant ({@code quota_blocks})
 * and writes an outbox entry of kind {@code quota.broker}; the outbox processor (polling every 2 s) makes every
 * device login of the tenant lose its publish right, the reconciler keeps it that way, another tenant's devices are
 * untouched, and lifting the block restores it. (quota-service's half, when to block and lift, is UsageBillingIT's.)
 */
class QuotaBrokerBlockIT extends ProvisioningTestBase {
    @Autowired
    BrokerAdmin broker;
    @Autowired
    DSLContext dsl;

    private String login(String tenant, String plc) {
        Object deviceId = createDevice(tenant, plc).get("id");
        Map<String, Object> c = post(token("owner", tenant), "/api/v1/tenants/" + tenant + "/devices/" + deviceId + "/credentials", null, 201);
        return (String) c.get("username");
    }

    private boolean canPublish(String username) {
        List<AclRule> acls = broker.roleAcls(username).orElseThrow();
        return acls.stream().anyMatch(a -> a.type() == AclRule.Type.PUBLISH_CLIENT_SEND && a.allow());
    }

    private void outbox(String tenant) {
        dsl.execute("INSERT INTO outbox (kind, tenant_id, aggregate_id, created_at, attempts, next_attempt_at)"
                + " VALUES ('quota.broker', ?::uuid, ?, now(), 0, now())", tenant, tenant);
    }

    @Test
    void aBlockedTenantsDevicesLoseThePublishRightUntilTheBlockIsLifted() {
        String t = createTenant(slug("capped"), "PRO");
        String other = createTenant(slug("neighbour"), "PRO");
        String a = login(t, "plc-a");
        String b = login(t, "plc-b");
        String n = login(other, "plc-n");
        assertThat(canPublish(a)).isTrue();
        dsl.transaction(c -> {
            c.dsl().execute("INSERT INTO quota_blocks (tenant_id, day, detail, created_at)"
                    + " VALUES (?::uuid, (now() AT TIME ZONE 'UTC')::date, 'IT', now())", t);
            c.dsl().execute("INSERT INTO outbox (kind, tenant_id, aggregate_id, created_at, attempts, next_attempt_at)"
                    + " VALUES ('quota.broker', ?::uuid, ?, now(), 0, now())", t, t);
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> !canPublish(a) && !canPublish(b));
        assertThat(canPublish(n)).isTrue();
        // still subscribed to its command topic
        assertThat(broker.roleAcls(a).orElseThrow()).anyMatch(r -> r.type() == AclRule.Type.SUBSCRIBE_PATTERN);
        // the reconciler derives the same state: no drift reported, nothing restored
        Map<String, Object> report = post(adminToken(), "/api/v1/admin/reconcile", null, 200);
        assertThat(String.valueOf(report)).doesNotContain(a);
        assertThat(canPublish(a)).isFalse();
        // a block of a past day is no block: lifting (quota-service deletes it and writes the outbox) restores
        dsl.execute("DELETE FROM quota_blocks WHERE tenant_id = ?::uuid", t);
        outbox(t);
        await().atMost(Duration.ofSeconds(15)).until(() -> canPublish(a) && canPublish(b));
    }
}
