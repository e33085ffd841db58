package dev.soldout.seats.queue;

/**
 * Key layout of the waiting rooms, under the deployment's namespace. Per performance:
 * {@code waiting} the fans in line (sorted set: a draw in [0, 1) for those who joined before the
 * open, then a counter, so the shuffled come first), {@code seq} that counter, {@code joined}
 * when each waiting fan joined, {@code admitted} the fans admitted (sorted set by the end of
 * their session), {@code sessions} their session ids, {@code session-seq} the count of
 * admissions ever, {@code bucket} the admission rate's allowance. Shared: {@code queue:active}
 * the performances with a queue in use, {@code queue:ticker} the admission ticker's lease.
 */
record QueueKeys(String namespace) {
  String waiting(String performanceId) {
    return perf(performanceId) + "waiting";
  }

  String seq(String performanceId) {
    return perf(performanceId) + "seq";
  }

  String joined(String performanceId) {
    return perf(performanceId) + "joined";
  }

  String admitted(String performanceId) {
    return perf(performanceId) + "admitted";
  }

  String sessions(String performanceId) {
    return perf(performanceId) + "sessions";
  }

  String sessionSeq(String performanceId) {
    return perf(performanceId) + "session-seq";
  }

  String bucket(String performanceId) {
    return perf(performanceId) + "bucket";
  }

  String active() {
    return namespace + "queue:active";
  }

  String ticker() {
    return namespace + "queue:ticker";
  }

  String secret() {
    return namespace + "queue:dev-secret";
  }

  private String perf(String performanceId) {
    // The braces make one performance's keys one Redis Cluster hash slot, as its scripts need.
    return namespace + "queue:{" + performanceId + "}:";
  }
}
