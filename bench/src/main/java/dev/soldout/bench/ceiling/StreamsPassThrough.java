package dev.soldout.bench.ceiling;

import dev.soldout.bench.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Kafka Streams alone on the same broker: an exactly-once one-hop pass-through (read, write,
 * commit), with the app's partitions and commit interval, over records of a payment's size. It
 * is the most a topology hop can do here; a payment costs several hops.
 */
final class StreamsPassThrough {
  private StreamsPassThrough() {}

  static Ceiling measure(Target target, String run, int records, int recordBytes, int threads)
      throws Exception {
    String in = target.topicPrefix() + "bench-ceiling-" + run + ".in";
    String out = target.topicPrefix() + "bench-ceiling-" + run + ".out";
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(List.of(
          new NewTopic(in, target.partitions(), target.replicationFactor()),
          new NewTopic(out, target.partitions(), target.replicationFactor()))).all().get();
      try {
        produce(target, in, records, recordBytes);
        return new Ceiling("kafka-streams", "records/s", passThrough(target, run, in, out,
            records, threads), String.format("exactly_once_v2 one-hop pass-through, %d records"
            + " of %d B, %d partitions, %d stream threads, commit interval %d ms", records,
            recordBytes, target.partitions(), threads, target.commitIntervalMs()));
      } finally {
        admin.deleteTopics(List.of(in, out)).all().get();
      }
    }
  }

  private static void produce(Target target, String topic, int records, int bytes) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    byte[] value = new byte[bytes];
    Arrays.fill(value, (byte) 'x');
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, ("tx-" + i).getBytes(), value));
      }
      producer.flush();
    }
  }

  private static double passThrough(Target target, String run, String in, String out,
      int records, int threads) throws Exception {
    AtomicLong processed = new AtomicLong();
    AtomicLong firstAt = new AtomicLong();
    AtomicLong lastAt = new AtomicLong();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("in"))
        .mapValues(value -> {
          // Timing only: the first and the last record processed bound the measured window.
          long n = processed.incrementAndGet();
          if (n == 1) {
            firstAt.set(System.nanoTime());
          }
          if (n == records) {
            lastAt.set(System.nanoTime());
          }
          return value;
        }, Named.as("count"))
        .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("out"));
    Path stateDir = Files.createTempDirectory("bench-ceiling-streams");
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
    // Not under the application's prefix: the lag sampler counts every group under it.
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-ceiling-" + run);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, target.commitIntervalMs());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) target.replicationFactor());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
      streams.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (lastAt.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (lastAt.get() == 0) {
        throw new IllegalStateException("pass-through processed only " + processed.get()
            + " of " + records + " records in 120 s");
      }
      streams.close(java.time.Duration.ofSeconds(30));
      streams.cleanUp();
    }
    return (records - 1) / ((lastAt.get() - firstAt.get()) / 1e9);
  }

}
