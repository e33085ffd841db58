package dev.soldout.app;

import dev.soldout.events.Topics;
import dev.soldout.pg.client.GatewaySettings;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.worker.PaymentWorker;
import dev.soldout.pg.worker.WorkerSettings;
import java.net.URI;

/** Starts the payment worker with its gateway client; closing stops both, worker first. */
final class PaymentWorkers {
  private PaymentWorkers() {}

  static AutoCloseable start(Settings settings, SoldoutNode.Endpoints endpoints, Topics topics) {
    PaymentGatewayClient client =
        new PaymentGatewayClient(GatewaySettings.defaults(URI.create(endpoints.pgBaseUrl())));
    PaymentWorker worker = PaymentWorker.start(
        WorkerSettings.defaults(endpoints.kafka(), topics)
            .withGroupId(settings.applicationId() + "-payment-worker"),
        client);
    return () -> {
      worker.close();
      client.close();
    };
  }
}
