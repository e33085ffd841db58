package dev.soldout.app;

import dev.soldout.devstack.Database;
import dev.soldout.devstack.DevStack;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * {@code ./soldout app}: one more instance (topology + API, no infrastructure). Endpoints come
 * from the configuration, or else from the dev stack running from this checkout.
 */
final class AppCommand {
  private AppCommand() {}

  static int run(Settings settings, String[] args) throws Exception {
    long started = System.nanoTime();
    Optional<SoldoutNode.Endpoints> found = require(settings, System.err, Need.KAFKA, Need.REDIS,
        Need.DATABASE);
    if (found.isEmpty()) {
      return 2;
    }
    SoldoutNode.Endpoints endpoints = found.get();
    SoldoutNode node = SoldoutNode.start(settings, DevAuth.forInstance(settings), endpoints,
        settings.seedDemo());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "soldout-shutdown"));
    node.awaitRunning();
    System.out.printf("soldout instance ready in %.1f s: API on %s, metrics on :%d/metrics"
        + " (state in %s)%n", (System.nanoTime() - started) / 1e9, settings.advertisedUrl(),
        node.opsPort(), settings.stateDir());
    stopped.await();
    return 0;
  }

  /** An endpoint a command cannot work without, and the setting that names it. */
  enum Need {
    KAFKA("KAFKA_BOOTSTRAP_SERVERS", e -> e.kafka() != null),
    REDIS("REDIS_URL", e -> e.redisUrl() != null),
    DATABASE("DATABASE_URL", e -> e.database() != null);

    private final String setting;
    private final Predicate<SoldoutNode.Endpoints> known;

    Need(String setting, Predicate<SoldoutNode.Endpoints> known) {
      this.setting = setting;
      this.known = known;
    }
  }

  /**
   * The endpoints for a command that needs {@code needed}, or empty after telling the operator
   * which settings are missing (the command then exits 2).
   */
  static Optional<SoldoutNode.Endpoints> require(Settings settings, PrintStream out,
      Need... needed) {
    SoldoutNode.Endpoints endpoints = endpoints(settings);
    List<String> missing = Arrays.stream(needed).filter(n -> !n.known.test(endpoints))
        .map(n -> n.setting).toList();
    if (missing.isEmpty()) {
      return Optional.of(endpoints);
    }
    out.println("no endpoints: set " + String.join(", ", missing)
        + ", or start `./soldout dev` from this checkout first");
    return Optional.empty();
  }

  /**
   * The endpoints from the configuration, or else those the dev stack of this checkout recorded;
   * null where neither knows one.
   */
  static SoldoutNode.Endpoints endpoints(Settings settings) {
    var recorded = DevStack.readRecorded(settings.dataDir());
    String kafka = settings.kafka().or(() -> recorded.map(DevStack.Endpoints::kafkaBootstrap))
        .orElse(null);
    String redis = settings.redis().or(() -> recorded.map(DevStack.Endpoints::redisUrl))
        .orElse(null);
    Database database = settings.database()
        .or(() -> recorded.map(DevStack.Endpoints::database)).orElse(null);
    String pg = settings.paymentGateway().orElse("http://127.0.0.1:" + settings.sandboxPgPort());
    return new SoldoutNode.Endpoints(kafka, redis, database, pg);
  }
}
