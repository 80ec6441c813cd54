package io.tenantry.tools;

import io.tenantry.tools.bench.IngestBenchmark;
import io.tenantry.tools.demo.DemoJob;

import java.util.Arrays;

/**
 * Entry point of the tools jar: {@code demo} (the platform's main job, see {@link DemoJob}), {@code bench}
 * (see {@link IngestBenchmark}), {@code bench-api} and {@code bench-idle} (issue 15: API concurrency and telemetry
 * read path; idle cost and full reconciliation), {@code gateway-bench} (issue 13) and {@code grafana-check}
 * (issue 14). Normally started through {@code bin/tenantry}.
 */
public final class Tools {
    private Tools() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: tools demo|bench|bench-api|bench-idle|bench-alerts|gateway-bench|grafana-check [options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int rc = switch (args[0]) {
            case "demo" -> DemoJob.run(Options.parse(rest));
            case "bench" -> IngestBenchmark.run(Options.parse(rest));
            case "bench-api", "bench-idle" -> io.tenantry.tools.bench.Benchmarks.run(args[0], Options.parse(rest));
            case "bench-alerts" -> io.tenantry.tools.bench.AlertBenchmark.run(Options.parse(rest));
            case "gateway-bench" -> io.tenantry.tools.bench.GatewayBenchmark.run(Options.parse(rest));
            case "grafana-check" -> io.tenantry.tools.grafana.GrafanaCheck.run(rest); // issue 14
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
        System.exit(rc);
    }
}
