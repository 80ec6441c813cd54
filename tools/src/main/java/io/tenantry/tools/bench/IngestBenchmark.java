package io.tenantry.tools.bench;

import io.tenantry.tools.Options;

/** Placeholder replaced below. */
public final class IngestBenchmark {
    private IngestBenchmark() {
    }

    public static int run(Options o) {
        System.err.println("benchmark not built yet");
        return 2;
    }
}
