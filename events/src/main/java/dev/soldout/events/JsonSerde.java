package dev.soldout.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON values on topics. A record that does not parse throws, so Streams routes it to the DLQ. */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;

  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return Json.mapper().writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName(), e);
      }
    };
  }

  private static String reason(IOException e) {
    return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return Json.mapper().readValue(bytes, type);
      } catch (IOException e) {
        throw new SerializationException(
            "not a valid " + type.getSimpleName() + " on " + topic + ": " + reason(e), e);
      }
    };
  }
}
