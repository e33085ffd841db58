package dev.soldout.events.follow;

import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.Topic;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a topic with committed records only and applies an idempotent side effect to each
 * batch, committing after the batch is applied: a crash replays the batch, which the effect must
 * tolerate. A batch that fails is retried (not skipped) after a pause, so nothing is lost.
 */
public class TopicFollower<V> implements Runnable, AutoCloseable {
  /** The side effect; it must be idempotent. Values that do not parse arrive as null. */
  @FunctionalInterface
  public interface BatchHandler<V> {
    void apply(List<Map.Entry<String, V>> batch) throws Exception;
  }

  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

  private static final StringDeserializer KEYS = new StringDeserializer();

  private final String topic;
  private final Function<ConsumerRecord<byte[], byte[]>, V> reader;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final BatchHandler<V> handler;
  private final Duration retryPause;
  private final KafkaClientListener clients;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public TopicFollower(String bootstrapServers, String groupId, Topic<String, V> topic,
      BatchHandler<V> handler, Duration retryPause, KafkaClientListener clients) {
    this(bootstrapServers, groupId, topic.name(), record -> topic.valueSerde().deserializer()
        .deserialize(record.topic(), record.value()), handler, retryPause, clients);
  }

  /**
   * Follows a topic whose values are read from the whole record, for handlers that need its
   * headers or offsets too (a DLQ record's reason is in its headers).
   */
  public TopicFollower(String bootstrapServers, String groupId, String topic,
      Function<ConsumerRecord<byte[], byte[]>, V> reader, BatchHandler<V> handler,
      Duration retryPause, KafkaClientListener clients) {
    this.topic = topic;
    this.reader = reader;
    this.handler = handler;
    this.retryPause = retryPause;
    this.clients = clients;
    Properties props = new Properties();
    props.putAll(GroupFailover.consumerProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this, groupId);
  }

  public TopicFollower<V> start() {
    thread.start();
    return this;
  }

  @Override
  public void run() {
    KafkaClientListener.Watch watch = clients.consumerOpened(consumer);
    try {
      consumer.subscribe(List.of(topic));
      while (running.get()) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        List<Map.Entry<String, V>> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          // Every topic followed here is keyed by a string (paymentTxId or seat).
          batch.add(new SimpleImmutableEntry<>(KEYS.deserialize(topic, record.key()),
              parse(record)));
        }
        applyUntilDone(batch);
        consumer.commitSync();
      }
    } catch (WakeupException stopping) {
      // close() woke the consumer up.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watch.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private V parse(ConsumerRecord<byte[], byte[]> record) {
    try {
      return reader.apply(record);
    } catch (RuntimeException e) {
      log.warn("{}: skipping unreadable record at {}-{}@{}: {}", thread.getName(),
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return null;
    }
  }

  private void applyUntilDone(List<Map.Entry<String, V>> batch) throws InterruptedException {
    while (running.get()) {
      try {
        handler.apply(batch);
        return;
      } catch (Exception e) {
        log.warn("{}: side effect failed, retrying in {} ms: {}", thread.getName(),
            retryPause.toMillis(), e.toString());
        Thread.sleep(retryPause.toMillis());
      }
    }
    throw new WakeupException();
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
