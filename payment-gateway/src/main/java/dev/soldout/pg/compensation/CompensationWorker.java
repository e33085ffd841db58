package dev.soldout.pg.compensation;

import dev.soldout.events.PaymentCancel;
import dev.soldout.events.Topic;
import dev.soldout.events.follow.TopicFollower;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.client.RefundOutcome;
import dev.soldout.pg.client.Transient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Carries out compensation commands from payment.cancel: frees the fan's Redis hold, voids the
 * payment at the PG (refunding a charge if one landed), then announces completion on
 * payment.cancel so the topology marks the transaction CANCELLED. Every step is idempotent, so a
 * batch that fails anywhere is simply done again.
 */
public class CompensationWorker implements TopicFollower.BatchHandler<PaymentCancel> {
  /** Frees a hold by compare-and-delete: only if this hold still guards the seat. */
  @FunctionalInterface
  public interface HoldRelease {
    void release(String performanceId, String seatId, String holdId);
  }

  private final PaymentGatewayClient gateway;
  private final HoldRelease holds;
  private final Producer<String, PaymentCancel> producer;
  private final Topic<String, PaymentCancel> topic;
  private final Clock clock;

  public CompensationWorker(PaymentGatewayClient gateway, HoldRelease holds,
      Producer<String, PaymentCancel> producer, Topic<String, PaymentCancel> topic,
      Clock clock) {
    this.gateway = gateway;
    this.holds = holds;
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
  }

  @Override
  public void apply(List<Map.Entry<String, PaymentCancel>> batch) throws Exception {
    List<PaymentCancel> commands = batch.stream().map(Map.Entry::getValue)
        .filter(cancel -> cancel != null && !cancel.completed()).toList();
    List<CompletableFuture<RefundOutcome>> refunds = commands.stream()
        .map(c -> c.refundNeeded() ? gateway.refund(c.paymentTxId()).toCompletableFuture()
            : CompletableFuture.<RefundOutcome>completedFuture(new RefundOutcome.NothingCharged()))
        .toList();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      PaymentCancel command = commands.get(i);
      holds.release(command.performanceId(), command.seatId(), command.holdId());
      if (refunds.get(i).join() instanceof Transient failed) {
        throw new IllegalStateException(
            "refund of " + command.paymentTxId() + " not done yet: " + failed.reason());
      }
      PaymentCancel done = new PaymentCancel(command.paymentTxId(), command.holdId(),
          command.performanceId(), command.seatId(), command.amount(), command.reason(),
          command.refundNeeded(), true, clock.instant());
      sent.add(producer.send(new ProducerRecord<>(topic.name(), command.paymentTxId(), done)));
    }
    for (Future<RecordMetadata> completion : sent) {
      completion.get();
    }
  }
}
