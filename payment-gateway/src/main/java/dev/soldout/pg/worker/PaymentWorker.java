package dev.soldout.pg.worker;

import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.ChargeRequest;
import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.Topic;
import dev.soldout.pg.client.ChargeOutcome;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.client.Transient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns charge requests into PG charges and their outcomes into events, on its own thread. Many
 * charges are in flight at once (up to maxInFlight, then the partitions pause); the poll loop
 * only hands them to the asynchronous client. An offset is committed once its outcome event is
 * acknowledged and every earlier record of its partition is too, so a crash or a rebalance
 * replays unfinished charges, which the idempotency key (paymentTxId) makes harmless.
 */
public final class PaymentWorker implements AutoCloseable {
  /**
   * Who hears what the worker does, for metrics: its Kafka clients, and each outcome event once
   * Kafka acknowledged it (on the producer's I/O thread, so it must be quick and never throw).
   */
  public record Observers(KafkaClientListener clients, Consumer<OutcomeEvent<?>> published) {
    public static final Observers NONE = new Observers(KafkaClientListener.NONE, event -> { });
  }

  private static final Logger log = LoggerFactory.getLogger(PaymentWorker.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
  /** Bounds consumer.close() (a final commit and leaving the group) on top of closeTimeout. */
  private static final Duration KAFKA_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** How long a refused charge waits for the breaker to let it through before it counts. */
  private static final Duration MAX_DEFERRAL = Duration.ofSeconds(30);
  /** About a fifth of the breaker's open wait: a few tries per half-open window, spread out. */
  private static final Duration DEFERRAL_PAUSE = Duration.ofSeconds(1);

  /** A polled record not finished yet, with the partition bookkeeping it belongs to. */
  private record Pending(ConsumerRecord<byte[], byte[]> record, OffsetTracker.Partition partition) {}

  /** A finished dispatch, handed from client and producer threads to the poll thread. */
  private record Done(Pending pending, Throwable failure) {}

  private final WorkerSettings settings;
  private final PaymentGatewayClient client;
  private final RetryBackoff backoff;
  private final Clock clock;
  private final Observers observers;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final OffsetTracker offsets = new OffsetTracker();
  private final Deque<Pending> backlog = new ArrayDeque<>();
  private final BlockingQueue<Done> done = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int inFlight;

  private PaymentWorker(WorkerSettings settings, PaymentGatewayClient client,
      RetryBackoff backoff, Clock clock, Observers observers) {
    this.settings = settings;
    this.client = client;
    this.backoff = backoff;
    this.clock = clock;
    this.observers = observers;
    // Bytes in, parsed here: a record that does not parse is skipped, never a poll error.
    this.consumer = new KafkaConsumer<>(settings.consumerConfig(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(settings.producerConfig(),
        new ByteArraySerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "payment-worker-" + settings.groupId());
  }

  /** Starts a worker that nobody observes. */
  public static PaymentWorker start(WorkerSettings settings, PaymentGatewayClient client) {
    return start(settings, client, Observers.NONE);
  }

  /** Starts a worker whose backoff draws its jitter from a fresh {@link Random}. */
  public static PaymentWorker start(WorkerSettings settings, PaymentGatewayClient client,
      Observers observers) {
    RetryBackoff backoff = new RetryBackoff(settings.backoffBase(), settings.backoffCap(),
        settings.jitter(), new Random());
    return start(settings, client, backoff, Clock.systemUTC(), observers);
  }

  public static PaymentWorker start(WorkerSettings settings, PaymentGatewayClient client,
      RetryBackoff backoff, Clock clock, Observers observers) {
    PaymentWorker worker = new PaymentWorker(settings, client, backoff, clock, observers);
    worker.thread.start();
    return worker;
  }

  private void run() {
    KafkaClientListener.Watch consumerWatch = observers.clients().consumerOpened(consumer);
    KafkaClientListener.Watch producerWatch = observers.clients().producerOpened(producer);
    try {
      consumer.subscribe(List.of(settings.topics().paymentCharge().name()), new Rebalance());
      while (running) {
        settle();
        dispatch();
        throttle();
        commitAdvanced();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          backlog.addLast(new Pending(record, offsets.track(partition, record.offset())));
        }
      }
      awaitInFlight();
      consumer.commitSync(offsets.positions(consumer.assignment()));
    } catch (RuntimeException e) {
      log.error("payment worker stopped; uncommitted charges will be replayed", e);
    } finally {
      consumerWatch.close();
      producerWatch.close();
      consumer.close(CloseOptions.timeout(KAFKA_CLOSE_TIMEOUT));
      producer.close(KAFKA_CLOSE_TIMEOUT);
    }
  }

  /** Starts charges from the backlog while there is room in the window. */
  private void dispatch() {
    while (inFlight < settings.maxInFlight() && !backlog.isEmpty()) {
      Pending pending = backlog.pollFirst();
      ChargeRequest request;
      try {
        request = parse(pending.record());
      } catch (UnusableRecordException e) {
        deadLetter(pending, e);
        continue;
      }
      inFlight++;
      chargeOnceAdmitted(request, System.nanoTime() + MAX_DEFERRAL.toNanos())
          .thenCompose(outcome -> publish(
              OutcomeEvent.of(settings.topics(), request, outcome, backoff, clock.instant())))
          .whenComplete((sent, failure) -> done.add(new Done(pending, failure)));
    }
  }

  /**
   * A charge the breaker or bulkhead refused never reached the PG, so it is tried again here a
   * little later instead of spending one of the transaction's attempts. It keeps its place in
   * the window meanwhile, so a PG outage slows consumption instead of flooding payment.retry.
   * After MAX_DEFERRAL it is reported as a transient failure like any other.
   */
  private CompletionStage<ChargeOutcome> chargeOnceAdmitted(ChargeRequest request,
      long deadlineNanos) {
    return client.charge(request.paymentTxId(), request.amount(), request.userId())
        .thenCompose(outcome -> {
          if (!neverSent(outcome) || System.nanoTime() > deadlineNanos || !running) {
            return CompletableFuture.completedFuture(outcome);
          }
          long pauseMs = ThreadLocalRandom.current().nextLong(
              DEFERRAL_PAUSE.toMillis() / 2, DEFERRAL_PAUSE.toMillis() * 3 / 2);
          Executor later = CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS);
          return CompletableFuture.runAsync(() -> { }, later)
              .thenCompose(ignored -> chargeOnceAdmitted(request, deadlineNanos));
        });
  }

  private static boolean neverSent(ChargeOutcome outcome) {
    return outcome instanceof Transient t
        && (t.reason().startsWith("CIRCUIT_OPEN") || t.reason().startsWith("BULKHEAD_FULL"));
  }

  /** A charge request nobody can act on: it goes to the DLQ with its reason. */
  private static final class UnusableRecordException extends Exception {
    UnusableRecordException(String message) {
      super(message);
    }
  }

  private ChargeRequest parse(ConsumerRecord<byte[], byte[]> record)
      throws UnusableRecordException {
    Topic<String, ChargeRequest> topic = settings.topics().paymentCharge();
    ChargeRequest request;
    try {
      request = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (KafkaException e) {
      throw new UnusableRecordException("not a charge request: " + e.getMessage());
    }
    if (request == null || request.paymentTxId() == null || request.userId() == null) {
      throw new UnusableRecordException("charge request without paymentTxId or userId");
    }
    return request;
  }

  /**
   * Like Streams' own handlers: the record goes to payment.dlq with why, and its offset is
   * committed only once the DLQ has it, so nothing is lost and the partition moves on.
   */
  private void deadLetter(Pending pending, UnusableRecordException why) {
    ConsumerRecord<byte[], byte[]> record = pending.record();
    log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
        why.getMessage());
    inFlight++;
    producer.send(DeadLetterRecord.of(settings.topics().dlq().name(), record,
            UnusableRecordException.class.getName(), why.getMessage()),
        (metadata, failure) -> done.add(new Done(pending, failure)));
  }

  private CompletableFuture<?> publish(OutcomeEvent<?> event) {
    CompletableFuture<Object> acknowledged = new CompletableFuture<>();
    producer.send(event.toProducerRecord(), (metadata, failure) -> {
      if (failure == null) {
        observers.published().accept(event);
        acknowledged.complete(metadata);
      } else {
        acknowledged.completeExceptionally(failure);
      }
    });
    return acknowledged;
  }

  /** Books what finished since the last pass; a failed publish is charged again (idempotent). */
  private void settle() {
    for (Done finished = done.poll(); finished != null; finished = done.poll()) {
      book(finished);
    }
  }

  private void book(Done finished) {
    inFlight--;
    Pending pending = finished.pending();
    if (finished.failure() == null) {
      offsets.complete(pending.partition(), pending.record().offset());
    } else if (running && offsets.isCurrent(pending.partition())) {
      log.warn("outcome of {}-{}@{} not published, charging again",
          pending.record().topic(), pending.record().partition(), pending.record().offset(),
          finished.failure());
      backlog.addFirst(pending);
    }
  }

  /** A non-empty backlog means the window is full: stop fetching until it has drained. */
  private void throttle() {
    if (!backlog.isEmpty()) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private void commitAdvanced() {
    Map<TopicPartition, OffsetAndMetadata> advanced = offsets.advanced();
    if (!advanced.isEmpty()) {
      consumer.commitAsync(advanced, (committed, failure) -> {
        if (failure != null) {
          log.warn("offset commit failed, a later commit will cover it: {}", failure.toString());
        }
      });
    }
  }

  /** Waits up to closeTimeout for charges in flight; the group's heartbeats go on meanwhile. */
  private void awaitInFlight() {
    backlog.clear();
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    try {
      while (inFlight > 0) {
        Done finished = done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (finished == null) {
          log.warn("closing with {} charges in flight; they will be replayed", inFlight);
          return;
        }
        book(finished);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops consuming, waits up to closeTimeout for charges in flight, commits what is done. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(settings.closeTimeout().plus(KAFKA_CLOSE_TIMEOUT.multipliedBy(3)).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits what a departing partition finished and forgets the rest: its new owner replays. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        consumer.commitSync(offsets.positions(partitions));
      } catch (KafkaException e) {
        log.warn("commit on revocation failed; the new owner replays from the last commit", e);
      }
      onPartitionsLost(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      offsets.forget(partitions);
      backlog.removeIf(pending -> partitions.contains(pending.partition().topicPartition()));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  }
}
