package io.tenantry.adapters.grafana;

import io.tenantry.adapters.grafana.GrafanaClient.DataSource;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.DashboardJson;
import io.tenantry.core.error.UnavailableException;
import io.tenantry.testsupport.grafana.GrafanaStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GrafanaClient} against {@link GrafanaStub}, which refuses whatever is off Grafana 12.2's documented API
 * (paths, bodies, Basic auth, {@code X-Grafana-Org-Id}) and records it: every test ends with no violation.
 */
class GrafanaClientTest {
    GrafanaStub stub;
    GrafanaClient client;

    @BeforeEach
    void start() throws Exception {
        stub = new GrafanaStub(0, "admin", "s3cret");
        client = new GrafanaClient(stub.url(), "admin", "s3cret", Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void organisationDataSourcesFolderAndDashboardsFollowTheDocumentedApi() {
        assertThat(client.health().path("database").asString()).isEqualTo("ok");
        assertThat(client.orgIdByName("tenantry-acme")).isEmpty();
        long org = client.createOrg("tenantry-acme");
        assertThat(client.orgIdByName("tenantry-acme")).contains(org);
        assertThatThrownBy(() -> client.createOrg("tenantry-acme")).isInstanceOfSatisfying(GrafanaException.class,
                e -> assertThat(e.status()).isEqualTo(409));

        client.createDataSource(org, new DataSource("tn-processo_raw", "processo_raw", "http://127.0.0.1:18085",
                "processo_raw", "t_acme_g1", "pw-1", true));
        assertThat(client.dataSources(org)).singleElement().satisfies(d -> {
            assertThat(d.database()).isEqualTo("processo_raw");
            assertThat(d.user()).isEqualTo("t_acme_g1");
            assertThat(d.password()).as("never returned").isNull();
        });
        assertThat(stub.dataSourceSecret("tenantry-acme", "tn-processo_raw")).isEqualTo("pw-1");
        client.updateDataSource(org, new DataSource("tn-processo_raw", "processo_raw", "http://127.0.0.1:18085",
                "processo_raw", "t_acme_g2", "pw-2", true));
        assertThat(stub.dataSourceSecret("tenantry-acme", "tn-processo_raw")).isEqualTo("pw-2");

        assertThat(client.folderExists(org, "tenantry")).isFalse();
        client.createFolder(org, "tenantry", "Tenantry");
        assertThat(client.folderExists(org, "tenantry")).isTrue();

        ObjectNode dash = (ObjectNode) DashboardJson.tree(DashboardGenerator.generate(DashboardGeneratorTest.model(
                DashboardGeneratorTest.S7)).get(0).dashboard());
        GrafanaClient.SaveResult saved = client.saveDashboard(org, dash, "tenantry", "generated");
        assertThat(saved.version()).isEqualTo(1);
        assertThat(saved.url()).startsWith("/d/tn-overview/");
        assertThat(client.dashboard(org, "tn-overview")).get().satisfies(d -> assertThat(d.version()).isEqualTo(1));
        assertThat(client.dashboards(org)).extracting(GrafanaClient.DashboardHit::uid).containsExactly("tn-overview");

        // the optimistic lock: a save naming an older version is refused, so a user's edit is never overwritten
        stub.userEditsDashboard("tenantry-acme", "tn-overview", "edited by a tenant user");
        dash.put("version", 1);
        assertThatThrownBy(() -> client.saveDashboard(org, dash, "tenantry", "regenerated"))
                .isInstanceOfSatisfying(GrafanaException.class, e -> {
                    assertThat(e.status()).isEqualTo(412);
                    assertThat(e.grafanaStatus()).isEqualTo("version-mismatch");
                });
        dash.put("version", 2);
        assertThat(client.saveDashboard(org, dash, "tenantry", "regenerated").version()).isEqualTo(3);

        assertThat(client.deleteOrg(org)).isTrue();
        assertThat(client.deleteOrg(org)).isFalse();
        assertThat(stub.violations()).isEmpty();
    }

    @Test
    void usersRolesAndDisabling() {
        long org = client.createOrg("tenantry-beta");
        long uid = stub.signInUser("tenantry-beta", "alice", "Viewer");
        assertThat(client.orgUsers(org)).extracting(GrafanaClient.OrgUser::login).contains("admin", "alice");
        client.setOrgRole(org, uid, "Editor");
        assertThat(client.orgUsers(org)).filteredOn(u -> u.login().equals("alice")).singleElement()
                .satisfies(u -> assertThat(u.role()).isEqualTo("Editor"));
        client.setUserDisabled(uid, true);
        assertThat(client.lookupUser("alice")).get().satisfies(u -> assertThat(u.disabled()).isTrue());
        client.setUserDisabled(uid, false);
        assertThat(stub.user("alice").disabled).isFalse();
        long bob = client.createUser("bob", "bob@x.example", "Bob", "pw-long-enough", org);
        client.setOrgRole(org, bob, "Admin");
        assertThat(client.lookupUser("nobody")).isEmpty();
        assertThat(stub.violations()).isEmpty();
    }

    @Test
    void theStubRefusesWhatGrafanaWouldRefuse() {
        GrafanaClient wrong = new GrafanaClient(stub.url(), "admin", "wrong", Duration.ofSeconds(5));
        assertThatThrownBy(() -> wrong.createOrg("x")).isInstanceOfSatisfying(GrafanaException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        // an organisation the admin is not a member of
        assertThatThrownBy(() -> client.dataSources(999)).isInstanceOfSatisfying(GrafanaException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        assertThat(stub.violations()).hasSize(2);
    }

    @Test
    void noAnswerIsUnavailableAndA5xxIsRetriable() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        GrafanaClient nowhere = new GrafanaClient("http://127.0.0.1:" + free, "admin", "s3cret", Duration.ofSeconds(2));
        assertThatThrownBy(nowhere::health).isInstanceOf(UnavailableException.class).hasMessageContaining("did not answer");
        stub.setDown(true);
        assertThatThrownBy(() -> client.orgIdByName("x")).isInstanceOfSatisfying(GrafanaException.class,
                e -> assertThat(e.retriable()).isTrue());
        assertThat(List.of(new GrafanaException(404, "x", null).retriable(), new GrafanaException(412, "x", null).retriable()))
                .containsOnly(false);
    }
}
