package dev.soldout.app;

import dev.soldout.devstack.Database;
import dev.soldout.devstack.DevStack;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./soldout app}: one more instance (topology + API, no infrastructure). Endpoints come
 * from the configuration, or else from the dev stack running from this checkout.
 */
final class AppCommand {
  private AppCommand() {}

  static int run(Settings settings, String[] args) throws Exception {
    long started = System.nanoTime();
    SoldoutNode.Endpoints endpoints = endpoints(settings);
    if (endpoints.kafka() == null || endpoints.redisUrl() == null
        || endpoints.database() == null) {
      System.err.println("no endpoints: set KAFKA_BOOTSTRAP_SERVERS, REDIS_URL and DATABASE_URL,"
          + " or start `./soldout dev` from this checkout first");
      return 2;
    }
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
