package dev.soldout.topology.saga;

import static dev.soldout.topology.PaymentFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.topology.PaymentFixtures;
import dev.soldout.topology.saga.Effect.Charge;
import dev.soldout.topology.saga.Effect.ClaimSeat;
import dev.soldout.topology.saga.Effect.Compensate;
import dev.soldout.topology.saga.Effect.ConfirmSeat;
import dev.soldout.topology.saga.Effect.ReleaseSeat;
import dev.soldout.topology.saga.Effect.ScheduleRetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The payment state machine, exhaustively: every given state crossed with every event (first
 * tries, duplicates, stale attempts, late events), against an explicit table, then the general
 * laws checked over the same product.
 */
class TxTransitionsTest {
  static final int MAX_ATTEMPTS = 3;
  static final TxTransitions MACHINE = new TxTransitions(MAX_ATTEMPTS);
  static final String TX = "tx-1";
  static final String SEAT = "A-1";
  static final long TOKEN = 7;
  /** When the transition under test happens; later than every step that built the given state. */
  static final Instant NOW = T0.plusSeconds(60);
  /** The PG's notBefore for retries: after NOW, so the due time is the PG's. */
  static final Instant RETRY_AT = T0.plusSeconds(90);

  /** Every state a transaction can be in, each reached through the machine itself. */
  enum Given {
    NONE(),
    AWAITING_SEAT(On.TRY_1),
    SEAT_CLAIMED(On.TRY_1, On.SEAT_GRANTED),
    RETRY_SCHEDULED(On.TRY_1, On.SEAT_GRANTED, On.RETRY_1),
    CHARGING_ATTEMPT_2(On.TRY_1, On.SEAT_GRANTED, On.RETRY_1, On.TRY_2),
    CHARGING_LAST_ATTEMPT(On.TRY_1, On.SEAT_GRANTED, On.RETRY_1, On.TRY_2, On.RETRY_2, On.TRY_3),
    SUCCESS(On.TRY_1, On.SEAT_GRANTED, On.SUCCESS),
    FAILED(On.TRY_1, On.SEAT_GRANTED, On.DECLINED),
    FAILED_SEAT_TAKEN(On.TRY_1, On.SEAT_DENIED),
    CANCELLED(On.TRY_1, On.SEAT_GRANTED, On.DECLINED, On.COMPENSATED),
    CANCELLED_REFUNDED(On.TRY_1, On.SEAT_GRANTED, On.DECLINED, On.COMPENSATED, On.SUCCESS);

    private final On[] path;

    Given(On... path) {
      this.path = path;
    }

    TxState state() {
      TxState s = null;
      for (int i = 0; i < path.length; i++) {
        Transition t = MACHINE.apply(s, path[i].event(), T0.plusSeconds(i));
        assertThat(t.changed()).as("%s: step %s must change the state", this, path[i]).isTrue();
        s = t.next();
      }
      return s;
    }
  }

  /** Every event the machine can be fed, for transaction TX. */
  enum On {
    TRY_1, TRY_2, TRY_3, SEAT_GRANTED, SEAT_DENIED, SUCCESS, RETRY_1, RETRY_2, RETRY_3, DECLINED,
    COMPENSATED;

    TxEvent event() {
      return switch (this) {
        case TRY_1 -> new TxEvent.Tried(tryOf(1, T0));
        case TRY_2 -> new TxEvent.Tried(tryOf(2, RETRY_AT));
        case TRY_3 -> new TxEvent.Tried(tryOf(3, RETRY_AT));
        case SEAT_GRANTED -> new TxEvent.SeatDecided(PaymentFixtures.granted(TX));
        case SEAT_DENIED -> new TxEvent.SeatDecided(PaymentFixtures.denied(TX));
        case SUCCESS -> new TxEvent.Succeeded(PaymentFixtures.success(TX, 1));
        case RETRY_1 -> new TxEvent.RetryRequested(PaymentFixtures.retry(TX, 1, RETRY_AT));
        case RETRY_2 -> new TxEvent.RetryRequested(PaymentFixtures.retry(TX, 2, RETRY_AT));
        case RETRY_3 -> new TxEvent.RetryRequested(PaymentFixtures.retry(TX, 3, RETRY_AT));
        case DECLINED -> new TxEvent.Failed(
            PaymentFixtures.failure(TX, 1, FailureReason.DECLINED));
        case COMPENSATED -> new TxEvent.Compensated(PaymentFixtures.completion(TX, SEAT, false));
      };
    }
  }

  static PaymentTry tryOf(int attempt, Instant at) {
    return PaymentFixtures.attempt(TX, SEAT, TOKEN, attempt, at);
  }

  /** The observable part of a state that transitions decide. */
  record View(TxStatus status, int attempts, Instant nextRetryAt, boolean seatClaimed,
      boolean charged, String pgChargeId, FailureReason reason) {
    static View of(TxState s) {
      return new View(s.status(), s.attempts(), s.nextRetryAt(), s.seatClaimed(), s.charged(),
          s.pgChargeId(), s.reason());
    }

    View status(TxStatus v) {
      return new View(v, attempts, nextRetryAt, seatClaimed, charged, pgChargeId, reason);
    }

    View attempts(int v) {
      return new View(status, v, nextRetryAt, seatClaimed, charged, pgChargeId, reason);
    }

    View nextRetryAt(Instant v) {
      return new View(status, attempts, v, seatClaimed, charged, pgChargeId, reason);
    }

    View claimed() {
      return new View(status, attempts, nextRetryAt, true, charged, pgChargeId, reason);
    }

    View paid() {
      return new View(status, attempts, nextRetryAt, seatClaimed, true, "ch-" + TX, reason);
    }

    View failed(FailureReason why) {
      return new View(TxStatus.FAILED, attempts, null, seatClaimed, charged, pgChargeId, why);
    }

    View succeeded() {
      return status(TxStatus.SUCCESS).paid().nextRetryAt(null);
    }
  }

  enum Kind { UNCHANGED, THROWS, CHANGES, EFFECTS_ONLY }

  record Row(Given given, On on, Kind kind, UnaryOperator<View> change, List<Effect> effects) {
    @Override
    public String toString() {
      return given + " + " + on + " -> " + kind
          + (kind == Kind.CHANGES ? " " + effects : "");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The table. Rows not listed for a given state are "unchanged, no effects", except for NONE.
  // ---------------------------------------------------------------------------------------------

  static final Map<Given, Map<On, Row>> TABLE = new EnumMap<>(Given.class);

  static {
    // An unknown transaction: only a first attempt opens it; anything else is an orphan.
    given(Given.NONE)
        .on(On.TRY_1, v -> v, List.of(new ClaimSeat()))
        .otherwise(Kind.THROWS);

    given(Given.AWAITING_SEAT)
        .on(On.SEAT_GRANTED, View::claimed, List.of(new Charge(1)))
        .on(On.SEAT_DENIED, v -> v.failed(FailureReason.SEAT_TAKEN),
            List.of(new Compensate(false)))
        .on(On.DECLINED, v -> v.failed(FailureReason.DECLINED), List.of(new Compensate(false)))
        // A charge outcome before the seat is claimed is not trusted: money moves after the claim.
        .otherwise(Kind.UNCHANGED);

    given(Given.SEAT_CLAIMED)
        .on(On.SUCCESS, View::succeeded, List.of(new ConfirmSeat()))
        .on(On.RETRY_1, v -> v.nextRetryAt(RETRY_AT), List.of(scheduled(2)))
        .on(On.DECLINED, v -> v.failed(FailureReason.DECLINED),
            List.of(new ReleaseSeat(), new Compensate(true)))
        .otherwise(Kind.UNCHANGED);

    given(Given.RETRY_SCHEDULED)
        .on(On.TRY_2, v -> v.attempts(2).nextRetryAt(null), List.of(new Charge(2)))
        .on(On.SUCCESS, View::succeeded, List.of(new ConfirmSeat()))
        .on(On.DECLINED, v -> v.failed(FailureReason.DECLINED),
            List.of(new ReleaseSeat(), new Compensate(true)))
        .otherwise(Kind.UNCHANGED);

    given(Given.CHARGING_ATTEMPT_2)
        .on(On.SUCCESS, View::succeeded, List.of(new ConfirmSeat()))
        .on(On.RETRY_2, v -> v.nextRetryAt(RETRY_AT), List.of(scheduled(3)))
        .on(On.DECLINED, v -> v.failed(FailureReason.DECLINED),
            List.of(new ReleaseSeat(), new Compensate(true)))
        .otherwise(Kind.UNCHANGED);

    given(Given.CHARGING_LAST_ATTEMPT)
        .on(On.SUCCESS, View::succeeded, List.of(new ConfirmSeat()))
        .on(On.RETRY_3, v -> v.failed(FailureReason.ATTEMPTS_EXHAUSTED),
            List.of(new ReleaseSeat(), new Compensate(true)))
        .on(On.DECLINED, v -> v.failed(FailureReason.DECLINED),
            List.of(new ReleaseSeat(), new Compensate(true)))
        .otherwise(Kind.UNCHANGED);

    given(Given.SUCCESS).otherwise(Kind.UNCHANGED);

    given(Given.FAILED)
        .on(On.SUCCESS, View::paid, List.of(new Compensate(true)))
        .on(On.COMPENSATED, v -> v.status(TxStatus.CANCELLED), List.of())
        .otherwise(Kind.UNCHANGED);

    given(Given.FAILED_SEAT_TAKEN)
        .on(On.SEAT_GRANTED, List.of(new ReleaseSeat()))
        .on(On.SUCCESS, View::paid, List.of(new Compensate(true)))
        .on(On.COMPENSATED, v -> v.status(TxStatus.CANCELLED), List.of())
        .otherwise(Kind.UNCHANGED);

    given(Given.CANCELLED)
        .on(On.SUCCESS, View::paid, List.of(new Compensate(true)))
        .otherwise(Kind.UNCHANGED);

    given(Given.CANCELLED_REFUNDED).otherwise(Kind.UNCHANGED);
  }

  static ScheduleRetry scheduled(int attempt) {
    return new ScheduleRetry(tryOf(attempt, RETRY_AT), RETRY_AT);
  }

  static RowsFor given(Given given) {
    return new RowsFor(given);
  }

  record RowsFor(Given given) {
    RowsFor on(On on, UnaryOperator<View> change, List<Effect> effects) {
      TABLE.computeIfAbsent(given, g -> new EnumMap<>(On.class))
          .put(on, new Row(given, on, Kind.CHANGES, change, effects));
      return this;
    }

    /** The state stays as it is, but the event asks for effects. */
    RowsFor on(On on, List<Effect> effects) {
      TABLE.computeIfAbsent(given, g -> new EnumMap<>(On.class))
          .put(on, new Row(given, on, Kind.EFFECTS_ONLY, v -> v, effects));
      return this;
    }

    void otherwise(Kind kind) {
      Map<On, Row> rows = TABLE.computeIfAbsent(given, g -> new EnumMap<>(On.class));
      for (On on : On.values()) {
        rows.putIfAbsent(on, new Row(given, on, kind, v -> v, List.of()));
      }
    }
  }

  static Stream<Row> table() {
    return TABLE.values().stream().flatMap(rows -> rows.values().stream());
  }

  static Stream<Arguments> everyStateAndEvent() {
    List<Arguments> all = new ArrayList<>();
    for (Given given : Given.values()) {
      for (On on : On.values()) {
        all.add(Arguments.of(given, on));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> everyChange() {
    return table().filter(r -> r.kind() == Kind.CHANGES).map(r -> Arguments.of(r.given(), r.on()));
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void the_table_covers_every_state_crossed_with_every_event() {
    assertThat(TABLE).containsOnlyKeys(Given.values());
    TABLE.values().forEach(rows -> assertThat(rows).containsOnlyKeys(On.values()));
    assertThat(table()).hasSize(Given.values().length * On.values().length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void every_event_in_every_state_follows_the_transition_table(Row row) {
    TxState given = row.given().state();
    switch (row.kind()) {
      case THROWS -> assertThatThrownBy(() -> MACHINE.apply(given, row.on().event(), NOW))
          .isInstanceOf(UnknownTransactionException.class);
      case UNCHANGED -> {
        Transition t = MACHINE.apply(given, row.on().event(), NOW);
        assertThat(t.changed()).as("changed").isFalse();
        assertThat(t.next()).isNull();
        assertThat(t.effects()).isEmpty();
      }
      case EFFECTS_ONLY -> {
        Transition t = MACHINE.apply(given, row.on().event(), NOW);
        assertThat(t.changed()).as("changed").isFalse();
        assertThat(t.effects()).containsExactlyElementsOf(row.effects());
      }
      case CHANGES -> {
        Transition t = MACHINE.apply(given, row.on().event(), NOW);
        assertThat(t.changed()).as("changed").isTrue();
        View before = given == null
            ? new View(TxStatus.PENDING, 1, null, false, false, null, null) : View.of(given);
        assertThat(View.of(t.next())).isEqualTo(row.change().apply(before));
        assertThat(t.effects()).containsExactlyElementsOf(row.effects());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Laws, over the whole product.
  // ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyStateAndEvent")
  void a_terminal_state_never_moves_backwards(Given given, On on) {
    TxState s = given.state();
    if (s == null) {
      return;
    }
    TxStatus next = outcome(s, on);
    switch (s.status()) {
      case SUCCESS -> assertThat(next).isEqualTo(TxStatus.SUCCESS);
      case CANCELLED -> assertThat(next).isEqualTo(TxStatus.CANCELLED);
      case FAILED -> assertThat(next).isIn(TxStatus.FAILED, TxStatus.CANCELLED);
      case PENDING -> assertThat(next).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyChange")
  void every_change_grows_the_version_by_exactly_one_and_stamps_the_time(Given given, On on) {
    TxState s = given.state();
    TxState next = MACHINE.apply(s, on.event(), NOW).next();
    assertThat(next.version()).isEqualTo(s == null ? 1 : s.version() + 1);
    assertThat(next.updatedAt()).isEqualTo(NOW);
    assertThat(next.createdAt()).isEqualTo(s == null ? NOW : s.createdAt());
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyChange")
  void a_change_never_rewrites_who_pays_what_for_which_seat(Given given, On on) {
    TxState next = MACHINE.apply(given.state(), on.event(), NOW).next();
    assertThat(next.paymentTxId()).isEqualTo(TX);
    assertThat(next.holdId()).isEqualTo("hold-" + TX);
    assertThat(next.userId()).isEqualTo("user-" + TX);
    assertThat(next.seat()).isEqualTo(tryOf(1, T0).seat());
    assertThat(next.amount()).isEqualTo(PaymentFixtures.AMOUNT);
    assertThat(next.fencingToken()).isEqualTo(TOKEN);
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyStateAndEvent")
  void attempts_never_exceed_max_attempts(Given given, On on) {
    TxState s = given.state();
    if (s != null) {
      assertThat(s.attempts()).isBetween(1, MAX_ATTEMPTS);
    }
    if (given == Given.NONE && on != On.TRY_1) {
      return;
    }
    Transition t = MACHINE.apply(s, on.event(), NOW);
    if (t.changed()) {
      assertThat(t.next().attempts()).isBetween(1, MAX_ATTEMPTS);
    }
    t.effects().stream().filter(ScheduleRetry.class::isInstance).map(ScheduleRetry.class::cast)
        .forEach(r -> assertThat(r.next().attempt()).isLessThanOrEqualTo(MAX_ATTEMPTS));
    t.effects().stream().filter(Charge.class::isInstance).map(Charge.class::cast)
        .forEach(c -> assertThat(c.attempt()).isLessThanOrEqualTo(MAX_ATTEMPTS));
  }

  @ParameterizedTest(name = "{0} + {1} twice")
  @MethodSource("everyChange")
  void a_duplicate_of_any_event_changes_nothing_the_second_time(Given given, On on) {
    TxState once = MACHINE.apply(given.state(), on.event(), NOW).next();
    Transition twice = MACHINE.apply(once, on.event(), NOW.plusSeconds(1));
    assertThat(twice.changed()).isFalse();
    assertThat(twice.effects()).isEmpty();
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyStateAndEvent")
  void nothing_happens_without_a_state_change_except_freeing_a_seat_granted_too_late(
      Given given, On on) {
    if (given == Given.NONE && on != On.TRY_1) {
      return;
    }
    Transition t = MACHINE.apply(given.state(), on.event(), NOW);
    if (!t.changed()) {
      boolean lateGrant = on == On.SEAT_GRANTED && given.state().status() != TxStatus.PENDING
          && !given.state().seatClaimed();
      if (lateGrant) {
        assertThat(t.effects()).containsExactly(new ReleaseSeat());
      } else {
        assertThat(t.effects()).isEmpty();
      }
    }
  }

  private static TxStatus outcome(TxState s, On on) {
    Transition t = MACHINE.apply(s, on.event(), NOW);
    return t.changed() ? t.next().status() : s.status();
  }

  // ---------------------------------------------------------------------------------------------
  // Named rules.
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("late events")
  class LateEvents {
    @ParameterizedTest
    @EnumSource(value = Given.class, names = {"FAILED", "FAILED_SEAT_TAKEN", "CANCELLED"})
    void a_late_success_after_failure_is_charged_and_refunded_exactly_once(Given given) {
      TxState s = given.state();
      Transition late = MACHINE.apply(s, On.SUCCESS.event(), NOW);
      assertThat(late.next().status()).isEqualTo(s.status());
      assertThat(late.next().charged()).isTrue();
      assertThat(late.next().pgChargeId()).isEqualTo("ch-" + TX);
      assertThat(late.effects()).containsExactly(new Compensate(true));

      Transition again = MACHINE.apply(late.next(), On.SUCCESS.event(), NOW.plusSeconds(1));
      assertThat(again.changed()).isFalse();
      assertThat(again.effects()).isEmpty();
    }

    @Test
    void a_late_success_after_the_refund_completed_keeps_the_tx_cancelled() {
      TxState failedThenCharged = MACHINE.apply(Given.FAILED.state(), On.SUCCESS.event(), NOW)
          .next();
      TxState cancelled = MACHINE.apply(failedThenCharged, On.COMPENSATED.event(), NOW).next();
      assertThat(cancelled.status()).isEqualTo(TxStatus.CANCELLED);
      assertThat(cancelled.charged()).isTrue();
      assertThat(MACHINE.apply(cancelled, On.SUCCESS.event(), NOW).changed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(On.class)
    void a_duplicate_success_never_moves_a_terminal_state(On on) {
      TxState success = Given.SUCCESS.state();
      assertThat(MACHINE.apply(success, on.event(), NOW).changed()).isFalse();
    }

    @Test
    void a_success_for_an_older_attempt_still_completes_a_pending_tx() {
      TxState charging2 = Given.CHARGING_ATTEMPT_2.state();
      Transition t = MACHINE.apply(charging2,
          new TxEvent.Succeeded(PaymentFixtures.success(TX, 1)), NOW);
      assertThat(t.next().status()).isEqualTo(TxStatus.SUCCESS);
      assertThat(t.effects()).containsExactly(new ConfirmSeat());
    }
  }

  @Nested
  @DisplayName("unknown transactions")
  class Unknown {
    @ParameterizedTest
    @EnumSource(value = On.class, names = "TRY_1", mode = EnumSource.Mode.EXCLUDE)
    void an_event_for_an_unknown_tx_other_than_attempt_1_throws(On on) {
      assertThatThrownBy(() -> MACHINE.apply(null, on.event(), NOW))
          .isInstanceOf(UnknownTransactionException.class)
          .hasMessageContaining(on.event().getClass().getSimpleName());
    }

    @Test
    void attempt_1_opens_a_pending_tx_and_claims_the_seat() {
      Transition t = MACHINE.apply(null, On.TRY_1.event(), NOW);
      TxState s = t.next();
      assertThat(s.status()).isEqualTo(TxStatus.PENDING);
      assertThat(s.attempts()).isEqualTo(1);
      assertThat(s.version()).isEqualTo(1);
      assertThat(s.seatClaimed()).isFalse();
      assertThat(s.charged()).isFalse();
      assertThat(t.effects()).containsExactly(new ClaimSeat());
    }
  }

  @Nested
  @DisplayName("attempts")
  class Attempts {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void a_pg_that_always_times_out_gets_exactly_max_attempts_charges_then_exhausts(int max) {
      TxTransitions machine = new TxTransitions(max);
      TxState s = machine.apply(null, On.TRY_1.event(), T0).next();
      Transition t = machine.apply(s, On.SEAT_GRANTED.event(), T0);
      s = t.next();
      List<Charge> charges = new ArrayList<>(
          t.effects().stream().map(Charge.class::cast).toList());
      for (int round = 0; round < 10 && s.status() == TxStatus.PENDING; round++) {
        Charge last = charges.get(charges.size() - 1);
        t = machine.apply(s, new TxEvent.RetryRequested(
            PaymentFixtures.retry(TX, last.attempt(), RETRY_AT)), NOW);
        s = t.next();
        assertThat(s.attempts()).isLessThanOrEqualTo(max);
        for (Effect e : t.effects()) {
          if (e instanceof ScheduleRetry retry) {
            t = machine.apply(s, new TxEvent.Tried(retry.next()), RETRY_AT);
            s = t.next();
            t.effects().forEach(c -> charges.add((Charge) c));
          }
        }
      }
      assertThat(s.status()).isEqualTo(TxStatus.FAILED);
      assertThat(s.reason()).isEqualTo(FailureReason.ATTEMPTS_EXHAUSTED);
      assertThat(s.attempts()).isEqualTo(max);
      assertThat(charges).extracting(Charge::attempt)
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, max).boxed()
              .toList());
    }

    @Test
    void max_attempts_1_fails_on_the_first_retry_request_with_attempts_exhausted() {
      TxTransitions once = new TxTransitions(1);
      TxState claimed = once.apply(once.apply(null, On.TRY_1.event(), T0).next(),
          On.SEAT_GRANTED.event(), T0).next();
      Transition t = once.apply(claimed, On.RETRY_1.event(), NOW);
      assertThat(t.next().status()).isEqualTo(TxStatus.FAILED);
      assertThat(t.next().reason()).isEqualTo(FailureReason.ATTEMPTS_EXHAUSTED);
      assertThat(t.next().attempts()).isEqualTo(1);
      assertThat(t.effects()).containsExactly(new ReleaseSeat(), new Compensate(true));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void fewer_than_one_attempt_is_rejected(int max) {
      assertThatThrownBy(() -> new TxTransitions(max))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_retry_whose_not_before_is_past_is_due_now() {
      TxState claimed = Given.SEAT_CLAIMED.state();
      Instant past = T0.minusSeconds(5);
      Transition t = MACHINE.apply(claimed,
          new TxEvent.RetryRequested(PaymentFixtures.retry(TX, 1, past)), NOW);
      assertThat(t.next().nextRetryAt()).isEqualTo(NOW);
      assertThat(t.effects()).containsExactly(new ScheduleRetry(tryOf(2, NOW), NOW));
    }

    @ParameterizedTest
    @EnumSource(value = On.class, names = {"TRY_1", "TRY_2", "TRY_3"})
    void a_retried_attempt_is_ignored_unless_a_retry_is_scheduled(On on) {
      assertThat(MACHINE.apply(Given.SEAT_CLAIMED.state(), on.event(), NOW).changed()).isFalse();
    }
  }

  @Nested
  @DisplayName("failures")
  class Failures {
    @ParameterizedTest
    @EnumSource(value = Given.class, names = {"AWAITING_SEAT", "SEAT_CLAIMED", "RETRY_SCHEDULED",
        "CHARGING_ATTEMPT_2", "CHARGING_LAST_ATTEMPT"})
    void declined_fails_at_once_from_every_pending_state(Given given) {
      TxState s = given.state();
      Transition t = MACHINE.apply(s, On.DECLINED.event(), NOW);
      assertThat(t.next().status()).isEqualTo(TxStatus.FAILED);
      assertThat(t.next().reason()).isEqualTo(FailureReason.DECLINED);
      assertThat(t.next().nextRetryAt()).isNull();
      assertThat(t.effects()).containsExactlyElementsOf(s.seatClaimed()
          ? List.of(new ReleaseSeat(), new Compensate(true))
          : List.of(new Compensate(false)));
    }

    @Test
    void a_seat_taken_failure_needs_no_refund_and_releases_nothing() {
      Transition t = MACHINE.apply(Given.AWAITING_SEAT.state(), On.SEAT_DENIED.event(), NOW);
      assertThat(t.next().reason()).isEqualTo(FailureReason.SEAT_TAKEN);
      assertThat(t.next().message()).isEqualTo(PaymentFixtures.denied(TX).message());
      assertThat(t.effects()).containsExactly(new Compensate(false));
    }

    @Test
    void a_compensation_completion_before_the_failure_is_ignored() {
      for (Given pending : List.of(Given.AWAITING_SEAT, Given.SEAT_CLAIMED,
          Given.RETRY_SCHEDULED)) {
        assertThat(MACHINE.apply(pending.state(), On.COMPENSATED.event(), NOW).changed())
            .as("%s", pending).isFalse();
      }
    }
  }
}
