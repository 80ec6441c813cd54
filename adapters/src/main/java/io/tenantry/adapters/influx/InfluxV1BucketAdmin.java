package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.BucketAdmin;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tenantry.adapters.influx.InfluxQL.ident;
import static io.tenantry.adapters.influx.InfluxQL.string;

/**
 * {@link BucketAdmin} for InfluxDB 1.x through InfluxQL, run with an admin credential: a bucket is a database
 * plus a retention policy ({@code CREATE DATABASE}, {@code CREATE/ALTER RETENTION POLICY}); a credential is a
 * non-admin user with per-database {@code GRANT READ|WRITE|ALL} (InfluxDB 1.x "Authentication and authorization").
 */
public final class InfluxV1BucketAdmin implements BucketAdmin {
    private final InfluxV1Client admin;

    /** @param admin a client authenticated as an InfluxDB admin user */
    public InfluxV1BucketAdmin(InfluxV1Client admin) {
        this.admin = admin;
    }

    @Override
    public void ensureBucket(Bucket bucket) {
        String db = ident(bucket.database());
        admin.execute("CREATE DATABASE " + db);
        Map<String, String> existing = new HashMap<>();
        for (List<Object> row : admin.query("SHOW RETENTION POLICIES ON " + db, null).get(0).rows()) {
            existing.put(String.valueOf(row.get(0)), String.valueOf(row.get(1)));
        }
        String duration = InfluxQL.duration(bucket.retention());
        String shard = bucket.retention().isZero() || bucket.retention().compareTo(Duration.ofDays(180)) > 0 ? "7d" : "1d";
        String rp = ident(bucket.retentionPolicy());
        if (!existing.containsKey(bucket.retentionPolicy())) {
            admin.execute("CREATE RETENTION POLICY " + rp + " ON " + db + " DURATION " + duration
                    + " REPLICATION 1 SHARD DURATION " + shard + " DEFAULT");
        } else if (!sameDuration(existing.get(bucket.retentionPolicy()), bucket.retention())) {
            admin.execute("ALTER RETENTION POLICY " + rp + " ON " + db + " DURATION " + duration
                    + " SHARD DURATION " + shard + " DEFAULT");
        }
    }

    private static boolean sameDuration(String shown, Duration wanted) {
        // SHOW RETENTION POLICIES prints e.g. "720h0m0s", "0s" for infinite
        if (wanted.isZero()) {
            return "0s".equals(shown);
        }
        return shown.equals(Math.max(1, wanted.toHours()) + "h0m0s");
    }

    @Override
    public void ensureUser(String username, String password, Set<Grant> grants) {
        if (users().contains(username)) {
            admin.execute("SET PASSWORD FOR " + ident(username) + " = " + string(password));
        } else {
            admin.execute("CREATE USER " + ident(username) + " WITH PASSWORD " + string(password));
        }
        Map<String, Access> wanted = new HashMap<>();
        for (Grant g : grants) {
            wanted.merge(g.bucket().database(), g.access(), InfluxV1BucketAdmin::union);
        }
        Map<String, String> current = new HashMap<>();
        for (List<Object> row : admin.query("SHOW GRANTS FOR " + ident(username), null).get(0).rows()) {
            current.put(String.valueOf(row.get(0)), String.valueOf(row.get(1)));
        }
        for (Map.Entry<String, String> c : current.entrySet()) {
            Access w = wanted.get(c.getKey());
            if (!"NO PRIVILEGES".equals(c.getValue()) && (w == null || !toInflux(w).equals(c.getValue()))) {
                admin.execute("REVOKE ALL ON " + ident(c.getKey()) + " FROM " + ident(username));
            }
        }
        for (Map.Entry<String, Access> w : wanted.entrySet()) {
            if (!toInflux(w.getValue()).equals(current.get(w.getKey()))) {
                admin.execute("GRANT " + (w.getValue() == Access.ALL ? "ALL" : w.getValue().name()) + " ON "
                        + ident(w.getKey()) + " TO " + ident(username));
            }
        }
    }

    private static Access union(Access a, Access b) {
        return a == b ? a : Access.ALL;
    }

    private static String toInflux(Access a) {
        return switch (a) {
            case READ -> "READ";
            case WRITE -> "WRITE";
            case ALL -> "ALL PRIVILEGES";
        };
    }

    @Override
    public void dropUser(String username) {
        if (users().contains(username)) {
            admin.execute("DROP USER " + ident(username));
        }
    }

    @Override
    public Set<String> databases() {
        Set<String> dbs = new HashSet<>();
        admin.query("SHOW DATABASES", null).get(0).rows().forEach(r -> dbs.add(String.valueOf(r.get(0))));
        return dbs;
    }

    /** Non-admin and admin user names. */
    public Set<String> users() {
        Set<String> users = new HashSet<>();
        admin.query("SHOW USERS", null).get(0).rows().forEach(r -> users.add(String.valueOf(r.get(0))));
        return users;
    }

}
