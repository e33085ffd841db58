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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /** Hears each completion once Kafka acknowledged it, for metrics. */
  @FunctionalInterface
  public interface CompletionListener {
    /** {@code refunded}: the void found an approved charge, so money went back to the fan. */
    void completed(PaymentCancel completion, boolean refunded);
  }

  /** A completion on its way to Kafka, and whether its void gave money back. */
  private record Sent(PaymentCancel completion, boolean refunded, Future<RecordMetadata> ack) {}

  private static final Logger log = LoggerFactory.getLogger(CompensationWorker.class);
  private static final long FIRST_PAUSE_MS = 200;
  private static final long MAX_PAUSE_MS = 5_000;
  /** Well under max.poll.interval.ms, so the follower keeps its partitions while it retries. */
  private static final long MAX_BATCH_MS = 120_000;

  private final PaymentGatewayClient gateway;
  private final HoldRelease holds;
  private final Producer<String, PaymentCancel> producer;
  private final Topic<String, PaymentCancel> topic;
  private final Clock clock;
  private final CompletionListener listener;

  public CompensationWorker(PaymentGatewayClient gateway, HoldRelease holds,
      Producer<String, PaymentCancel> producer, Topic<String, PaymentCancel> topic,
      Clock clock, CompletionListener listener) {
    this.gateway = gateway;
    this.holds = holds;
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
    this.listener = listener;
  }

  @Override
  public void apply(List<Map.Entry<String, PaymentCancel>> batch) throws Exception {
    List<PaymentCancel> pending = batch.stream().map(Map.Entry::getValue)
        .filter(cancel -> cancel != null && !cancel.completed()).toList();
    long pause = FIRST_PAUSE_MS;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_BATCH_MS);
    // Each command is retried on its own: with a flaky PG, a batch retried as a whole would
    // almost never succeed at once.
    while (true) {
      pending = compensate(pending);
      if (pending.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(pending.size() + " compensations not done yet, e.g. "
            + pending.get(0).paymentTxId());
      }
      Thread.sleep(pause);
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    }
  }

  /** Carries out the commands; returns those whose refund could not be done this time. */
  private List<PaymentCancel> compensate(List<PaymentCancel> commands) throws Exception {
    List<CompletableFuture<RefundOutcome>> refunds = commands.stream()
        .map(c -> c.refundNeeded() ? gateway.refund(c.paymentTxId()).toCompletableFuture()
            : CompletableFuture.<RefundOutcome>completedFuture(new RefundOutcome.NothingCharged()))
        .toList();
    List<PaymentCancel> notDone = new ArrayList<>();
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      PaymentCancel command = commands.get(i);
      RefundOutcome refund = refunds.get(i).join();
      if (refund instanceof Transient failed) {
        log.debug("refund of {} not done yet: {}", command.paymentTxId(), failed.reason());
        notDone.add(command);
        continue;
      }
      holds.release(command.performanceId(), command.seatId(), command.holdId());
      PaymentCancel done = new PaymentCancel(command.paymentTxId(), command.holdId(),
          command.performanceId(), command.seatId(), command.amount(), command.reason(),
          command.refundNeeded(), true, clock.instant());
      sent.add(new Sent(done, refund instanceof RefundOutcome.Refunded,
          producer.send(new ProducerRecord<>(topic.name(), command.paymentTxId(), done))));
    }
    for (Sent completion : sent) {
      completion.ack().get();
      listener.completed(completion.completion(), completion.refunded());
    }
    return notDone;
  }
}
