package io.tenantry.tools;

import io.tenantry.tools.bench.IngestBenchmark;
import io.tenantry.tools.demo.DemoJob;

import java.util.Arrays;

/**
 * Entry point of the tools jar: {@code demo} (the platform's main job, see {@link DemoJob}) and {@code bench}
 * (see {@link IngestBenchmark}). Normally started through {@code bin/tenantry demo|bench}.
 */
public final class Tools {
    private Tools() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: tools demo|bench|bench-alerts [options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int rc = switch (args[0]) {
            case "demo" -> DemoJob.run(Options.parse(rest));
            case "bench" -> IngestBenchmark.run(Options.parse(rest));
            case "bench-alerts" -> io.tenantry.tools.bench.AlertBenchmark.run(Options.parse(rest));
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
        System.exit(rc);
    }
}
