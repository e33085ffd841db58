package dev.soldout.app;

import dev.soldout.bench.OnSaleBench;
import dev.soldout.bench.Options;
import dev.soldout.bench.Target;
import java.io.PrintStream;

/**
 * {@code ./soldout bench}: the on-sale benchmark (module bench) against the configured system,
 * or the dev stack of this checkout. Fans' tokens are signed here with the stack's secret.
 */
final class BenchCommand {
  private BenchCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) throws Exception {
    Options options;
    try {
      if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
        out.println(Options.USAGE);
        return 0;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(Options.USAGE);
      return 2;
    }
    SoldoutNode.Endpoints endpoints = AppCommand.endpoints(settings);
    if (endpoints.kafka() == null || endpoints.redisUrl() == null
        || endpoints.database() == null) {
      out.println("no system to measure: start `./soldout dev` (RATE_LIMIT_PER_IP=0) first");
      return 2;
    }
    OnSaleBench.Report report = new OnSaleBench(target(settings, endpoints), options, out).run();
    report.violations().forEach(v -> out.println("VIOLATION: " + v));
    out.println(report.passed() ? "invariants hold" : "FAILED: an invariant broke");
    return report.passed() ? 0 : 1;
  }

  static Target target(Settings settings, SoldoutNode.Endpoints endpoints) {
    return new Target("http://127.0.0.1:" + settings.apiPort(),
        "http://127.0.0.1:" + settings.opsPort(), endpoints.pgBaseUrl(), endpoints.kafka(),
        endpoints.redisUrl(), endpoints.database(), settings.topicPrefix(),
        settings.applicationId(), settings.partitions(), settings.replicationFactor(),
        settings.commitIntervalMs(), DevAuth.forInstance(settings));
  }
}
