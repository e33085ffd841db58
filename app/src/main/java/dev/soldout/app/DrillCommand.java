package dev.soldout.app;

import dev.soldout.app.drill.SagaDrill;

/** {@code ./soldout drill}: the saga's acceptance run against a running system. */
final class DrillCommand {
  private DrillCommand() {}

  static int run(String[] args) throws Exception {
    SagaDrill.Options options = SagaDrill.Options.parse(args);
    System.out.printf("drill: %d payments, PG error rate %.0f%%, latency %d ms, lost answers"
        + " %.0f%%%n", options.payments(), options.errorRate() * 100, options.latencyMs(),
        options.lostResponseRate() * 100);
    SagaDrill.Report report = new SagaDrill(options, System.out).run();
    System.out.printf("accepted %d: SUCCESS %d, CANCELLED %d, not terminal %d;"
        + " last terminal after %.1f s%n", report.accepted(), report.succeeded(),
        report.cancelled(), report.pending(), report.millisToLastTerminal() / 1000.0);
    report.violations().forEach(v -> System.out.println("VIOLATION: " + v));
    System.out.println(report.passed()
        ? "invariants hold: charges minus refunds = amount for every SUCCESS, 0 for every"
            + " CANCELLED; no seat sold twice"
        : "FAILED");
    return report.passed() ? 0 : 1;
  }
}
