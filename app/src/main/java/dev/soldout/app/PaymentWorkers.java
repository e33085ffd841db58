package dev.soldout.app;

import dev.soldout.app.metrics.NodeMetrics;
import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.Topics;
import dev.soldout.events.follow.TopicFollower;
import dev.soldout.events.SeatKey;
import dev.soldout.pg.client.GatewaySettings;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.compensation.CompensationWorker;
import dev.soldout.pg.worker.PaymentWorker;
import dev.soldout.pg.worker.WorkerSettings;
import dev.soldout.seats.hold.HoldStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The side of the saga that talks to the PG: the payment worker (charges) and the compensation
 * worker (voids and refunds), sharing one gateway client and so one circuit breaker.
 */
final class PaymentWorkers {
  private PaymentWorkers() {}

  static AutoCloseable start(Settings settings, SoldoutNode.Endpoints endpoints, Topics topics,
      HoldStore holds, NodeMetrics metrics) {
    PaymentGatewayClient client =
        new PaymentGatewayClient(GatewaySettings.defaults(URI.create(endpoints.pgBaseUrl())));
    metrics.watch(client);
    PaymentWorker worker = PaymentWorker.start(
        WorkerSettings.defaults(endpoints.kafka(), topics)
            .withGroupId(settings.applicationId() + "-payment-worker"),
        client, metrics.paymentWorker());
    KafkaProducer<String, PaymentCancel> completions = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        topics.paymentCancel().keySerde().serializer(),
        topics.paymentCancel().valueSerde().serializer());
    KafkaClientListener.Watch completionsWatch =
        metrics.kafkaClients().producerOpened(completions);
    CompensationWorker compensation = new CompensationWorker(client,
        (performanceId, seatId, holdId) -> holds.release(new SeatKey(performanceId, seatId), holdId),
        completions, topics.paymentCancel(), Clock.systemUTC(), metrics.compensations());
    TopicFollower<PaymentCancel> follower = new TopicFollower<>(endpoints.kafka(),
        settings.applicationId() + "-compensation", topics.paymentCancel(), compensation,
        Duration.ofSeconds(1), metrics.kafkaClients()).start();
    return () -> {
      follower.close();
      worker.close();
      completionsWatch.close();
      completions.close(Duration.ofSeconds(5));
      client.close();
    };
  }
}
