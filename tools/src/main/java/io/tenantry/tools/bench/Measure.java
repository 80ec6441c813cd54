package io.tenantry.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmarks share (issue 15): process CPU and RSS from {@code /proc}, percentiles, min/median/max over
 * repetitions, and the one-line verdict per target ({@code TARGET name: measured ÷ baseline = ratio (target …)
 * PASS|FAIL}).
 */
final class Measure {
    private static final long CLK_TCK = 100; // USER_HZ on Linux

    private Measure() {
    }

    /** utime + stime of a process, seconds (proc(5): fields 14 and 15 of /proc/pid/stat). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read CPU time of pid " + pid, e);
        }
    }

    /** {@link #cpuSeconds}, or NaN when the process is gone. */
    static double cpuSecondsOrNaN(long pid) {
        try {
            return cpuSeconds(pid);
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds every process of the machine has used since boot: user + nice + system + irq + softirq + steal of
     * the {@code cpu} line of {@code /proc/stat} (proc(5); USER_HZ 100).
     */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[]{1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }

    /** CPU seconds of a process and all its children still alive (PostgreSQL backends), via /proc/&lt;pid&gt;/task/../children. */
    static double cpuSecondsTree(long pid) {
        double total = cpuSeconds(pid);
        for (long child : children(pid)) {
            try {
                total += cpuSeconds(child);
            } catch (IllegalStateException gone) {
                // exited meanwhile
            }
        }
        return total;
    }

    private static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                String c = Files.readString(t.resolve("children")).trim();
                if (!c.isEmpty()) {
                    for (String s : c.split("\\s+")) {
                        out.add(Long.parseLong(s));
                    }
                }
            }
        } catch (Exception e) {
            // no children file (old kernel) or process gone: count the parent only
        }
        return out;
    }

    /** Resident set size of a process, MiB (VmRSS of /proc/pid/status). */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read RSS of pid " + pid, e);
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /**
     * The services {@code bin/tenantry} started: name → pid, from the stack's {@code run/<service>.pid} files (name
     * order); empty when there are none.
     */
    static java.util.Map<String, Long> services(Path state) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        Path dir = state.resolve("run");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".pid")).toList()) {
                String name = f.getFileName().toString();
                try {
                    out.put(name.substring(0, name.length() - 4), pid(f));
                } catch (RuntimeException e) {
                    // a pid file being rewritten: not a service to follow
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
        return out;
    }

    /** The names among {@code services} whose process is gone (no {@code /proc/<pid>}). */
    static List<String> dead(java.util.Map<String, Long> services) {
        return services.entrySet().stream().filter(e -> !Files.exists(Path.of("/proc/" + e.getValue())))
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** The pid in the first word of a pid file. */
    static long pid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim().split("\\s+")[0]);
        } catch (Exception e) {
            throw new IllegalStateException("no pid file " + pidFile + " (is the service running?)", e);
        }
    }

    /** The {@code q}-quantile (0..1) of {@code values} by nearest rank (the median of an even count: the mean of the middle two); NaN when empty. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        if (q == 0.5 && s.size() % 2 == 0) { // the median of an even count: mean of the two middle values
            return (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        }
        int idx = (int) Math.ceil(q * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }

    /** {@code min / median / max} of repetitions, formatted. */
    static String spread(List<Double> reps, String format) {
        return String.format(Locale.ROOT, format + " / " + format + " / " + format, quantile(reps, 0), quantile(reps, 0.5),
                quantile(reps, 1));
    }

    /** Whether a target is "at least" or "at most" its bound. */
    enum Bound {
        AT_LEAST(">="), AT_MOST("<=");
        final String sign;

        Bound(String sign) {
            this.sign = sign;
        }
    }

    /**
     * Prints one verdict line and returns whether it passed.
     *
     * @param measured  the value compared (a ratio, or an absolute figure when {@code baseline} is NaN)
     * @param detail    how it was obtained, e.g. {@code "e2e 41,000 pts/s / raw write 50,000 pts/s"}
     */
    static boolean target(String name, double measured, Bound bound, double limit, String detail) {
        return target(name, measured, bound, limit, detail, null);
    }

    /**
     * Prints one verdict line and returns whether it passed; a measurement that is not valid (points lost, a phase
     * that failed) fails whatever its value, and says why in the detail.
     *
     * @param invalid why the measurement does not count (e.g. {@code "3,470 points missing"}), or null
     */
    static boolean target(String name, double measured, Bound bound, double limit, String detail, String invalid) {
        boolean pass = invalid == null && !Double.isNaN(measured) && (bound == Bound.AT_LEAST ? measured >= limit : measured <= limit);
        if (invalid != null) {
            detail = detail + "; INVALID: " + invalid;
        }
        System.out.printf(Locale.ROOT, "[bench] TARGET %-44s %8.2f  (target %s %s; %s)  %s%n", name, measured, bound.sign,
                trim(limit), detail, pass ? "PASS" : "FAIL");
        return pass;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
