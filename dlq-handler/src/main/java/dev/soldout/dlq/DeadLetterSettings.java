package dev.soldout.dlq;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * Kafka Streams' own dead letter queue (KIP-1034): with a DLQ topic configured, the built-in
 * handlers build the DLQ record (original key and value bytes, reason in headers) and the task's
 * own producer writes it, so under exactly-once it commits atomically with the input offset.
 * Every handler is set explicitly: a poison record goes to the DLQ and processing goes on.
 */
public final class DeadLetterSettings {
  private DeadLetterSettings() {}

  public static Map<String, Object> streamsProperties(String dlqTopic) {
    return Map.of(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic,
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class,
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class,
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        SerializationToDeadLetterHandler.class);
  }
}
