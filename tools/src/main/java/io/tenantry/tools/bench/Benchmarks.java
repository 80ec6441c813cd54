package io.tenantry.tools.bench;

import io.tenantry.tools.Options;

/** Entry to the benchmarks other than the ingest one ({@code bin/tenantry bench api|idle}). */
public final class Benchmarks {
    private Benchmarks() {
    }

    /**
     * @param which {@code bench-api} ({@link ApiBenchmark}) or {@code bench-idle} ({@link IdleCostBenchmark})
     * @return the process exit code
     */
    public static int run(String which, Options o) throws Exception {
        return switch (which) {
            case "bench-api" -> ApiBenchmark.run(o);
            case "bench-idle" -> IdleCostBenchmark.run(o);
            default -> throw new IllegalArgumentException("unknown benchmark " + which);
        };
    }
}
