package io.tenantry.tools.bench;

import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Idle cost and full reconciliation ({@code bin/tenantry bench idle}; issue 15, "Idle cost and memory").
 * <ol>
 *   <li>Brings the number of broker logins to {@code --logins} (2,000) by provisioning ENTERPRISE tenants of 100
 *       devices with credentials through the API ({@code --concurrency} 8); logins already there count.</li>
 *   <li>Lets the stack settle, then measures the CPU of every process (API, ingest, query gateway, quota-service,
 *       alert-engine, Mosquitto, InfluxDB, PostgreSQL with its backends; a service that is not running is named and
 *       not counted) over {@code --idle-seconds} (60) with nothing happening: % of one core each,
 *       and the sum against the target ≤ 2 % of a core. The periodic full reconciliation runs every 10 minutes;
 *       its cost is measured in 3 and shown amortised over that interval.</li>
 *   <li>Grows the logins to {@code --reconcile-logins} (10,000) and runs one full reconciliation
 *       ({@code POST /api/v1/admin/reconcile}): wall time, logins checked, drift, and the CPU it cost the API,
 *       Mosquitto and PostgreSQL.</li>
 * </ol>
 * {@code --seed-logins N} (default 0: off) first seeds device logins up to N with the broker stopped instead of
 * through the API ({@link SeedLogins}: tenants and devices through the API, credentials written to PostgreSQL and
 * {@code dynamic-security.json} in the API's shapes), checked by a drift-free reconciliation and a real-broker login.
 * Provisioning 10,000 logins takes minutes: Mosquitto 2.0.11 rewrites its whole dynamic-security file on every change
 * (twice per new login: role, client), so each login costs the broker time proportional to the logins already
 * there. Requests run in parallel ({@code --concurrency}); the API applies each login in one batched dynsec
 * message and concurrent logins in parallel (issue 15), so the broker is what bounds the rate.
 */
final class IdleCostBenchmark {
    private static final double SWEEP_INTERVAL_S = 600; // tenantry.reconciler.interval default

    private IdleCostBenchmark() {
    }

    static int run(Options o) throws Exception {
        BenchSession s = BenchSession.open(o);
        int idleLogins = Integer.parseInt(o.get("logins", "2000"));
        int reconcileLogins = Integer.parseInt(o.get("reconcile-logins", "10000"));
        int idleSeconds = Integer.parseInt(o.get("idle-seconds", "60"));
        int concurrency = Integer.parseInt(o.get("concurrency", "8"));
        int seedLogins = Integer.parseInt(o.get("seed-logins", "0"));
        Path state = Path.of(s.env().getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        int logins = reconcile(s).get("logins").asInt();
        if (seedLogins > logins) {
            logins = seed(s, logins, seedLogins, concurrency, Path.of(o.get("repo", ".")), state);
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("provisioning-api", Measure.pid(state.resolve("run/provisioning-api.pid")));
        pids.put("ingest", Measure.pid(state.resolve("run/ingest.pid")));
        // the other services of the idle stack (issue 15, third round: quota-service's and alert-engine's Quartz
        // schedulers and periodic jobs are most of the idle cost; before, only their PostgreSQL backends counted)
        Map<String, Long> services = Measure.services(state);
        for (String svc : List.of("query-gateway", "quota-service", "alert-engine")) {
            if (services.containsKey(svc)) {
                pids.put(svc, services.get(svc));
            } else {
                System.out.printf(Locale.ROOT, "[bench] idle: %s is not running (no %s): not counted%n", svc,
                        state.resolve("run/" + svc + ".pid"));
            }
        }
        pids.put("mosquitto", Measure.pid(state.resolve("mosquitto/mosquitto.pid")));
        pids.put("influxd", Measure.pid(state.resolve("influxdb/influxd.pid")));
        pids.put("postgres", Measure.pid(state.resolve("postgres/data/postmaster.pid")));

        logins = grow(s, logins, idleLogins, concurrency, pids.get("mosquitto"));
        System.out.printf(Locale.ROOT, "[bench] idle: %,d broker logins; settling 10 s, then measuring %d s with nothing happening%n",
                logins, idleSeconds);
        Thread.sleep(10_000);
        Map<String, Double> cpu0 = cpu(pids);
        long t0 = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cpu1 = cpu(pids);
        double total = 0;
        for (String p : pids.keySet()) {
            double pct = (cpu1.get(p) - cpu0.get(p)) / wall * 100;
            total += pct;
            System.out.printf(Locale.ROOT, "[bench] idle CPU %-17s %5.2f %% of a core%n", p, pct);
        }
        Map<String, Double> r0 = cpu(pids);
        long tr = System.nanoTime();
        JsonNode rep = reconcile(s);
        double sweepWall = (System.nanoTime() - tr) / 1e9;
        Map<String, Double> r1 = cpu(pids);
        double sweepCpu = 0;
        for (String p : pids.keySet()) {
            sweepCpu += r1.get(p) - r0.get(p);
        }
        double amortised = sweepCpu / SWEEP_INTERVAL_S * 100;
        System.out.printf(Locale.ROOT, "[bench] full reconcile at %,d logins: %.2f s wall, %.2f CPU-s (all processes) = %.2f %% of a core "
                + "amortised over its 10 min interval; drift %d%n", rep.get("logins").asInt(), sweepWall, sweepCpu, amortised,
                rep.get("drift").size());
        Measure.target("idle CPU % of a core at " + logins + " logins", total + amortised, Measure.Bound.AT_MOST, 2,
                String.format(Locale.ROOT, "idle %.2f %% + sweep amortised %.2f %%", total, amortised));

        logins = grow(s, logins, reconcileLogins, concurrency, pids.get("mosquitto"));
        Map<String, Double> c0 = cpu(pids);
        long tc = System.nanoTime();
        JsonNode full = reconcile(s);
        double fullWall = (System.nanoTime() - tc) / 1e9;
        Map<String, Double> c1 = cpu(pids);
        StringBuilder by = new StringBuilder();
        for (String p : pids.keySet()) {
            by.append(String.format(Locale.ROOT, " %s %.2f", p, c1.get(p) - c0.get(p)));
        }
        System.out.printf(Locale.ROOT, "[bench] full reconcile at %,d logins: %.2f s wall (API reports %d ms), drift %d, problems %s; CPU-s:%s%n",
                full.get("logins").asInt(), fullWall, full.get("durationMs").asLong(), full.get("drift").size(), full.get("problems"), by);
        for (String p : pids.keySet()) {
            if (List.of("mosquitto", "influxd", "postgres").contains(p)) {
                continue;
            }
            System.out.printf(Locale.ROOT, "[bench] RSS %-17s %.0f MiB%n", p, Measure.rssMiB(pids.get(p)));
        }
        return 0;
    }

    private static Map<String, Double> cpu(Map<String, Long> pids) {
        Map<String, Double> m = new LinkedHashMap<>();
        pids.forEach((k, v) -> m.put(k, k.equals("postgres") ? Measure.cpuSecondsTree(v) : Measure.cpuSeconds(v)));
        return m;
    }

    private static JsonNode reconcile(BenchSession s) {
        ApiClient.Response r = s.client().post(s.admin(), "/api/v1/admin/reconcile", null);
        if (r.status() != 200) {
            throw new IllegalStateException("reconcile answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * {@code --seed-logins N}: seeds device logins with the broker stopped ({@link SeedLogins}), waits for the API to
     * reach the restarted broker, runs a full reconciliation that must find drift 0 (else the seeding disagreed with
     * what the API would have made, and the run stops), and checks a seeded login against the real broker.
     *
     * @return the logins now
     */
    private static int seed(BenchSession s, int have, int target, int concurrency, Path repo, Path state) throws Exception {
        List<SeedLogins.Seeded> seeded = SeedLogins.seed(s, have, target, concurrency, repo, state);
        JsonNode r = null;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) { // the API's broker connection comes back after the restart
            r = reconcile(s);
            if (r.get("problems").isEmpty()) {
                break;
            }
            Thread.sleep(2000);
        }
        System.out.printf(Locale.ROOT, "[bench] seed: first full reconcile after seeding: %,d logins, %d ms, drift %d, problems %s%n",
                r.get("logins").asInt(), r.get("durationMs").asLong(), r.get("drift").size(), r.get("problems"));
        if (r.get("drift").size() > 0 || !r.get("problems").isEmpty()) {
            throw new IllegalStateException("the seeded logins disagree with PostgreSQL (the reconciler repaired them, so the "
                    + "measurement would be wrong): " + r.get("drift") + " " + r.get("problems"));
        }
        System.out.println("[bench] seed: " + SeedLogins.brokerCheck(s.env(), seeded));
        return r.get("logins").asInt();
    }

    /** Provisions tenants of 100 devices with credentials until at least {@code target} logins exist. */
    private static int grow(BenchSession s, int have, int target, int concurrency, long mosquittoPid) throws Exception {
        if (have >= target) {
            return have;
        }
        int need = target - have;
        double mq0 = Measure.cpuSeconds(mosquittoPid);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> work = new ArrayList<>();
        int tenants = (need + 99) / 100;
        for (int t = 0; t < tenants; t++) {
            String id = s.client().createTenant(s.admin(), "bench-" + s.run() + "-i" + have + "-" + t, "bench idle", "ENTERPRISE");
            String owner = s.owner(id);
            int devices = Math.min(100, need - t * 100);
            for (int d = 0; d < devices; d++) {
                int dev = d;
                work.add(pool.submit(() -> s.client().createDeviceWithCredential(owner, id, Map.of("plcId", "dev-" + dev, "type", "modbus_tcp"))));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        double secs = (System.nanoTime() - t0) / 1e9;
        double mq = Measure.cpuSeconds(mosquittoPid) - mq0;
        int now = reconcile(s).get("logins").asInt();
        System.out.printf(Locale.ROOT, "[bench] idle: provisioned %,d devices with credentials in %.0f s (%.1f per s at concurrency %d); "
                + "Mosquitto %.1f CPU-ms per login (it rewrites its whole dynamic-security.json twice per new login); %,d logins now%n",
                need, secs, need / secs, concurrency, mq * 1000 / need, now);
        return now;
    }
}
