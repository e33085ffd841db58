package dev.soldout.app.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.bench.check.Invariants;
import dev.soldout.bench.http.JsonHttp;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./soldout drill}: buys N seats through a running system while the sandbox PG misbehaves,
 * waits until every payment is terminal, and checks the invariants against the PG's ledger.
 */
public final class SagaDrill {
  /** The drill's knobs; defaults are the saga issue's acceptance run. */
  public record Options(String api, String pg, String performanceId, int payments,
      double errorRate, double lostResponseRate, long latencyMs, int concurrency,
      long timeoutSeconds) {

    public static Options parse(String[] args) {
      Map<String, String> v = new LinkedHashMap<>(Map.of(
          "api", "http://127.0.0.1:7070", "pg", "http://127.0.0.1:7071",
          "performance", "aurora-seoul-2", "payments", "200", "error-rate", "0.3",
          "lost-response-rate", "0", "latency-ms", "200", "concurrency", "50",
          "timeout-s", "180"));
      for (int i = 0; i + 1 < args.length; i += 2) {
        String key = args[i].replaceFirst("^--", "");
        if (!v.containsKey(key)) {
          throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + v.keySet());
        }
        v.put(key, args[i + 1]);
      }
      return new Options(v.get("api"), v.get("pg"), v.get("performance"),
          Integer.parseInt(v.get("payments")), Double.parseDouble(v.get("error-rate")),
          Double.parseDouble(v.get("lost-response-rate")), Long.parseLong(v.get("latency-ms")),
          Integer.parseInt(v.get("concurrency")), Long.parseLong(v.get("timeout-s")));
    }
  }

  /** What the drill saw. */
  public record Report(int accepted, int succeeded, int cancelled, int pending,
      long millisToLastTerminal, List<String> violations) {
    public boolean passed() {
      return pending == 0 && violations.isEmpty() && accepted > 0;
    }
  }

  /** A payment the API accepted, and the bearer token of its fan, who alone may read it. */
  private record Accepted(String paymentTxId, String seatId, long amount, long acceptedAtNanos,
      String bearer) {}

  private final Options options;
  private final JsonHttp http = new JsonHttp();
  private final PrintStream out;

  public SagaDrill(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Report run() throws Exception {
    http.post(options.pg() + "/admin/faults", Map.of("errorRate", options.errorRate(),
        "lostResponseRate", options.lostResponseRate(), "latencyMs", options.latencyMs(),
        "outage", false, "declineRate", 0)).join();
    try {
      long started = System.nanoTime();
      List<Accepted> accepted = buy(availableSeats());
      out.printf("accepted %d payments in %d ms; waiting for terminal states%n",
          accepted.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      Map<String, String> finalStatus = awaitTerminal(accepted);
      long lastTerminal = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      List<Invariants.Outcome> outcomes = accepted.stream()
          .map(a -> new Invariants.Outcome(a.paymentTxId(), finalStatus.get(a.paymentTxId()),
              options.performanceId() + "/" + a.seatId(), a.amount()))
          .toList();
      resetFaults();
      JsonNode ledger = http.get(options.pg() + "/v1/charges").join().body();
      return new Report(accepted.size(), count(finalStatus, "SUCCESS"),
          count(finalStatus, "CANCELLED"),
          accepted.size() - count(finalStatus, "SUCCESS") - count(finalStatus, "CANCELLED"),
          lastTerminal, Invariants.check(outcomes, ledger));
    } finally {
      resetFaults();
    }
  }

  private void resetFaults() {
    http.post(options.pg() + "/admin/faults", Map.of("errorRate", 0, "lostResponseRate", 0,
        "latencyMs", 0, "outage", false, "declineRate", 0)).join();
  }

  private List<JsonNode> availableSeats() {
    var answer = http.get(options.api() + "/performances/" + options.performanceId() + "/seats")
        .join();
    List<JsonNode> free = new ArrayList<>();
    answer.body().forEach(seat -> {
      if ("AVAILABLE".equals(seat.path("status").asText()) && free.size() < options.payments()) {
        free.add(seat);
      }
    });
    if (free.size() < options.payments()) {
      throw new IllegalStateException("only " + free.size() + " seats are available in "
          + options.performanceId() + "; start with a fresh ./data or a larger DEMO_SEATS");
    }
    return free;
  }

  /** Holds and pays for each seat, a bounded number of fans at a time. */
  private List<Accepted> buy(List<JsonNode> seats) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Semaphore inFlight = new Semaphore(options.concurrency());
    List<Accepted> accepted = new ArrayList<>();
    List<CompletableFuture<Void>> fans = new ArrayList<>();
    for (int i = 0; i < seats.size(); i++) {
      JsonNode seat = seats.get(i);
      String userId = "drill-" + run + "-" + i;
      inFlight.acquireUninterruptibly();
      // Each fan signs in first: the dev stack mints tokens (AUTH_DEV_TOKENS).
      fans.add(http.post(options.api() + "/auth/dev-token", Map.of("userId", userId))
          .thenCompose(signedIn -> {
            if (signedIn.status() != 201) {
              throw new IllegalStateException("no dev token (is this a dev stack?): "
                  + signedIn.status() + " " + signedIn.body());
            }
            String bearer = "Bearer " + signedIn.body().path("token").asText();
            return http.post(options.api() + "/holds", Map.of("performanceId",
                    options.performanceId(), "seatId", seat.path("seatId").asText()),
                    "Authorization", bearer)
                .thenCompose(hold -> {
                  String holdId = hold.body().path("holdId").asText();
                  return http.post(options.api() + "/payments", Map.of("holdId", holdId,
                      "amount", seat.path("price").asLong()),
                      "Idempotency-Key", holdId, "Authorization", bearer);
                })
                .thenApply(payment -> Map.entry(bearer, payment));
          })
          .thenAccept(signedAndPaid -> {
            JsonHttp.Answer payment = signedAndPaid.getValue();
            if (payment.status() == 202) {
              synchronized (accepted) {
                accepted.add(new Accepted(payment.body().path("paymentTxId").asText(),
                    seat.path("seatId").asText(), seat.path("price").asLong(), System.nanoTime(),
                    signedAndPaid.getKey()));
              }
            } else {
              out.println("payment refused: " + payment.status() + " " + payment.body());
            }
          })
          .exceptionally(error -> {
            out.println("fan " + userId + " got no answer: " + error.getMessage());
            return null;
          })
          .whenComplete((done, error) -> inFlight.release()));
    }
    CompletableFuture.allOf(fans.toArray(CompletableFuture[]::new)).join();
    return accepted;
  }

  /** Polls until every payment is terminal; a poll that fails is simply asked again later. */
  private Map<String, String> awaitTerminal(List<Accepted> accepted) throws InterruptedException {
    Map<String, String> status = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(options.concurrency());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
    while (System.nanoTime() < deadline) {
      List<CompletableFuture<Void>> polls = new ArrayList<>();
      for (Accepted a : accepted) {
        if (isTerminal(status.get(a.paymentTxId()))) {
          continue;
        }
        inFlight.acquire();
        polls.add(http.get(options.api() + "/payments/" + a.paymentTxId(),
                "Authorization", a.bearer())
            .thenAccept(answer -> status.put(a.paymentTxId(),
                answer.body().path("status").asText("UNKNOWN")))
            .exceptionally(unanswered -> null)
            .whenComplete((done, error) -> inFlight.release()));
      }
      if (polls.isEmpty()) {
        break;
      }
      CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).join();
      Thread.sleep(250);
    }
    return status;
  }

  private static boolean isTerminal(String status) {
    return "SUCCESS".equals(status) || "CANCELLED".equals(status);
  }

  private static int count(Map<String, String> status, String wanted) {
    return (int) status.values().stream().filter(wanted::equals).count();
  }
}
