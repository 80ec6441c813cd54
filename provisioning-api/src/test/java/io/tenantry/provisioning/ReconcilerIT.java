package io.tenantry.provisioning;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerAdmin;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler brings the broker and InfluxDB back to the state PostgreSQL describes, and reports the drift.
 */
class ReconcilerIT extends ProvisioningTestBase {
    @Autowired
    BrokerAdmin broker;

    @Test
    @SuppressWarnings("unchecked")
    void fixesBrokerDriftAndReportsIt() {
        String slug = slug("drift");
        String t = createTenant(slug, "PRO");
        Object d = createDevice(t, "press-1").get("id");
        String username = (String) post(token("owner", t), "/api/v1/tenants/" + t + "/devices/" + d + "/credentials", null, 201).get("username");
        // drift: someone disables the device by hand, widens its role, and adds a login the database does not know
        broker.disableClient(username);
        broker.ensureRole(username, List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, "plc/#")));
        String orphan = "t_" + slug + "_ghost";
        broker.ensureRole(orphan, List.of());
        broker.ensureClient(orphan, UUID.randomUUID().toString(), List.of(orphan));

        Map<String, Object> report = post(adminToken(), "/api/v1/admin/reconcile", null, 200);
        List<String> drift = (List<String>) report.get("drift");
        assertThat(drift).contains("enabled " + username, "corrected role " + username, "deleted client " + orphan,
                "deleted role " + orphan);
        assertThat((List<String>) report.get("problems")).isEmpty();
        assertThat(broker.client(username)).hasValueSatisfying(c -> assertThat(c.disabled()).isFalse());
        assertThat(broker.roleAcls(username).orElseThrow()).extracting(AclRule::topic)
                .containsExactlyInAnyOrder("plc/" + slug + "/press-1", "plc/" + slug + "/press-1/cmd/#", "plc/" + slug + "/press-1/cmd/#");
        assertThat(broker.client(orphan)).isEmpty();

        // a second run finds nothing left to fix for this tenant
        Map<String, Object> again = post(adminToken(), "/api/v1/admin/reconcile", null, 200);
        assertThat((List<String>) again.get("drift")).noneMatch(s -> s.contains(slug));
    }

    @Test
    void sharedBucketsAndLeastPrivilegeServiceUsersExist() {
        InfluxV1Client admin = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(10));
        assertThat(admin.query("SHOW DATABASES", null).get(0).rows()).extracting(r -> r.get(0))
                .contains("processo_raw", "processo", "processo_1m", "platform_metrics");
        assertThat(admin.query("SHOW GRANTS FOR " + "\"" + ENV.ingestInfluxUser() + "\"", null).get(0).rows())
                .containsExactly(List.of("processo_raw", "WRITE"));
        assertThat(admin.query("SHOW GRANTS FOR " + "\"" + ENV.apiInfluxUser() + "\"", null).get(0).rows())
                .containsExactlyInAnyOrder(List.of("processo_raw", "READ"), List.of("processo", "READ"), List.of("processo_1m", "READ"),
                        List.of("platform_metrics", "READ")); // the query gateway's default user; it filters platform_metrics per tenant
        // none of them is an admin
        assertThat(admin.query("SHOW USERS", null).get(0).rows())
                .filteredOn(r -> List.of(ENV.ingestInfluxUser(), ENV.apiInfluxUser(), ENV.jobsInfluxUser()).contains(r.get(0)))
                .hasSize(3).allSatisfy(r -> assertThat(r.get(1)).isEqualTo(false));
    }
}
