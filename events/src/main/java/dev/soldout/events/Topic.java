package dev.soldout.events;

import org.apache.kafka.common.serialization.Serde;

/** A topic's name with the serdes of its keys and values, so call sites cannot mix them up. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
