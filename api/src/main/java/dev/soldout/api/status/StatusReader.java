package dev.soldout.api.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soldout.api.payment.PaymentView;
import dev.soldout.api.payment.StatusForwarder;
import dev.soldout.events.Json;
import dev.soldout.events.TxState;
import dev.soldout.stores.TxLookup;
import dev.soldout.stores.TxStateQuery;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Finds a transaction's state wherever it is: in the local active store (waiting for a change
 * if asked to), at the active instance (one forwarded hop), and when that instance does not
 * answer, at a standby (here or one hop away), within the stale-read bound. A forwarded request
 * is answered from what this instance has, never forwarded again.
 */
public class StatusReader {
  /** The answer, wherever it came from. */
  public sealed interface Answer {
    record Known(PaymentView view, String servedBy) implements Answer {}

    record Unknown(String servedBy) implements Answer {}

    record Unavailable(String message, int retryAfterSeconds) implements Answer {}
  }

  /** The longest a status request may wait for a change. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(30);
  /** Header naming the instance that read the state, so routing can be seen from outside. */
  public static final String INSTANCE_HEADER = "X-Soldout-Instance";

  private static final ObjectMapper JSON = Json.mapper().copy()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // A view leaves out its null fields (retryAfterMs once final, stale when fresh).
      .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private final TxStateQuery query;
  private final TxWaiters waiters;
  private final StatusForwarder forwarder;
  private final BooleanSupplier settled;
  private final Clock clock;

  /**
   * @param settled whether this instance's partitions are stable (Streams RUNNING): a wait only
   *     starts then, since a rebalance already under way would not wake it
   */
  public StatusReader(TxStateQuery query, TxWaiters waiters, StatusForwarder forwarder,
      BooleanSupplier settled, Clock clock) {
    this.query = query;
    this.waiters = waiters;
    this.forwarder = forwarder;
    this.settled = settled;
    this.clock = clock;
  }

  /**
   * @param forwarded the request came from another instance: answer from here, whatever we have
   * @param wait how long to wait for a change (zero: answer at once)
   * @param authorization the fan's Authorization header, relayed on a forwarded request so that
   *     the owner authenticates the fan itself
   */
  public CompletableFuture<Answer> read(String paymentTxId, boolean forwarded, Duration wait,
      String authorization) {
    TxLookup lookup = query.lookup(paymentTxId);
    if (lookup instanceof TxLookup.Elsewhere elsewhere) {
      return forwarded ? CompletableFuture.completedFuture(local(query.localCopy(paymentTxId)))
          : forward(paymentTxId, elsewhere, wait, authorization);
    }
    if (wait.isZero() || !waitable(lookup)) {
      return CompletableFuture.completedFuture(local(lookup));
    }
    return waitLocally(paymentTxId, lookup, forwarded, wait, authorization);
  }

  /** Only a fresh local answer that may still change is worth waiting on. */
  private static boolean waitable(TxLookup lookup) {
    if (lookup instanceof TxLookup.NotFound) {
      return true;
    }
    return lookup instanceof TxLookup.Found found && !found.stale()
        && !found.state().isTerminal();
  }

  private CompletableFuture<Answer> waitLocally(String paymentTxId, TxLookup seen,
      boolean forwarded, Duration wait, String authorization) {
    TxState before = seen instanceof TxLookup.Found found ? found.state() : null;
    Predicate<TxState> changed = state -> before == null || differs(before, state);
    TxWaiters.Waiter waiter = waiters.await(paymentTxId, changed, wait);
    // Checked after registering: a change between the first look and the registration, or a
    // rebalance that began before it, would otherwise leave this request to time out.
    TxLookup now = query.lookup(paymentTxId);
    if (!settled.getAsBoolean() || !sameAs(now, before)) {
      waiter.cancel();
      return read(paymentTxId, forwarded, Duration.ZERO, authorization);
    }
    return waiter.future().thenCompose(wake -> {
      if (wake instanceof TxWaiters.Wake.Changed change) {
        return CompletableFuture.completedFuture(
            new Answer.Known(PaymentView.of(change.state(), clock.instant()), query.selfUrl()));
      }
      // Timed out: the current state. Moved: looked up again, and so re-routed to the new
      // owner if there is one, with no further wait.
      return read(paymentTxId, forwarded, Duration.ZERO, authorization);
    });
  }

  /** What a client sees change: the status, or a new attempt. */
  private static boolean differs(TxState before, TxState after) {
    return before.status() != after.status() || before.attempts() != after.attempts();
  }

  private static boolean sameAs(TxLookup now, TxState before) {
    if (before == null) {
      return now instanceof TxLookup.NotFound;
    }
    return now instanceof TxLookup.Found found && !found.stale()
        && !differs(before, found.state());
  }

  private Answer local(TxLookup lookup) {
    if (lookup instanceof TxLookup.Found found) {
      PaymentView view = PaymentView.of(found.state(), clock.instant());
      return new Answer.Known(found.stale() ? view.staleBy(found.lagRecords()) : view,
          query.selfUrl());
    }
    if (lookup instanceof TxLookup.NotFound) {
      return new Answer.Unknown(query.selfUrl());
    }
    if (lookup instanceof TxLookup.Unavailable unavailable) {
      return new Answer.Unavailable(unavailable.reason(), 1);
    }
    return new Answer.Unavailable("the owner of this payment moved; ask again", 1);
  }

  /** One hop to the owner; if it does not answer, one hop to a standby (or our own copy). */
  private CompletableFuture<Answer> forward(String paymentTxId, TxLookup.Elsewhere owner,
      Duration wait, String authorization) {
    Duration bounded = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    return ask(owner.url(), paymentTxId, bounded, authorization).thenCompose(answer -> {
      if (!(answer instanceof Answer.Unavailable)) {
        return CompletableFuture.completedFuture(answer);
      }
      if (owner.standbyHere()) {
        Answer mine = local(query.localCopy(paymentTxId));
        if (!(mine instanceof Answer.Unavailable)) {
          return CompletableFuture.completedFuture(mine);
        }
      }
      return askStandbys(owner.standbyUrls(), 0, paymentTxId, answer, authorization);
    });
  }

  private CompletableFuture<Answer> askStandbys(List<String> urls, int next, String paymentTxId,
      Answer lastFailure, String authorization) {
    if (next >= urls.size()) {
      return CompletableFuture.completedFuture(lastFailure);
    }
    return ask(urls.get(next), paymentTxId, Duration.ZERO, authorization).thenCompose(answer ->
        answer instanceof Answer.Unavailable
            ? askStandbys(urls, next + 1, paymentTxId, answer, authorization)
            : CompletableFuture.completedFuture(answer));
  }

  /** One forwarded request; any failure to get an answer is Unavailable, never an exception. */
  private CompletableFuture<Answer> ask(String baseUrl, String paymentTxId, Duration wait,
      String authorization) {
    String path = "/payments/" + URLEncoder.encode(paymentTxId, StandardCharsets.UTF_8)
        + (wait.isZero() ? "" : "?waitMs=" + wait.toMillis());
    try {
      return forwarder.forward(baseUrl, path, wait, authorization)
          .thenApply(StatusReader::parse)
          .exceptionally(e -> new Answer.Unavailable(
              "the instance that owns this payment did not answer", 1));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Answer.Unavailable(
          "the instance that owns this payment cannot be reached", 1));
    }
  }

  private static Answer parse(HttpResponse<byte[]> response) {
    String servedBy = response.headers().firstValue(INSTANCE_HEADER).orElse(null);
    try {
      if (response.statusCode() == 200) {
        return new Answer.Known(readView(response.body()), servedBy);
      }
      if (response.statusCode() == 404) {
        return new Answer.Unknown(servedBy);
      }
      JsonNode error = JSON.readTree(response.body());
      int retryAfter = response.headers().firstValue("Retry-After")
          .map(StatusReader::seconds).orElse(1);
      return new Answer.Unavailable(error.path("message").asText("the owner could not answer"),
          retryAfter);
    } catch (IOException | RuntimeException e) {
      return new Answer.Unavailable("the owner answered what could not be read", 1);
    }
  }

  /** A view as another instance wrote it. */
  public static PaymentView readView(byte[] body) throws IOException {
    return JSON.readValue(body, PaymentView.class);
  }

  private static int seconds(String value) {
    try {
      return Math.max(1, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
