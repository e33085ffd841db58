package dev.soldout.app;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.devstack.DevStack;
import dev.soldout.pg.sandbox.SandboxGateway;
import io.javalin.Javalin;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./soldout dev}: embedded infrastructure where none is configured, then one instance. */
final class DevCommand {
  private static final Logger log = LoggerFactory.getLogger(DevCommand.class);

  private DevCommand() {}

  static int run(Settings settings, String[] args) throws Exception {
    long started = System.nanoTime();
    Set<DevStack.Service> embedded = EnumSet.noneOf(DevStack.Service.class);
    settings.kafka().ifPresentOrElse(k -> { }, () -> embedded.add(DevStack.Service.KAFKA));
    settings.redis().ifPresentOrElse(r -> { }, () -> embedded.add(DevStack.Service.REDIS));
    settings.database().ifPresentOrElse(d -> { }, () -> embedded.add(DevStack.Service.POSTGRES));
    DevStack stack = DevStack.start(settings.dataDir(), embedded, new DevStack.Ports(
        settings.kafkaPort(), settings.kafkaPort() + 1, settings.embeddedRedisPort(),
        settings.embeddedDbPort()));
    Javalin sandbox = settings.paymentGateway().isPresent()
        ? null : SandboxGateway.start(settings.sandboxPgPort());
    String pgBaseUrl = settings.paymentGateway()
        .orElse("http://127.0.0.1:" + settings.sandboxPgPort());
    DevStack.Endpoints infra = stack.endpoints();
    SoldoutNode.Endpoints endpoints = new SoldoutNode.Endpoints(
        settings.kafka().orElse(infra.kafkaBootstrap()),
        settings.redis().orElse(infra.redisUrl()),
        settings.database().orElse(infra.database()),
        pgBaseUrl);
    AuthSettings auth = DevAuth.forDevStack(settings);
    SoldoutNode node;
    try {
      node = SoldoutNode.start(settings, auth, endpoints, true);
    } catch (Exception e) {
      if (sandbox != null) {
        sandbox.stop();
      }
      stack.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping soldout ...");
      node.close();
      if (sandbox != null) {
        sandbox.stop();
      }
      stack.close();
      stopped.countDown();
    }, "soldout-shutdown"));
    node.awaitRunning();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.println(Banner.dev(settings, auth, endpoints, embedded, sandbox != null, seconds,
        node.opsPort()));
    stopped.await();
    return 0;
  }
}
