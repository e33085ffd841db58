package dev.soldout.topology;

import static dev.soldout.topology.PaymentFixtures.AMOUNT;
import static dev.soldout.topology.PaymentFixtures.T0;
import static dev.soldout.topology.PaymentFixtures.attempt;
import static dev.soldout.topology.PaymentFixtures.completion;
import static dev.soldout.topology.PaymentFixtures.failure;
import static dev.soldout.topology.PaymentFixtures.firstTry;
import static dev.soldout.topology.PaymentFixtures.retry;
import static dev.soldout.topology.PaymentFixtures.success;
import static dev.soldout.topology.TopologyHarness.drain;
import static dev.soldout.topology.TopologyHarness.drainRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.SeatDecision;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.SeatClaim.Status;
import dev.soldout.stores.StoreNames;
import dev.soldout.stores.TxStateListener;
import dev.soldout.stores.TxStatusTally;
import dev.soldout.topology.saga.UnknownTransactionException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentTopologyTest {
  static final String SEAT = "C-12";

  @TempDir
  Path stateDir;

  TopologyHarness t;

  @BeforeEach
  void start() {
    t = new TopologyHarness(stateDir, new TopologySettings(3, Duration.ofMillis(100)));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /**
   * The same topology and DLQ settings under at_least_once. Needed to observe the DLQ record of a
   * record that fails to DESERIALIZE: under exactly_once_v2 Streams sends it into the open
   * transaction while the record is being added to the task, and TopologyTestDriver, before it
   * processes anything, collects only committed sends from its MockProducer and then calls
   * MockProducer.clear(), which also drops uncommitted sends. So the driver loses that record
   * under EOS; a real producer does not (the record commits with the next transaction).
   * Processing-exception DLQ records are sent while processing and survive under EOS.
   */
  private void restartAtLeastOnce() {
    t.close();
    Properties alos = new Properties();
    alos.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    t = new TopologyHarness(stateDir.resolve("alos"), new TopologySettings(3,
        Duration.ofMillis(100)), alos);
  }

  /** Opens tx on SEAT with a token and checks it reached "charging attempt 1". */
  private void openAndClaim(String tx, long token) {
    t.apiTries(firstTry(tx, SEAT, token));
    assertThat(t.txState(tx).seatClaimed()).as("%s claimed the seat", tx).isTrue();
  }

  private static List<String> headerNames(Headers headers) {
    return java.util.Arrays.stream(headers.toArray()).map(Header::key).toList();
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  // --- plumbing ---------------------------------------------------------------------------------

  @Test
  void the_driver_feeds_the_topologys_own_topics_back_in() {
    t.apiTries(firstTry("tx-1", SEAT, 5));

    List<TestRecord<String, SeatCommand>> commands = drainRecords(t.seatCommands);
    assertThat(commands).hasSize(1);
    assertThat(commands.get(0).key()).isEqualTo(PaymentFixtures.PERFORMANCE + "/" + SEAT);
    assertThat(commands.get(0).value().type()).isEqualTo(SeatCommand.Type.CLAIM);
    assertThat(commands.get(0).value().fencingToken()).isEqualTo(5);

    List<TestRecord<String, SeatDecision>> decisions = drainRecords(t.seatDecisions);
    assertThat(decisions).singleElement().satisfies(d -> {
      assertThat(d.key()).isEqualTo("tx-1");
      assertThat(d.value().granted()).isTrue();
    });
    assertThat(drain(t.charges)).singleElement()
        .isEqualTo(new ChargeRequest("tx-1", "user-tx-1", AMOUNT, 1, T0));
  }

  @Test
  void the_topology_describes_cleanly_with_explicit_internal_resource_naming() {
    Properties props = StreamsSettings.base("dummy:9092", "naming-check",
        stateDir.resolve("naming").toString(), "localhost:7070", 100, 1, 1, 0, t.topics);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    Topology topology = PaymentTopology.build(t.topics, TopologySettings.defaults(), props);
    assertThatCode(() -> new TopologyTestDriver(topology, props).close())
        .doesNotThrowAnyException();

    // Every node, store and topic carries a chosen name: nothing generated (KSTREAM-..., etc.).
    TopologyDescription description = topology.describe();
    assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-", "-repartition");
    assertThat(description.subtopologies()).hasSize(2);
    assertThat(description.subtopologies()).flatExtracting(s -> s.nodes())
        .filteredOn(n -> n instanceof TopologyDescription.Processor)
        .flatExtracting(n -> ((TopologyDescription.Processor) n).stores())
        .containsOnly(StoreNames.TX_STATE, StoreNames.RETRY_SCHEDULE, StoreNames.SEAT_LEDGER);
  }

  /**
   * How Kafka applies the flag: it is read from the TopologyConfig the StreamsBuilder is created
   * with; the properties given to the driver (or to KafkaStreams) come too late to police names.
   */
  @Test
  void the_naming_flag_is_enforced_only_by_a_builder_created_with_it() {
    Properties props = StreamsSettings.base("dummy:9092", "naming-check",
        stateDir.resolve("naming").toString(), "localhost:7070", 100, 1, 1, 0, t.topics);
    StreamsBuilder plain = new StreamsBuilder();
    plain.stream("in", Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count();
    assertThatCode(() -> new TopologyTestDriver(plain.build(), props).close())
        .as("an unnamed store and changelog pass unnoticed").doesNotThrowAnyException();

    StreamsBuilder configured = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    configured.stream("in", Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count();
    assertThatThrownBy(configured::build).isInstanceOf(TopologyException.class)
        .hasMessageContaining("has not been named");
  }

  @Test
  void the_explicit_naming_guard_of_streams_settings_is_active_in_the_payment_topology()
      throws ReflectiveOperationException {
    Topology topology = PaymentTopology.build(t.topics, TopologySettings.defaults(),
        StreamsSettings.base("dummy:9092", "naming-flag", stateDir.resolve("flag").toString(),
            "localhost:7070", 100, 1, 1, 0, t.topics));
    Field builderField = Topology.class.getDeclaredField("internalTopologyBuilder");
    builderField.setAccessible(true);
    Object builder = builderField.get(topology);
    Field flag = builder.getClass().getDeclaredField("ensureExplicitInternalResourceNaming");
    flag.setAccessible(true);
    assertThat(flag.getBoolean(builder)).isTrue();
  }

  // --- happy paths ------------------------------------------------------------------------------

  @Test
  void a_payment_that_succeeds_at_the_first_try_sells_the_seat() {
    openAndClaim("tx-1", 5);
    t.pgSucceeds(success("tx-1", 1));

    List<TxState> states = drain(t.states);
    assertThat(states).extracting(TxState::status)
        .containsExactly(TxStatus.PENDING, TxStatus.PENDING, TxStatus.SUCCESS);
    assertThat(states).extracting(TxState::version).containsExactly(1L, 2L, 3L);
    TxState done = states.get(2);
    assertThat(done).isEqualTo(t.txState("tx-1"));
    assertThat(done.charged()).isTrue();
    assertThat(done.pgChargeId()).isEqualTo("ch-tx-1");
    assertThat(done.attempts()).isEqualTo(1);

    assertThat(drain(t.charges)).extracting(ChargeRequest::attempt).containsExactly(1);
    assertThat(drain(t.seatCommands)).extracting(SeatCommand::type)
        .containsExactly(SeatCommand.Type.CLAIM, SeatCommand.Type.CONFIRM);
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status,
        SeatClaim::highestToken).containsExactly("tx-1", Status.SOLD, 5L);
    assertThat(drain(t.compensations)).isEmpty();
    assertThat(t.dlq.isEmpty()).isTrue();
  }

  @Test
  void a_payment_that_succeeds_after_retries_is_charged_again_once_each_retry_is_due() {
    openAndClaim("tx-1", 5);
    drain(t.charges);

    t.pgAsksForRetry(retry("tx-1", 1, T0.plusSeconds(1)));
    assertThat(t.txState("tx-1").nextRetryAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(t.pendingRetries()).isEqualTo(1);
    t.advance(Duration.ofMillis(500));
    assertThat(t.reEmittedTries.isEmpty()).as("not due yet").isTrue();
    assertThat(t.charges.isEmpty()).isTrue();

    t.advance(Duration.ofMillis(600));
    List<PaymentTry> reEmitted = drain(t.reEmittedTries);
    assertThat(reEmitted).singleElement().satisfies(p -> {
      assertThat(p.attempt()).isEqualTo(2);
      assertThat(p.paymentTxId()).isEqualTo("tx-1");
      assertThat(p.fencingToken()).isEqualTo(5);
      assertThat(p.seatId()).isEqualTo(SEAT);
    });
    assertThat(drain(t.charges)).extracting(ChargeRequest::attempt).containsExactly(2);
    assertThat(t.pendingRetries()).isZero();
    assertThat(t.txState("tx-1").attempts()).isEqualTo(2);
    assertThat(t.txState("tx-1").nextRetryAt()).isNull();

    Instant now = T0.plusMillis(1100);
    t.pgAsksForRetry(retry("tx-1", 2, now.minusSeconds(10)));
    t.advance(Duration.ofMillis(100));
    assertThat(drain(t.reEmittedTries)).extracting(PaymentTry::attempt).containsExactly(3);
    assertThat(drain(t.charges)).extracting(ChargeRequest::attempt).containsExactly(3);

    t.pgSucceeds(success("tx-1", 3));
    TxState done = t.txState("tx-1");
    assertThat(done.status()).isEqualTo(TxStatus.SUCCESS);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(t.seat(SEAT).status()).isEqualTo(Status.SOLD);
    assertThat(drain(t.compensations)).isEmpty();
  }

  @Test
  void a_success_while_a_retry_is_scheduled_wins_and_the_due_retry_charges_nothing() {
    openAndClaim("tx-1", 5);
    drain(t.charges);
    t.pgAsksForRetry(retry("tx-1", 1, T0.plusSeconds(1)));
    t.pgSucceeds(success("tx-1", 1));
    long version = t.txState("tx-1").version();

    t.advance(Duration.ofSeconds(2));
    assertThat(drain(t.reEmittedTries)).extracting(PaymentTry::attempt).containsExactly(2);
    assertThat(t.charges.isEmpty()).isTrue();
    assertThat(t.txState("tx-1").status()).isEqualTo(TxStatus.SUCCESS);
    assertThat(t.txState("tx-1").version()).isEqualTo(version);
    assertThat(t.seat(SEAT).status()).isEqualTo(Status.SOLD);
  }

  // --- failures ---------------------------------------------------------------------------------

  @Test
  void a_payment_whose_every_attempt_times_out_fails_attempts_exhausted_and_is_compensated() {
    openAndClaim("tx-1", 5);
    for (int attempt = 1; attempt < 3; attempt++) {
      t.pgAsksForRetry(retry("tx-1", attempt, T0));
      t.advance(Duration.ofMillis(100));
    }
    assertThat(drain(t.charges)).extracting(ChargeRequest::attempt).containsExactly(1, 2, 3);
    t.pgAsksForRetry(retry("tx-1", 3, T0));
    t.advance(Duration.ofSeconds(1));

    TxState failed = t.txState("tx-1");
    assertThat(failed.status()).isEqualTo(TxStatus.FAILED);
    assertThat(failed.reason()).isEqualTo(FailureReason.ATTEMPTS_EXHAUSTED);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(drain(t.reEmittedTries)).extracting(PaymentTry::attempt).containsExactly(2, 3);
    assertThat(t.charges.isEmpty()).as("no fourth charge").isTrue();
    assertThat(drain(t.compensations)).singleElement().satisfies(c -> {
      assertThat(c.reason()).isEqualTo(FailureReason.ATTEMPTS_EXHAUSTED);
      assertThat(c.refundNeeded()).isTrue();
      assertThat(c.completed()).isFalse();
    });
    assertThat(t.seat(SEAT)).extracting(SeatClaim::status, SeatClaim::highestToken)
        .containsExactly(Status.FREE, 5L);
  }

  @Test
  void a_declined_payment_fails_at_once_releases_the_seat_and_is_compensated() {
    openAndClaim("tx-1", 5);
    t.pgFails(failure("tx-1", 1, FailureReason.DECLINED));

    TxState failed = t.txState("tx-1");
    assertThat(failed.status()).isEqualTo(TxStatus.FAILED);
    assertThat(failed.reason()).isEqualTo(FailureReason.DECLINED);
    assertThat(drain(t.charges)).hasSize(1);
    assertThat(drain(t.seatCommands)).extracting(SeatCommand::type)
        .containsExactly(SeatCommand.Type.CLAIM, SeatCommand.Type.RELEASE);
    assertThat(t.seat(SEAT).status()).isEqualTo(Status.FREE);
    assertThat(drain(t.compensations)).singleElement().isEqualTo(new PaymentCancel("tx-1",
        "hold-tx-1", PaymentFixtures.PERFORMANCE, SEAT, AMOUNT, FailureReason.DECLINED, true,
        false, T0));
  }

  @Test
  void a_compensation_command_read_back_from_payment_cancel_is_not_taken_for_its_completion() {
    openAndClaim("tx-1", 5);
    t.pgFails(failure("tx-1", 1, FailureReason.DECLINED));
    assertThat(drain(t.compensations)).hasSize(1);
    assertThat(t.txState("tx-1").status()).isEqualTo(TxStatus.FAILED);
  }

  @Test
  void a_second_tx_on_a_claimed_seat_fails_seat_taken_without_a_charge_and_the_first_wins() {
    openAndClaim("tx-1", 5);
    t.apiTries(firstTry("tx-2", SEAT, 8));

    TxState loser = t.txState("tx-2");
    assertThat(loser.status()).isEqualTo(TxStatus.FAILED);
    assertThat(loser.reason()).isEqualTo(FailureReason.SEAT_TAKEN);
    assertThat(loser.seatClaimed()).isFalse();
    assertThat(drain(t.charges)).extracting(ChargeRequest::paymentTxId).containsExactly("tx-1");
    assertThat(drain(t.compensations)).singleElement().satisfies(c -> {
      assertThat(c.paymentTxId()).isEqualTo("tx-2");
      assertThat(c.refundNeeded()).isFalse();
      assertThat(c.reason()).isEqualTo(FailureReason.SEAT_TAKEN);
    });
    assertThat(drain(t.seatCommands)).extracting(SeatCommand::paymentTxId, SeatCommand::type)
        .doesNotContain(org.assertj.core.groups.Tuple.tuple("tx-2", SeatCommand.Type.RELEASE));

    t.pgSucceeds(success("tx-1", 1));
    assertThat(t.txState("tx-1").status()).isEqualTo(TxStatus.SUCCESS);
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status)
        .containsExactly("tx-1", Status.SOLD);

    t.compensationCompletes(completion("tx-2", SEAT, false));
    assertThat(t.txState("tx-2").status()).isEqualTo(TxStatus.CANCELLED);
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status)
        .containsExactly("tx-1", Status.SOLD);
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void a_stale_fencing_token_cannot_win_a_released_seat_but_a_newer_one_can(long stale) {
    openAndClaim("tx-1", 5);
    t.pgFails(failure("tx-1", 1, FailureReason.DECLINED));
    assertThat(t.seat(SEAT)).extracting(SeatClaim::status, SeatClaim::highestToken)
        .containsExactly(Status.FREE, 5L);
    drain(t.charges);

    t.apiTries(firstTry("tx-2", SEAT, stale));
    assertThat(t.txState("tx-2").status()).isEqualTo(TxStatus.FAILED);
    assertThat(t.txState("tx-2").reason()).isEqualTo(FailureReason.SEAT_TAKEN);
    assertThat(t.txState("tx-2").message()).contains("stale");
    assertThat(t.charges.isEmpty()).isTrue();

    t.apiTries(firstTry("tx-3", SEAT, 6));
    assertThat(drain(t.charges)).extracting(ChargeRequest::paymentTxId).containsExactly("tx-3");
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status,
        SeatClaim::highestToken).containsExactly("tx-3", Status.CLAIMED, 6L);
  }

  // --- compensation -----------------------------------------------------------------------------

  @Test
  void a_compensation_completion_cancels_the_tx_and_leaves_the_seat_free_for_a_newer_hold() {
    openAndClaim("tx-1", 5);
    t.pgFails(failure("tx-1", 1, FailureReason.DECLINED));
    t.compensationCompletes(completion("tx-1", SEAT, true));

    TxState cancelled = t.txState("tx-1");
    assertThat(cancelled.status()).isEqualTo(TxStatus.CANCELLED);
    assertThat(cancelled.reason()).isEqualTo(FailureReason.DECLINED);
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status,
        SeatClaim::highestToken).containsExactly(null, Status.FREE, 5L);
    assertThat(drain(t.states)).extracting(TxState::status).endsWith(TxStatus.FAILED,
        TxStatus.CANCELLED);

    t.apiTries(firstTry("tx-2", SEAT, 6));
    t.pgSucceeds(success("tx-2", 1));
    assertThat(t.seat(SEAT)).extracting(SeatClaim::holderTxId, SeatClaim::status)
        .containsExactly("tx-2", Status.SOLD);
  }

  @Test
  void a_late_success_after_the_tx_failed_is_refunded() {
    openAndClaim("tx-1", 5);
    t.pgAsksForRetry(retry("tx-1", 1, T0));
    t.advance(Duration.ofMillis(100));
    t.pgFails(failure("tx-1", 2, FailureReason.DECLINED));
    drain(t.compensations);

    t.pgSucceeds(success("tx-1", 1));
    TxState s = t.txState("tx-1");
    assertThat(s.status()).isEqualTo(TxStatus.FAILED);
    assertThat(s.charged()).isTrue();
    assertThat(drain(t.compensations)).singleElement().satisfies(c -> {
      assertThat(c.refundNeeded()).isTrue();
      assertThat(c.completed()).isFalse();
    });
    assertThat(t.seat(SEAT).status()).as("a late success never sells").isEqualTo(Status.FREE);
  }

  @Test
  void a_late_success_after_the_tx_was_cancelled_is_refunded_and_it_stays_cancelled() {
    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.apiTries(firstTry("tx-2", SEAT, 6));
    t.compensationCompletes(completion("tx-2", SEAT, false));
    assertThat(t.txState("tx-2").status()).isEqualTo(TxStatus.CANCELLED);
    drain(t.compensations);

    t.pgSucceeds(success("tx-2", 1));
    assertThat(t.txState("tx-2").status()).isEqualTo(TxStatus.CANCELLED);
    assertThat(t.txState("tx-2").charged()).isTrue();
    assertThat(drain(t.compensations)).singleElement().satisfies(c -> {
      assertThat(c.paymentTxId()).isEqualTo("tx-2");
      assertThat(c.refundNeeded()).isTrue();
    });
    assertThat(t.seat(SEAT).holderTxId()).isEqualTo("tx-1");

    t.pgSucceeds(success("tx-2", 1));
    assertThat(drain(t.compensations)).as("refunded once").isEmpty();
  }

  // --- duplicates -------------------------------------------------------------------------------

  @Test
  void duplicate_events_change_nothing() {
    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.apiTries(firstTry("tx-1", SEAT, 5));
    assertThat(t.txState("tx-1").version()).isEqualTo(2);
    assertThat(drain(t.seatCommands)).hasSize(1);
    assertThat(drain(t.charges)).hasSize(1);

    t.pgAsksForRetry(retry("tx-1", 1, T0.plusSeconds(1)));
    t.pgAsksForRetry(retry("tx-1", 1, T0.plusSeconds(1)));
    assertThat(t.pendingRetries()).isEqualTo(1);
    t.advance(Duration.ofSeconds(1));
    t.apiTries(attempt("tx-1", SEAT, 5, 2, T0));
    assertThat(drain(t.charges)).extracting(ChargeRequest::attempt).containsExactly(2);

    t.pgSucceeds(success("tx-1", 2));
    drain(t.states);
    TxState done = t.txState("tx-1");
    t.pgSucceeds(success("tx-1", 2));
    t.pgFails(failure("tx-1", 2, FailureReason.DECLINED));
    t.pgAsksForRetry(retry("tx-1", 2, T0));
    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.compensationCompletes(completion("tx-1", SEAT, false));
    t.advance(Duration.ofSeconds(5));

    assertThat(t.txState("tx-1")).isEqualTo(done);
    assertThat(t.states.isEmpty()).isTrue();
    assertThat(t.charges.isEmpty()).isTrue();
    assertThat(t.compensations.isEmpty()).isTrue();
    assertThat(drain(t.seatCommands)).extracting(SeatCommand::type)
        .containsExactly(SeatCommand.Type.CONFIRM);
    assertThat(t.seat(SEAT).status()).isEqualTo(Status.SOLD);
    assertThat(t.dlq.isEmpty()).isTrue();
  }

  @Test
  void a_second_first_attempt_for_an_existing_tx_with_another_body_is_ignored() {
    // Two concurrent POST /payments with one Idempotency-Key both publish attempt 1 under the
    // same paymentTxId; the first one processed wins, whatever the second carries.
    t.apiTries(firstTry("tx-1", SEAT, 5));
    TxState first = t.txState("tx-1");
    drain(t.states);
    drain(t.charges);
    drain(t.seatCommands);

    t.apiTries(new PaymentTry("tx-1", "another-hold", PaymentFixtures.PERFORMANCE, "C-13",
        "user-tx-1", AMOUNT + 1, 9, 1, T0));

    assertThat(t.txState("tx-1")).isEqualTo(first);
    assertThat(t.states.isEmpty()).isTrue();
    assertThat(t.charges.isEmpty()).isTrue();
    assertThat(drain(t.seatCommands)).isEmpty();
  }

  @Test
  void the_tx_state_listener_is_told_every_change_and_nothing_else() {
    t.close();
    List<TxState> heard = new java.util.ArrayList<>();
    t = new TopologyHarness(stateDir.resolve("listened"),
        new TopologySettings(3, Duration.ofMillis(100), heard::add));

    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.pgSucceeds(success("tx-1", 1));

    assertThat(heard).extracting(TxState::version).containsExactly(1L, 2L, 3L);
    assertThat(heard).last().extracting(TxState::status).isEqualTo(TxStatus.SUCCESS);
    assertThat(heard).isEqualTo(drain(t.states));
  }

  @Test
  void the_status_tally_follows_every_transition_and_forgets_a_closed_task() {
    t.close();
    TxStatusTally tally = new TxStatusTally();
    t = new TopologyHarness(stateDir.resolve("tallied"),
        new TopologySettings(3, Duration.ofMillis(100), TxStateListener.NONE, tally));

    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.apiTries(firstTry("tx-2", "C-13", 6));
    t.apiTries(firstTry("tx-1", SEAT, 5));
    assertThat(tally.totals()).containsEntry(TxStatus.PENDING, 2L)
        .containsEntry(TxStatus.SUCCESS, 0L);

    t.pgSucceeds(success("tx-1", 1));
    assertThat(tally.totals()).containsEntry(TxStatus.PENDING, 1L)
        .containsEntry(TxStatus.SUCCESS, 1L);

    t.close();
    assertThat(tally.totals()).allSatisfy((status, count) -> assertThat(count).isZero());
    // Another instance's store would count from its own content: an empty one here.
    t = new TopologyHarness(stateDir.resolve("tallied-again"),
        new TopologySettings(3, Duration.ofMillis(100), TxStateListener.NONE, tally));
    t.apiTries(firstTry("tx-3", SEAT, 7));
    assertThat(tally.totals()).containsEntry(TxStatus.PENDING, 1L)
        .containsEntry(TxStatus.SUCCESS, 0L);
  }

  @Test
  void a_failing_listener_fails_no_record() {
    t.close();
    t = new TopologyHarness(stateDir.resolve("failing"),
        new TopologySettings(3, Duration.ofMillis(100), state -> {
          throw new IllegalStateException("listener bug");
        }));

    t.apiTries(firstTry("tx-1", SEAT, 5));
    t.pgSucceeds(success("tx-1", 1));

    assertThat(t.txState("tx-1").status()).isEqualTo(TxStatus.SUCCESS);
    assertThat(t.dlq.isEmpty()).isTrue();
  }

  // --- dead letters -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"payment.try", "payment.success", "payment.retry", "payment.failure",
      "payment.cancel"})
  void a_poison_record_goes_to_the_dlq_with_its_bytes_and_reason_and_processing_goes_on(
      String topic) {
    restartAtLeastOnce();
    if (!topic.equals("payment.try")) {
      openAndClaim("tx-1", 5);
    }
    byte[] key = "tx-1".getBytes(StandardCharsets.UTF_8);
    byte[] poison = "{not json at all".getBytes(StandardCharsets.UTF_8);
    t.pipeRaw(topic, key, poison);

    List<TestRecord<byte[], byte[]>> dead = drainRecords(t.dlq);
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(letter.key()).isEqualTo(key);
    assertThat(letter.value()).isEqualTo(poison);
    assertThat(headerNames(letter.headers())).contains("__streams.errors.exception",
        "__streams.errors.message", "__streams.errors.topic", "__streams.errors.partition",
        "__streams.errors.offset");
    assertThat(header(letter.headers(), "__streams.errors.topic")).isEqualTo(topic);
    assertThat(header(letter.headers(), "__streams.errors.exception"))
        .contains("SerializationException");

    // The next good record is processed as if nothing happened.
    if (topic.equals("payment.try")) {
      t.apiTries(firstTry("tx-1", SEAT, 5));
      assertThat(t.txState("tx-1").seatClaimed()).isTrue();
    } else {
      t.pgSucceeds(success("tx-1", 1));
      assertThat(t.txState("tx-1").status()).isEqualTo(TxStatus.SUCCESS);
    }
    assertThat(t.dlq.isEmpty()).isTrue();
  }

  @Test
  void valid_json_missing_a_required_field_is_poison_too() {
    restartAtLeastOnce();
    byte[] partial = "{\"paymentTxId\":\"tx-1\",\"seatId\":\"C-12\"}"
        .getBytes(StandardCharsets.UTF_8);
    t.pipeRaw("payment.try", "tx-1".getBytes(StandardCharsets.UTF_8), partial);
    assertThat(drainRecords(t.dlq)).singleElement()
        .satisfies(d -> assertThat(d.value()).isEqualTo(partial));
    assertThat(t.txState("tx-1")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"success", "retry", "failure", "completion", "try-2"})
  void an_event_for_an_unknown_tx_goes_to_the_dlq_with_its_reason(String kind) {
    switch (kind) {
      case "success" -> t.pgSucceeds(success("tx-ghost", 1));
      case "retry" -> t.pgAsksForRetry(retry("tx-ghost", 1, T0));
      case "failure" -> t.pgFails(failure("tx-ghost", 1, FailureReason.DECLINED));
      case "completion" -> t.compensationCompletes(completion("tx-ghost", SEAT, false));
      default -> t.apiTries(attempt("tx-ghost", SEAT, 5, 2, T0));
    }
    List<TestRecord<byte[], byte[]>> dead = drainRecords(t.dlq);
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("tx-ghost");
      assertThat(new String(d.value(), StandardCharsets.UTF_8)).contains("tx-ghost");
      assertThat(header(d.headers(), "__streams.errors.exception"))
          .isEqualTo(UnknownTransactionException.class.getName());
      assertThat(header(d.headers(), "__streams.errors.message"))
          .contains("no transaction was opened");
    });
    assertThat(t.txState("tx-ghost")).isNull();
    assertThat(t.states.isEmpty()).isTrue();

    t.apiTries(firstTry("tx-1", SEAT, 5));
    assertThat(t.txState("tx-1").seatClaimed()).isTrue();
  }

  @Test
  void a_null_value_on_an_input_topic_goes_to_the_dlq() {
    t.pipeRaw("payment.success", "tx-1".getBytes(StandardCharsets.UTF_8), null);
    assertThat(drainRecords(t.dlq)).singleElement().satisfies(d -> {
      assertThat(d.value()).isNull();
      assertThat(header(d.headers(), "__streams.errors.message")).contains("null value");
    });
  }
}
