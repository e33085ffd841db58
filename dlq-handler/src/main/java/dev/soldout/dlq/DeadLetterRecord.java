package dev.soldout.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record of payment.dlq read back: the original bytes and why they were given up on, from the
 * {@code __streams.errors.*} headers that Streams' built-in handlers write, and that {@link #of}
 * writes for consumers outside Streams, so that every dead letter reads the same.
 */
public record DeadLetterRecord(
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    String exception,
    String message,
    byte[] key,
    byte[] value,
    Instant at,
    long dlqOffset) {

  static final String EXCEPTION = "__streams.errors.exception";
  static final String MESSAGE = "__streams.errors.message";
  static final String TOPIC = "__streams.errors.topic";
  static final String PARTITION = "__streams.errors.partition";
  static final String OFFSET = "__streams.errors.offset";

  public static DeadLetterRecord from(ConsumerRecord<byte[], byte[]> record) {
    Headers headers = record.headers();
    return new DeadLetterRecord(
        text(headers, TOPIC),
        Integer.parseInt(textOr(headers, PARTITION, "-1")),
        Long.parseLong(textOr(headers, OFFSET, "-1")),
        text(headers, EXCEPTION),
        text(headers, MESSAGE),
        record.key(),
        record.value(),
        Instant.ofEpochMilli(record.timestamp()),
        record.offset());
  }

  /** A dead letter for a record a plain consumer could not use, in Streams' header format. */
  public static ProducerRecord<byte[], byte[]> of(String dlqTopic,
      ConsumerRecord<byte[], byte[]> poisoned, String exception, String message) {
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(dlqTopic, poisoned.key(), poisoned.value());
    letter.headers()
        .add(EXCEPTION, exception.getBytes(StandardCharsets.UTF_8))
        .add(MESSAGE, message.getBytes(StandardCharsets.UTF_8))
        .add(TOPIC, poisoned.topic().getBytes(StandardCharsets.UTF_8))
        .add(PARTITION, Integer.toString(poisoned.partition()).getBytes(StandardCharsets.UTF_8))
        .add(OFFSET, Long.toString(poisoned.offset()).getBytes(StandardCharsets.UTF_8));
    return letter;
  }

  private static String text(Headers headers, String name) {
    return textOr(headers, name, null);
  }

  private static String textOr(Headers headers, String name, String fallback) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? fallback : new String(header.value(), StandardCharsets.UTF_8);
  }
}
