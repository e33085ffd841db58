package dev.soldout.app;

import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./soldout dlq list|replay}: the records Kafka Streams dead-lettered, with why, and their
 * replay to the topic they came from. A replayed record carries {@code soldout.replayed-from}
 * (the DLQ partition and offset), so a record that fails again and returns to the DLQ shows
 * where it was replayed from; the topology's idempotency makes a replay of an event it already
 * applied harmless.
 */
final class DlqCommand {
  static final String REPLAYED_FROM = "soldout.replayed-from";
  static final String USAGE = """
      usage: ./soldout dlq list [selection]
             ./soldout dlq replay (selection | --all) [--dry-run]
        list     every DLQ record (or the selected ones): DLQ partition@offset, time, source
                 topic-partition@offset, paymentTxId (the key), exception and message
        replay   sends the selected records' original key and value back to their source topic
                 with the header soldout.replayed-from; --dry-run only shows them
      selection: [--offsets A-B] [--partition P] [--reason TEXT] [--tx ID]
        --offsets   DLQ offsets A to B inclusive (in each DLQ partition unless --partition)
        --reason    a case-insensitive substring of the exception class or message
        --tx        the paymentTxId (the record's key)
      Exit codes: 0 done, 1 Kafka failed or a replay failed, 2 bad usage.""";

  private DlqCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    if (args.length == 0 || !List.of("list", "replay").contains(args[0])) {
      out.println(USAGE);
      return 2;
    }
    boolean replay = args[0].equals("replay");
    Predicate<Entry> selected = e -> true;
    boolean dryRun = false;
    boolean selection = false;
    boolean all = false;
    try {
      for (int i = 1; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--dry-run") && replay) {
          dryRun = true;
          continue;
        }
        if (option.equals("--all") && replay) {
          all = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + option);
        }
        String value = args[++i];
        selection = true;
        selected = selected.and(switch (option) {
          case "--offsets" -> {
            String[] range = value.split("-", 2);
            long from = Long.parseLong(range[0]);
            long to = range.length == 2 ? Long.parseLong(range[1]) : from;
            yield e -> e.record().dlqOffset() >= from && e.record().dlqOffset() <= to;
          }
          case "--partition" -> {
            int partition = Integer.parseInt(value);
            yield e -> e.dlqPartition() == partition;
          }
          case "--reason" -> {
            String needle = value.toLowerCase(Locale.ROOT);
            yield e -> (e.record().exception() + " " + e.record().message())
                .toLowerCase(Locale.ROOT).contains(needle);
          }
          case "--tx" -> e -> value.equals(keyOf(e.record()));
          default -> throw new IllegalArgumentException("unknown option: " + option);
        });
      }
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(USAGE);
      return 2;
    }
    if (replay && !selection && !all) {
      out.println("replay needs a selection, or --all to replay every DLQ record");
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
      List<Entry> records = read(kafka, topics.dlq().name());
      List<Entry> chosen = records.stream().filter(selected).toList();
      if (!replay) {
        chosen.forEach(e -> out.println(describe(e)));
        out.printf("%d of %d DLQ record(s)%n", chosen.size(), records.size());
        return 0;
      }
      return replay(kafka, chosen, dryRun, out);
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  /**
   * A DLQ record with the DLQ partition it was read from (DeadLetterRecord knows only its offset)
   * and the replay marker, if it had been replayed before.
   */
  record Entry(DeadLetterRecord record, int dlqPartition, String replayedFrom) {}

  private static String keyOf(DeadLetterRecord r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String describe(Entry e) {
    DeadLetterRecord r = e.record();
    return String.format("dlq %d@%d  %s  from %s-%d@%d  tx %s  %s: %s%s", e.dlqPartition(),
        r.dlqOffset(), r.at(), r.sourceTopic(), r.sourcePartition(), r.sourceOffset(), keyOf(r),
        r.exception(), r.message(), e.replayedFrom() == null ? ""
            : "  (replayed from dlq " + e.replayedFrom() + ")");
  }

  private static int replay(String kafka, List<Entry> chosen, boolean dryRun, PrintStream out) {
    int failed = 0;
    int replayed = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Entry e : chosen) {
        DeadLetterRecord r = e.record();
        if (r.sourceTopic() == null) {
          out.println("skipped " + describe(e) + ": no source topic header");
          failed++;
          continue;
        }
        if (dryRun) {
          out.println("would replay " + describe(e));
          continue;
        }
        // The key picks the partition, as for any event of the transaction.
        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(r.sourceTopic(), r.key(),
            r.value());
        again.headers().add(REPLAYED_FROM, (e.dlqPartition() + "@" + r.dlqOffset())
            .getBytes(StandardCharsets.UTF_8));
        try {
          RecordMetadata sent = producer.send(again).get(70, TimeUnit.SECONDS);
          replayed++;
          out.printf("replayed dlq %d@%d -> %s-%d@%d  tx %s%n", e.dlqPartition(),
              r.dlqOffset(), sent.topic(), sent.partition(), sent.offset(), keyOf(r));
        } catch (Exception ex) {
          failed++;
          out.println("FAILED to replay " + describe(e) + ": " + ex);
        }
      }
    }
    out.printf("%d selected, %d replayed%s, %d failed%n", chosen.size(), replayed,
        dryRun ? " (dry run)" : "", failed);
    return failed == 0 ? 0 : 1;
  }

  /** The whole DLQ up to its last stable offset, committed records only. */
  static List<Entry> read(String kafka, String dlq) {
    List<Entry> entries = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(dlq, Duration.ofSeconds(30))
          .stream().map(p -> new TopicPartition(dlq, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + dlq + " up to " + end);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          DeadLetterRecord r = DeadLetterRecord.from(record);
          Header marker = record.headers().lastHeader(REPLAYED_FROM);
          entries.add(new Entry(r, record.partition(), marker == null ? null
              : new String(marker.value(), StandardCharsets.UTF_8)));
        }
      }
    }
    entries.sort(Comparator.comparingInt(Entry::dlqPartition)
        .thenComparingLong(e -> e.record().dlqOffset()));
    return entries;
  }
}
