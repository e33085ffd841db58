package dev.soldout.app;

import dev.soldout.app.chaos.ChaosSuite;
import dev.soldout.app.chaos.ScenarioResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./soldout chaos [scenario...]}: the fault suite on a local production-like stack. */
final class ChaosCommand {
  static final String USAGE = """
      usage: ./soldout chaos [scenario...]
        Starts three KRaft brokers, Redis with Sentinel, PostgreSQL (DATABASE_URL's in a fresh
        schema, else an embedded one) behind a closable proxy, the sandbox PG and two app
        instances, all on 127.0.0.1; runs fans through the API while each scenario injects its
        fault, keeps them running through the recovery, then checks the invariants.
        Scenarios (all when none is named; always run in this order): pg-outage, poison,
        redis-down, kill-app, db-down, kill-broker, redis-failover, pg-slow, cluster-outage.
        Report: chaos/results/chaos.json and chaos.md (chaos-<scenarios>.* for a choice). About 3 minutes per scenario.
      Exit codes: 0 every scenario passed, 1 one failed, 2 bad usage.""";

  private ChaosCommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    ChaosSuite.Options options = ChaosSuite.Options.full();
    if (args.length > 0) {
      options = options.withScenarios(List.of(args)).reportedAs("chaos-" + String.join("-", args));
    }
    List<ScenarioResult> results;
    try {
      results = ChaosSuite.run(options, "./soldout chaos " + String.join(" ", args), out);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(USAGE);
      return 2;
    }
    List<String> failed = new ArrayList<>();
    results.stream().filter(r -> !r.passed()).forEach(r -> failed.add(r.scenario()));
    boolean complete = results.size() == options.scenarios().size();
    out.println(failed.isEmpty() && complete ? "every scenario passed"
        : "failed: " + failed + (complete ? "" : " (the run stopped early)"));
    return failed.isEmpty() && complete ? 0 : 1;
  }
}
