package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

  private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

  @TempDir
  Path dataDir;

  @Test
  void keepsRecordsAcrossRestartAndDiesOnKill() throws Exception {
    try (KafkaBroker broker = new KafkaBroker(
        KafkaBroker.Config.singleNode(dataDir, FreePorts.next(), FreePorts.next()))) {
      long firstStart = timed(broker::start);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(PARTITION.topic(), 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = producer(broker)) {
        producer.send(new ProducerRecord<>(PARTITION.topic(), "o-1", "paid")).get();
      }
      assertThat(readAll(broker)).containsExactly("paid");

      broker.stop();
      assertThat(broker.isRunning()).isFalse();
      long restart = timed(broker::start);
      assertThat(readAll(broker)).containsExactly("paid");

      long pid = broker.pid();
      broker.kill();
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
      long restartAfterKill = timed(broker::start);
      assertThat(readAll(broker)).containsExactly("paid");

      System.out.printf("KafkaBroker start: first (with format) %d ms, after stop %d ms, after kill %d ms%n",
          firstStart, restart, restartAfterKill);
    }
  }

  private static long timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static KafkaProducer<String, String> producer(KafkaBroker broker) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
  }

  private static List<String> readAll(KafkaBroker broker) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(Set.of(PARTITION));
      consumer.seekToBeginning(Set.of(PARTITION));
      List<String> values = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
        return !values.isEmpty();
      });
      return values;
    }
  }
}
