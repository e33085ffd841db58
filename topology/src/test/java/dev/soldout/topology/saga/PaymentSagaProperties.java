package dev.soldout.topology.saga;

import static dev.soldout.topology.PaymentFixtures.AMOUNT;
import static dev.soldout.topology.PaymentFixtures.PERFORMANCE;
import static dev.soldout.topology.PaymentFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.stores.SeatClaim;
import dev.soldout.topology.ledger.SeatLedger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * The saga as a whole, through its pure parts: TxTransitions and SeatLedger, with every effect
 * routed as TxStateProcessor and SeatLedgerProcessor route it, and the outside world (API,
 * payment worker, sandbox PG, compensation worker) played by a small model. Messages wait in FIFO
 * channels, one per topic and key, as in a Kafka partition; each step delivers the head of a
 * randomly chosen channel, so topics and keys interleave in any order.
 */
class PaymentSagaProperties {

  /** What a run starts from; {@code choices} drive delivery order and the PG's answers. */
  record Scenario(int seats, int maxAttempts, List<Integer> seatOf, List<Long> tokens,
      List<Integer> duplicateTries, List<Integer> choices) {
    int txCount() {
      return seatOf.size();
    }

    @Override
    public String toString() {
      int used = choices.size();
      while (used > 0 && choices.get(used - 1) == 0) {
        used--;
      }
      return "Scenario[seats=" + seats + ", maxAttempts=" + maxAttempts + ", seatOf=" + seatOf
          + ", tokens=" + tokens + ", duplicateTries=" + duplicateTries + ", choices="
          + choices.subList(0, used) + " then zeros]";
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.integers().between(2, 4).flatMap(n -> Combinators.combine(
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(0, 2).list().ofSize(n),
        Arbitraries.longs().between(1, 4).list().ofSize(n),
        Arbitraries.integers().between(0, 2).list().ofSize(n),
        Arbitraries.integers().between(0, 9_999)
            .withDistribution(RandomDistribution.uniform()).list().ofSize(600))
        .as(Scenario::new));
  }

  @Property(tries = 300)
  void every_interleaving_keeps_the_saga_invariants(@ForAll("scenarios") Scenario scenario) {
    World world = new World(scenario).runToQuiescence().checkFinalInvariants();
    // What the runs went through, so that a model that stopped exploring shows up as a failure.
    Set<String> seen = new HashSet<>();
    for (TxState s : world.txs.values()) {
      seen.add(s.status() + (s.reason() == null ? "" : " " + s.reason()));
    }
    Statistics.label("outcomes").collect(new java.util.TreeSet<>(seen).toString());
    Statistics.label("late success").collect(!world.lateSuccess.isEmpty());
    Statistics.label("retried").collect(world.txs.values().stream()
        .anyMatch(s -> s.attempts() > 1));
    // Floors far below the observed rates (rare paths: a few cases at least), so never flaky.
    Statistics.label("late success").coverage(c -> c.check(true).count(n -> n >= 1));
    Statistics.label("retried").coverage(c -> c.check(true).percentage(p -> p > 8));
    Statistics.label("outcomes").coverage(c -> {
      c.checkQuery(o -> o.get(0).toString().contains("SEAT_TAKEN")).percentage(p -> p > 25);
      c.checkQuery(o -> o.get(0).toString().contains("DECLINED")).count(n -> n >= 3);
      c.checkQuery(o -> o.get(0).toString().contains("ATTEMPTS_EXHAUSTED")).percentage(p -> p > 5);
      c.checkQuery(o -> o.get(0).toString().contains("SUCCESS")).percentage(p -> p > 40);
    });
  }

  @Example
  void two_payments_racing_for_one_seat_end_with_one_sale_and_one_cancellation() {
    Scenario race = new Scenario(1, 3, List.of(0, 0), List.of(1L, 2L), List.of(1, 1), List.of());
    World world = new World(race).runToQuiescence().checkFinalInvariants();
    assertThat(world.txs.values()).extracting(TxState::status)
        .containsExactlyInAnyOrder(TxStatus.SUCCESS, TxStatus.CANCELLED);
  }

  // ---------------------------------------------------------------------------------------------

  /** A message waiting on a topic, for the topology or for a worker outside it. */
  sealed interface Msg {
    String tx();
  }

  record ToTx(String tx, TxEvent event) implements Msg {}

  record ToLedger(String tx, String seat, SeatCommand command) implements Msg {}

  record ChargeRequested(String tx, int attempt) implements Msg {}

  record CancelRequested(String tx, boolean refundNeeded) implements Msg {}

  /** What the sandbox PG says to a charge; once final, it repeats itself for the same key. */
  enum PgAnswer {
    APPROVED, TRANSIENT, DECLINED, TIMED_OUT_BUT_CHARGED, APPROVED_REPORTED_TWICE,
    TRANSIENT_REPORTED_TWICE, CHARGED_SILENTLY;

    /** Weighted towards the answers that make late and duplicate events. */
    static final List<PgAnswer> WEIGHTED = List.of(APPROVED, APPROVED, APPROVED, TRANSIENT,
        TRANSIENT, TRANSIENT, DECLINED, TIMED_OUT_BUT_CHARGED, TIMED_OUT_BUT_CHARGED,
        TIMED_OUT_BUT_CHARGED, APPROVED_REPORTED_TWICE, TRANSIENT_REPORTED_TWICE,
        CHARGED_SILENTLY);
  }

  static final class World {
    static final int MAX_STEPS = 20_000;

    final Scenario scenario;
    final TxTransitions machine;
    final Map<String, TxState> txs = new LinkedHashMap<>();
    final Map<String, SeatClaim> ledger = new HashMap<>();
    final Map<String, Deque<Msg>> channels = new LinkedHashMap<>();
    final Map<String, String> seatOfTx = new HashMap<>();
    final Map<String, Long> tokenOfTx = new HashMap<>();
    /** The PG's ledger: the final answer per idempotency key, and which charges were refunded. */
    final Map<String, PgAnswer> pgFinal = new HashMap<>();
    final Set<String> pgCharged = new HashSet<>();
    final Set<String> pgRefunded = new HashSet<>();
    /** Transactions that got a success while FAILED or CANCELLED, and their refund commands. */
    final Set<String> lateSuccess = new HashSet<>();
    final Set<String> refundCommandedAfterLateSuccess = new HashSet<>();
    final List<String> trace = new ArrayList<>();
    int cursor;
    int step;

    World(Scenario scenario) {
      this.scenario = scenario;
      this.machine = new TxTransitions(scenario.maxAttempts());
      for (int i = 0; i < scenario.txCount(); i++) {
        String tx = "tx-" + i;
        String seat = "S" + (scenario.seatOf().get(i) % scenario.seats());
        seatOfTx.put(tx, seat);
        tokenOfTx.put(tx, scenario.tokens().get(i));
        PaymentTry first = new PaymentTry(tx, "hold-" + tx, PERFORMANCE, seat, "user-" + tx,
            AMOUNT, scenario.tokens().get(i), 1, T0);
        // The API's attempt 1, replayed a few times (retries of POST /payments, redeliveries).
        for (int d = 0; d <= scenario.duplicateTries().get(i); d++) {
          send("payment.try", tx, new ToTx(tx, new TxEvent.Tried(first)));
        }
      }
    }

    int choose(int bound) {
      List<Integer> choices = scenario.choices();
      return cursor < choices.size() ? choices.get(cursor++) % bound : 0;
    }

    Instant now() {
      return T0.plusMillis(step);
    }

    void send(String topic, String key, Msg msg) {
      channels.computeIfAbsent(topic + "|" + key, k -> new ArrayDeque<>()).addLast(msg);
    }

    boolean quiet() {
      return channels.values().stream().allMatch(Deque::isEmpty);
    }

    World runToQuiescence() {
      while (!quiet()) {
        check(step++ < MAX_STEPS, "the saga did not settle within %s steps", MAX_STEPS);
        List<Deque<Msg>> ready = channels.values().stream().filter(q -> !q.isEmpty()).toList();
        Msg msg = ready.get(choose(ready.size())).removeFirst();
        trace.add(step + ": " + msg);
        deliver(msg);
        checkStepInvariants();
      }
      return this;
    }

    void deliver(Msg msg) {
      if (msg instanceof ToTx m) {
        toTopology(m);
      } else if (msg instanceof ToLedger m) {
        toLedger(m);
      } else if (msg instanceof ChargeRequested m) {
        paymentWorker(m);
      } else if (msg instanceof CancelRequested m) {
        compensationWorker(m);
      }
    }

    /** TxStateProcessor: fold the event, then carry out the effects. */
    void toTopology(ToTx m) {
      TxState before = txs.get(m.tx());
      Transition t;
      try {
        t = machine.apply(before, m.event(), now());
      } catch (UnknownTransactionException e) {
        check(false, "an event for an unopened tx in a closed world: %s", m);
        throw e;
      }
      if (t.changed()) {
        checkTransition(before, t.next());
        txs.put(m.tx(), t.next());
      }
      TxState s = t.changed() ? t.next() : before;
      boolean failedBefore = before != null && (before.status() == TxStatus.FAILED
          || before.status() == TxStatus.CANCELLED);
      if (m.event() instanceof TxEvent.Succeeded && failedBefore) {
        lateSuccess.add(m.tx());
      }
      for (Effect effect : t.effects()) {
        if (effect instanceof Effect.ClaimSeat) {
          seatCommand(s, SeatCommand.Type.CLAIM);
        } else if (effect instanceof Effect.ConfirmSeat) {
          seatCommand(s, SeatCommand.Type.CONFIRM);
        } else if (effect instanceof Effect.ReleaseSeat) {
          seatCommand(s, SeatCommand.Type.RELEASE);
        } else if (effect instanceof Effect.Charge charge) {
          send("payment.charge", s.paymentTxId(),
              new ChargeRequested(s.paymentTxId(), charge.attempt()));
        } else if (effect instanceof Effect.ScheduleRetry retry) {
          // The retry store and its punctuator: re-emitted on payment.try, some time later.
          send("payment.try", s.paymentTxId(),
              new ToTx(s.paymentTxId(), new TxEvent.Tried(retry.next())));
        } else if (effect instanceof Effect.Compensate compensate) {
          if (compensate.refundNeeded() && lateSuccess.contains(s.paymentTxId())) {
            refundCommandedAfterLateSuccess.add(s.paymentTxId());
          }
          send("payment.cancel(commands)", s.paymentTxId(),
              new CancelRequested(s.paymentTxId(), compensate.refundNeeded()));
        }
      }
    }

    void seatCommand(TxState s, SeatCommand.Type type) {
      String seat = s.seat().asString();
      send("payment.seat-commands", seat, new ToLedger(s.paymentTxId(), seat,
          new SeatCommand(type, s.paymentTxId(), s.performanceId(), s.seatId(),
              s.fencingToken(), now())));
    }

    /** SeatLedgerProcessor. */
    void toLedger(ToLedger m) {
      SeatClaim before = ledger.get(m.seat());
      SeatLedger.Outcome out = SeatLedger.apply(before, m.command(), now());
      check(before == null || before.status() != SeatClaim.Status.SOLD || out.next() == null,
          "a sold seat changed: %s on %s", m, before);
      if (out.next() != null) {
        ledger.put(m.seat(), out.next());
      }
      if (out.decision() != null) {
        send("payment.seat-decisions", m.tx(),
            new ToTx(m.tx(), new TxEvent.SeatDecided(out.decision())));
      }
    }

    /** The payment worker in front of the sandbox PG (idempotency key = paymentTxId). */
    void paymentWorker(ChargeRequested m) {
      String tx = m.tx();
      PgAnswer answer = pgFinal.containsKey(tx)
          ? pgFinal.get(tx) : PgAnswer.WEIGHTED.get(choose(PgAnswer.WEIGHTED.size()));
      Instant notBefore = now().plusMillis(choose(50));
      switch (answer) {
        case APPROVED, APPROVED_REPORTED_TWICE -> {
          charge(tx, answer);
          success(tx, m.attempt());
          if (answer == PgAnswer.APPROVED_REPORTED_TWICE) {
            success(tx, m.attempt());
          }
        }
        case TRANSIENT, TRANSIENT_REPORTED_TWICE -> {
          retry(tx, m.attempt(), notBefore);
          if (answer == PgAnswer.TRANSIENT_REPORTED_TWICE) {
            retry(tx, m.attempt(), notBefore);
          }
        }
        case DECLINED -> {
          pgFinal.put(tx, PgAnswer.DECLINED);
          send("payment.failure", tx, new ToTx(tx, new TxEvent.Failed(
              new PaymentFailure(tx, m.attempt(), FailureReason.DECLINED, "declined", now()))));
        }
        case TIMED_OUT_BUT_CHARGED -> {
          // The worker gave up waiting and asked for a retry; the PG's answer shows up later.
          charge(tx, PgAnswer.APPROVED);
          retry(tx, m.attempt(), notBefore);
          success(tx, m.attempt());
        }
        case CHARGED_SILENTLY -> {
          // Charged, but the answer was lost: the next attempt with the same key says approved.
          charge(tx, PgAnswer.APPROVED);
          retry(tx, m.attempt(), notBefore);
        }
      }
    }

    void charge(String tx, PgAnswer answer) {
      pgFinal.put(tx, answer == PgAnswer.APPROVED_REPORTED_TWICE ? PgAnswer.APPROVED : answer);
      pgCharged.add(tx);
    }

    void success(String tx, int attempt) {
      send("payment.success", tx, new ToTx(tx, new TxEvent.Succeeded(
          new PaymentSuccess(tx, attempt, "ch-" + tx, AMOUNT, now()))));
    }

    void retry(String tx, int attempt, Instant notBefore) {
      send("payment.retry", tx, new ToTx(tx, new TxEvent.RetryRequested(
          new PaymentRetry(tx, attempt, "pg timeout", notBefore, now()))));
    }

    /** The compensation worker: refunds a charge if asked to and one exists, then reports. */
    void compensationWorker(CancelRequested m) {
      if (m.refundNeeded() && pgCharged.contains(m.tx())) {
        pgRefunded.add(m.tx());
      }
      TxState s = txs.get(m.tx());
      send("payment.cancel(completions)", m.tx(), new ToTx(m.tx(), new TxEvent.Compensated(
          new PaymentCancel(m.tx(), s.holdId(), s.performanceId(), s.seatId(), s.amount(),
              s.reason(), m.refundNeeded(), true, now()))));
    }

    // --- invariants -----------------------------------------------------------------------------

    /** Fails with the delivery trace, built only when needed. */
    void check(boolean holds, String what, Object... args) {
      if (!holds) {
        throw new AssertionError(String.format(what, args) + "\n" + scenario + "\n"
            + String.join("\n", trace));
      }
    }

    void checkTransition(TxState before, TxState after) {
      if (before == null) {
        check(after.version() == 1, "a new tx starts at version 1: %s", after);
        return;
      }
      check(after.version() == before.version() + 1, "version +1: %s -> %s", before, after);
      switch (before.status()) {
        case SUCCESS -> check(after.status() == TxStatus.SUCCESS, "SUCCESS moved: %s", after);
        case CANCELLED -> check(after.status() == TxStatus.CANCELLED, "CANCELLED moved: %s",
            after);
        case FAILED -> check(after.status() == TxStatus.FAILED
            || after.status() == TxStatus.CANCELLED, "FAILED went back: %s", after);
        case PENDING -> { }
      }
      check(after.attempts() >= 1 && after.attempts() <= scenario.maxAttempts(),
          "attempts out of range: %s", after);
    }

    void checkStepInvariants() {
      // At most one SUCCESS per seat, ever.
      Map<String, String> soldTo = new HashMap<>();
      for (TxState s : txs.values()) {
        if (s.status() == TxStatus.SUCCESS) {
          String previous = soldTo.put(s.seat().asString(), s.paymentTxId());
          check(previous == null, "seat %s sold to %s and %s", s.seat(), previous,
              s.paymentTxId());
        }
      }
      // A transaction that is not finished always has something on its way to move it on.
      for (TxState s : txs.values()) {
        if (!s.isTerminal()) {
          boolean inFlight = channels.values().stream().flatMap(Deque::stream)
              .anyMatch(msg -> msg.tx().equals(s.paymentTxId()));
          check(inFlight, "%s is %s with nothing in flight", s.paymentTxId(), s.status());
        }
      }
    }

    World checkFinalInvariants() {
      check(txs.size() == scenario.txCount(), "not every tx opened: %s", txs.keySet());
      for (TxState s : txs.values()) {
        String tx = s.paymentTxId();
        check(s.status() == TxStatus.SUCCESS || s.status() == TxStatus.CANCELLED,
            "%s ended %s", tx, s);
        SeatClaim seat = ledger.get(s.seat().asString());
        if (s.status() == TxStatus.SUCCESS) {
          check(seat != null && seat.status() == SeatClaim.Status.SOLD
              && tx.equals(seat.holderTxId()), "%s is SUCCESS but its seat is %s", tx, seat);
        }
        check(!lateSuccess.contains(tx) || refundCommandedAfterLateSuccess.contains(tx),
            "%s got a success while failed and no refund was commanded", tx);
        // Money: charges minus refunds equal the amount if SUCCESS, else nothing.
        long net = (pgCharged.contains(tx) ? AMOUNT : 0) - (pgRefunded.contains(tx) ? AMOUNT : 0);
        check(net == (s.status() == TxStatus.SUCCESS ? AMOUNT : 0),
            "%s is %s but the PG holds %s", tx, s.status(), net);
      }
      // No seat is left claimed by a finished transaction: it is free, or sold to its buyer.
      for (Map.Entry<String, SeatClaim> e : ledger.entrySet()) {
        SeatClaim seat = e.getValue();
        check(seat.status() == SeatClaim.Status.FREE || seat.status() == SeatClaim.Status.SOLD
            && txs.get(seat.holderTxId()).status() == TxStatus.SUCCESS,
            "seat %s left %s", e.getKey(), seat);
      }
      return this;
    }
  }
}
