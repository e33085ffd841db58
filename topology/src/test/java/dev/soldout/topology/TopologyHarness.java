package dev.soldout.topology;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.SeatDecision;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.StoreNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The payment topology in a TopologyTestDriver, with typed handles on every topic. The driver
 * feeds records written to the topology's own source topics (seat commands, seat decisions, due
 * retries on payment.try) straight back in, so the loops run without help.
 */
final class TopologyHarness implements AutoCloseable {
  final Topics topics = Topics.withPrefix("");
  final TopologyTestDriver driver;

  final TestInputTopic<String, PaymentTry> tries;
  final TestInputTopic<String, PaymentSuccess> successes;
  final TestInputTopic<String, PaymentRetry> retries;
  final TestInputTopic<String, PaymentFailure> failures;
  final TestInputTopic<String, PaymentCancel> cancels;

  final TestOutputTopic<String, ChargeRequest> charges;
  final TestOutputTopic<String, TxState> states;
  final TestOutputTopic<String, PaymentCancel> compensations;
  final TestOutputTopic<String, SeatCommand> seatCommands;
  final TestOutputTopic<String, SeatDecision> seatDecisions;
  final TestOutputTopic<String, PaymentTry> reEmittedTries;
  final TestOutputTopic<byte[], byte[]> dlq;

  TopologyHarness(Path stateDir, TopologySettings settings) {
    this(stateDir, settings, new Properties());
  }

  TopologyHarness(Path stateDir, TopologySettings settings, Properties overrides) {
    Properties props = StreamsSettings.base("dummy:9092", "soldout-topology-test",
        stateDir.toString(), "localhost:7070", 100, 1, 1, 0, topics);
    props.putAll(overrides);
    driver = new TopologyTestDriver(PaymentTopology.build(topics, settings, props), props,
        PaymentFixtures.T0);
    tries = input(topics.paymentTry());
    successes = input(topics.paymentSuccess());
    retries = input(topics.paymentRetry());
    failures = input(topics.paymentFailure());
    cancels = input(topics.paymentCancel());
    charges = output(topics.paymentCharge());
    states = output(topics.txState());
    compensations = output(topics.paymentCancel());
    seatCommands = output(topics.seatCommands());
    seatDecisions = output(topics.seatDecisions());
    reEmittedTries = output(topics.paymentTry());
    dlq = driver.createOutputTopic(topics.dlq().name(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
    return driver.createInputTopic(topic.name(), topic.keySerde().serializer(),
        topic.valueSerde().serializer());
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
        topic.valueSerde().deserializer());
  }

  TestInputTopic<byte[], byte[]> rawInput(String topic) {
    return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Pipes raw bytes, e.g. a poison record that no JSON serde would write. */
  void pipeRaw(String topic, byte[] key, byte[] value) {
    rawInput(topic).pipeInput(key, value);
  }

  // --- the outside world ------------------------------------------------------------------------

  void apiTries(PaymentTry attempt) {
    tries.pipeInput(attempt.paymentTxId(), attempt);
  }

  void pgSucceeds(PaymentSuccess success) {
    successes.pipeInput(success.paymentTxId(), success);
  }

  void pgAsksForRetry(PaymentRetry retry) {
    retries.pipeInput(retry.paymentTxId(), retry);
  }

  void pgFails(PaymentFailure failure) {
    failures.pipeInput(failure.paymentTxId(), failure);
  }

  void compensationCompletes(PaymentCancel completion) {
    cancels.pipeInput(completion.paymentTxId(), completion);
  }

  void advance(Duration wallClock) {
    driver.advanceWallClockTime(wallClock);
  }

  // --- what the topology holds ------------------------------------------------------------------

  TxState txState(String tx) {
    KeyValueStore<String, TxState> store = driver.getKeyValueStore(StoreNames.TX_STATE);
    return store.get(tx);
  }

  SeatClaim seat(String seatId) {
    KeyValueStore<String, SeatClaim> store = driver.getKeyValueStore(StoreNames.SEAT_LEDGER);
    return store.get(PaymentFixtures.PERFORMANCE + "/" + seatId);
  }

  long pendingRetries() {
    KeyValueStore<String, PaymentTry> store = driver.getKeyValueStore(StoreNames.RETRY_SCHEDULE);
    long n = 0;
    try (var all = store.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  static <V> List<V> drain(TestOutputTopic<?, V> topic) {
    return topic.readValuesToList();
  }

  static <K, V> List<TestRecord<K, V>> drainRecords(TestOutputTopic<K, V> topic) {
    return topic.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
