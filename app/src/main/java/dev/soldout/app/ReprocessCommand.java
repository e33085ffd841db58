package dev.soldout.app;

import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./soldout reprocess}: the seed's EventReprocessor, made safe. It finds transactions that
 * stopped moving (PENDING, or FAILED with its compensation not done) in the tx-state topic, the
 * KTable's own output, and sends each the one event that moves it on from where it stands. It
 * never resets a state: every event goes through the state machine, which ignores it if the
 * transaction moved on meanwhile, and any charge it causes carries the same idempotency key
 * (paymentTxId), so running it twice, or while the system catches up by itself, is harmless.
 * Unlike the seed it does not charge a FAILED transaction again: FAILED only ever ends CANCELLED.
 */
final class ReprocessCommand {
  static final String USAGE = """
      usage: ./soldout reprocess [--older-than 5m] [--since T] [--until T] [--tx ID] [--dry-run]
        Re-drives PENDING transactions and FAILED ones whose compensation is not done, whose
        last change is older than --older-than (default 5m, above every wait the saga makes on
        its own), created within [--since, --until) if given (ISO instants, or durations ago:
        2h), or the one --tx. Each gets the event for the step it is stuck at:
          PENDING, seat claim unanswered  -> CLAIM again on payment.seat-commands
          PENDING, retry due but not sent -> the next attempt on payment.try
          PENDING, charge unanswered      -> payment.retry for the attempt (a charge again,
                                             same idempotency key, or ATTEMPTS_EXHAUSTED)
          FAILED                          -> the compensation command on payment.cancel
        --dry-run lists them without sending. Exit codes: 0 done, 1 Kafka failed or a send
        failed, 2 bad usage.""";
  static final Duration DEFAULT_AGE = Duration.ofMinutes(5);

  /** One event that moves a stuck transaction on, and what it does, for the operator. */
  record Redrive(String action, ProducerRecord<String, byte[]> record) {}

  private ReprocessCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    Duration olderThan = DEFAULT_AGE;
    Instant since = Instant.MIN;
    Instant until = Instant.MAX;
    String tx = null;
    boolean dryRun = false;
    Instant now = Instant.now();
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--dry-run")) {
          dryRun = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + option);
        }
        String value = args[++i];
        switch (option) {
          case "--older-than" -> olderThan = HoldsCommand.parseDuration(value);
          case "--since" -> since = instant(value, now);
          case "--until" -> until = instant(value, now);
          case "--tx" -> tx = value;
          default -> throw new IllegalArgumentException("unknown option: " + option);
        }
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      out.println(e.getMessage());
      out.println(USAGE);
      return 2;
    }
    Optional<SoldoutNode.Endpoints> found = AppCommand.require(settings, out,
        AppCommand.Need.KAFKA);
    if (found.isEmpty()) {
      return 2;
    }
    String kafka = found.get().kafka();
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    try {
      Map<String, TxState> states = TopicSnapshot.read(kafka, topics.txState().name(),
          topics.txState().keySerde().deserializer(), topics.txState().valueSerde().deserializer());
      Instant lastChange = now.minus(olderThan);
      Instant from = since;
      Instant to = until;
      String only = tx;
      List<TxState> stuck = states.values().stream()
          .filter(s -> s.status() == TxStatus.PENDING || s.status() == TxStatus.FAILED)
          .filter(s -> !s.updatedAt().isAfter(lastChange))
          .filter(s -> !s.createdAt().isBefore(from) && s.createdAt().isBefore(to))
          .filter(s -> only == null || only.equals(s.paymentTxId()))
          .sorted(Comparator.comparing(TxState::createdAt)).toList();
      out.printf("%d transaction(s) in payment.tx-state, %d stuck (PENDING or FAILED, last change"
          + " before %s)%n", states.size(), stuck.size(), lastChange);
      return send(kafka, topics, stuck, now, dryRun, out);
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  private static int send(String kafka, Topics topics, List<TxState> stuck, Instant now,
      boolean dryRun, PrintStream out) {
    int sent = 0;
    int failed = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
        new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < stuck.size(); i++) {
        TxState s = stuck.get(i);
        Redrive redrive = plan(s, topics, now);
        String line = String.format("[%d/%d] %s %s (attempt %d, last change %s ago): %s",
            i + 1, stuck.size(), s.paymentTxId(), s.status(), s.attempts(),
            Duration.between(s.updatedAt(), now).withNanos(0), redrive.action());
        if (dryRun) {
          out.println(line + " (dry run)");
          continue;
        }
        try {
          RecordMetadata at = producer.send(redrive.record()).get(70, TimeUnit.SECONDS);
          sent++;
          out.printf("%s -> %s-%d@%d%n", line, at.topic(), at.partition(), at.offset());
        } catch (Exception e) {
          failed++;
          out.println(line + " FAILED: " + e);
        }
      }
    }
    out.printf("%d stuck, %d re-driven%s, %d failed%n", stuck.size(), sent,
        dryRun ? " (dry run)" : "", failed);
    return failed == 0 ? 0 : 1;
  }

  /**
   * The event for the step a PENDING or FAILED transaction is stuck at. Each is one the state
   * machine accepts only in exactly that state (the attempt numbers must match), so a re-drive
   * that arrives after the transaction moved on changes nothing.
   */
  static Redrive plan(TxState s, Topics topics, Instant now) {
    String tx = s.paymentTxId();
    if (s.status() == TxStatus.FAILED) {
      // What the failed transition emitted; the compensation worker's steps are idempotent.
      return new Redrive("compensate again (payment.cancel command)", record(topics.paymentCancel(),
          tx, new PaymentCancel(tx, s.holdId(), s.performanceId(), s.seatId(), s.amount(),
              s.reason(), s.seatClaimed() || s.charged(), false, now)));
    }
    if (s.status() != TxStatus.PENDING) {
      throw new IllegalArgumentException(tx + " is " + s.status() + ", nothing to re-drive");
    }
    if (!s.seatClaimed()) {
      // The ledger grants a claim it already granted again, and denies a stale token.
      return new Redrive("claim the seat again", record(topics.seatCommands(),
          s.seat().asString(), new SeatCommand(SeatCommand.Type.CLAIM, tx, s.performanceId(),
              s.seatId(), s.fencingToken(), now)));
    }
    if (s.nextRetryAt() != null) {
      return new Redrive("send the due attempt " + (s.attempts() + 1), record(topics.paymentTry(),
          tx, new PaymentTry(tx, s.holdId(), s.performanceId(), s.seatId(), s.userId(),
              s.amount(), s.fencingToken(), s.attempts() + 1, now)));
    }
    return new Redrive("retry attempt " + s.attempts() + " (no answer from the PG worker)",
        record(topics.paymentRetry(), tx, new PaymentRetry(tx, s.attempts(),
            "reprocess: no answer to attempt " + s.attempts(), now, now)));
  }

  private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key,
      V value) {
    return new ProducerRecord<>(topic.name(), key,
        topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  /** An ISO instant, or a duration ago (30m, 2h). */
  static Instant instant(String text, Instant now) {
    return Character.isDigit(text.charAt(text.length() - 1)) || text.endsWith("Z")
        ? Instant.parse(text) : now.minus(HoldsCommand.parseDuration(text));
  }
}
