package io.tenantry.adapters.grafana;

import io.tenantry.adapters.grafana.GrafanaClient.DataSource;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator.Generated;
import io.tenantry.adapters.grafana.dashboard.DashboardJson;
import io.tenantry.adapters.grafana.dashboard.TenantModel;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Grafana side of a tenant's organisation (issue 14), one step per method, each idempotent and reporting what it
 * changed into {@code changes}: the provisioning API's {@code GrafanaSync} drives it from PostgreSQL, the main job
 * drives it against the Grafana stub. Keeps no state: what was saved before comes in through {@link Saved}.
 */
public final class GrafanaProvisioner {
    /** The folder holding the generated dashboards. */
    public static final String FOLDER_UID = "tenantry";
    /** The buckets each organisation gets a data source for (tenant view names; the gateway maps placements). */
    public static final List<Bucket> BUCKETS = SharedBuckets.ALL;

    private final GrafanaClient grafana;
    private final String gatewayUrl;
    private final String adminLogin;
    private final String linkBase;

    /**
     * @param grafana    client with the server admin's credential
     * @param gatewayUrl the URL every data source points at (the query gateway, never InfluxDB)
     * @param adminLogin the server admin's login (never disabled with a tenant's users)
     * @param linkBase   Grafana URL users open, for dashboard links (no trailing slash)
     */
    public GrafanaProvisioner(GrafanaClient grafana, String gatewayUrl, String adminLogin, String linkBase) {
        this.grafana = grafana;
        this.gatewayUrl = gatewayUrl;
        this.adminLogin = adminLogin;
        this.linkBase = linkBase.endsWith("/") ? linkBase.substring(0, linkBase.length() - 1) : linkBase;
    }

    /** The organisation name of a tenant: {@code tn-<slug>} (slugs are unique and never change). */
    public static String orgName(String slug) {
        return "tn-" + slug;
    }

    /** A gateway credential for the data sources. */
    public record Credential(String user, String secret) {
    }

    /** The organisation's id, created when missing. */
    public long ensureOrg(String slug, List<String> changes) {
        return grafana.orgIdByName(orgName(slug)).orElseGet(() -> {
            long created = grafana.createOrg(orgName(slug));
            changes.add("created organisation " + orgName(slug) + " (" + created + ")");
            return created;
        });
    }

    /** Deletes the organisation when it exists. */
    public void removeOrg(String slug, List<String> changes) {
        Optional<Long> org = grafana.orgIdByName(orgName(slug));
        if (org.isPresent() && grafana.deleteOrg(org.get())) {
            changes.add("deleted organisation " + orgName(slug));
        }
    }

    /**
     * Puts the four data sources in place. When one is missing or differs (URL, database, name, default, user ≠
     * {@code currentUser}), a fresh credential is taken from {@code fresh} and every data source gets it.
     *
     * @return the credential user the data sources now hold
     */
    public String ensureDataSources(long org, String currentUser, Supplier<Credential> fresh, List<String> changes) {
        List<DataSource> existing = grafana.dataSources(org);
        boolean renew = currentUser == null;
        for (Bucket b : BUCKETS) {
            DataSource want = desired(b, currentUser, null);
            Optional<DataSource> have = existing.stream().filter(d -> d.uid().equals(want.uid())).findFirst();
            if (have.isEmpty() || !have.get().user().equals(currentUser) || !have.get().url().equals(want.url())
                    || !have.get().database().equals(want.database()) || !have.get().name().equals(want.name())
                    || have.get().isDefault() != want.isDefault()) {
                renew = true;
            }
        }
        if (!renew) {
            return currentUser;
        }
        Credential cred = fresh.get();
        for (Bucket b : BUCKETS) {
            DataSource want = desired(b, cred.user(), cred.secret());
            if (existing.stream().anyMatch(d -> d.uid().equals(want.uid()))) {
                grafana.updateDataSource(org, want);
                changes.add("updated data source " + want.name());
            } else {
                existing.stream().filter(d -> d.name().equals(want.name())).findFirst()
                        .ifPresent(d -> grafana.deleteDataSource(org, d.uid())); // a user's one squatting our name
                grafana.createDataSource(org, want);
                changes.add("created data source " + want.name());
            }
        }
        changes.add("credential " + cred.user() + " in the data sources");
        return cred.user();
    }

    private DataSource desired(Bucket b, String user, String secret) {
        return new DataSource(DashboardGenerator.dataSourceUid(b.database()), b.database(), gatewayUrl, b.database(),
                user, secret, b.equals(SharedBuckets.RAW));
    }

    /** Disables (suspension) or enables (activation) every member of the organisation but the server admin. */
    public void setUsersDisabled(long org, boolean disabled, List<String> changes) {
        for (GrafanaClient.OrgUser u : grafana.orgUsers(org)) {
            if (u.login().equals(adminLogin)) {
                continue;
            }
            Optional<GrafanaClient.User> user = grafana.lookupUser(u.login());
            if (user.isPresent() && user.get().disabled() != disabled) {
                grafana.setUserDisabled(u.userId(), disabled);
                changes.add((disabled ? "disabled user " : "enabled user ") + u.login());
            }
        }
    }

    /** The folder of the generated dashboards. */
    public void ensureFolder(long org, List<String> changes) {
        if (!grafana.folderExists(org, FOLDER_UID)) {
            grafana.createFolder(org, FOLDER_UID, "Tenantry (generated)");
            changes.add("created folder " + FOLDER_UID);
        }
    }

    /** What we saved last time for a dashboard uid: content hash and Grafana's version after our save. */
    public record Saved(String contentHash, long grafanaVersion, boolean edited) {
    }

    /** What happened to one generated dashboard. */
    public enum Action { SAVED, UNCHANGED, KEPT_EDITED, KEPT_UNKNOWN, REFUSED_BY_LIMIT }

    /**
     * One generated dashboard's outcome.
     *
     * @param version Grafana's version after our save (SAVED), or the version found
     * @param url     link for users ({@code <linkBase>/d/<uid>/<slug>}), null when refused
     */
    public record Outcome(Generated generated, Action action, long version, String url, String contentHash) {
    }

    /**
     * The dashboards' result.
     *
     * @param limitError {@code grafana:plan.dashboard-limit …} naming the plan, its limit and what was not generated;
     *                   null when everything fit
     */
    public record DashboardsResult(List<Outcome> outcomes, String limitError) {
    }

    /**
     * Generates the tenant's dashboards and saves those that changed, within the plan's limit (the tenant's own
     * dashboards count). A dashboard whose Grafana version moved past the one we saved ({@code saved}) was edited
     * by a tenant user and is kept; one present in Grafana we have no record of is kept too.
     *
     * @param saved what we saved before, by uid (null = nothing)
     */
    public DashboardsResult syncDashboards(long org, TenantModel model, Function<String, Saved> saved, List<String> changes) {
        List<Generated> generated = DashboardGenerator.generate(model);
        List<String> generatedUids = generated.stream().map(Generated::uid).toList();
        long own = grafana.dashboards(org).stream()
                .filter(h -> !h.tags().contains(DashboardGenerator.TAG) && !generatedUids.contains(h.uid())).count();
        int room = (int) Math.max(0, model.maxDashboards() - own);
        List<Outcome> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < generated.size(); i++) {
            Generated g = generated.get(i);
            Saved before = saved.apply(g.uid());
            Optional<GrafanaClient.SavedDashboard> inGrafana = grafana.dashboard(org, g.uid());
            String hash = DashboardJson.contentHash(g.dashboard());
            if (i >= room && inGrafana.isEmpty()) {
                refused.add(g.uid());
                out.add(new Outcome(g, Action.REFUSED_BY_LIMIT, 0, null, hash));
                continue;
            }
            if (inGrafana.isPresent()) {
                String url = linkBase + inGrafana.get().url();
                long v = inGrafana.get().version();
                if (before != null && v != before.grafanaVersion()) {
                    if (!before.edited()) {
                        changes.add("kept " + g.uid() + ": edited in Grafana (version " + v + ", ours "
                                + before.grafanaVersion() + ")");
                    }
                    out.add(new Outcome(g, Action.KEPT_EDITED, v, url, before.contentHash()));
                    continue;
                }
                if (before == null) {
                    changes.add("kept " + g.uid() + ": present in Grafana without our record");
                    out.add(new Outcome(g, Action.KEPT_UNKNOWN, v, url, hash));
                    continue;
                }
                if (before.contentHash().equals(hash)) {
                    out.add(new Outcome(g, Action.UNCHANGED, v, url, hash));
                    continue;
                }
            }
            ObjectNode json = (ObjectNode) DashboardJson.tree(g.dashboard());
            inGrafana.ifPresent(d -> json.put("version", d.version()));
            GrafanaClient.SaveResult r = grafana.saveDashboard(org, json, FOLDER_UID,
                    "Tenantry generator " + DashboardGenerator.GENERATOR_VERSION);
            changes.add("saved dashboard " + g.uid() + " version " + r.version());
            out.add(new Outcome(g, Action.SAVED, r.version(), linkBase + r.url(), hash));
        }
        String limitError = null;
        if (!refused.isEmpty()) {
            limitError = "grafana:plan.dashboard-limit: plan " + model.plan() + " allows " + model.maxDashboards()
                    + " dashboards (design note 003 §7); the organisation has " + own + " of its own and "
                    + (generated.size() - refused.size()) + " generated, so these were not generated: "
                    + String.join(", ", refused);
            changes.add(limitError);
        }
        return new DashboardsResult(out, limitError);
    }
}
