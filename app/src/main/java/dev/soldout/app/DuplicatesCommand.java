package dev.soldout.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.events.FailureReason;
import dev.soldout.events.Json;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.seats.db.Databases;
import dev.soldout.stores.SeatClaim;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code ./soldout duplicates}: the seed's duplicate-payment query, on the projection, checked
 * against the seat ledger (who really bought the seat) and the PG's own ledger (where the money
 * is). {@code --refund} gives the money of each duplicate back through the saga: a compensation
 * command on payment.cancel, which the compensation worker carries out (void by idempotency key,
 * so a second run refunds nothing twice). It never edits the database: the seed's
 * {@code UPDATE ... SET status = 'REFUNDED'} would make the books say what the PG never did.
 */
final class DuplicatesCommand {
  static final String USAGE = """
      usage: ./soldout duplicates [--since T] [--refund [--dry-run]]
        Finds, among payments created since T (ISO instant or a duration ago: 1h; default all):
          DUPLICATE_SALE        a second SUCCESS payment for a seat (or the same fan and seat)
                                in payment_transactions, or a confirmation the projection
                                refused (reservation_conflicts); the one the seat ledger sold
                                the seat to is kept, the others are duplicates
          CHARGED_BUT_CANCELLED an approved charge at the PG, not refunded, for a transaction
                                the projection says CANCELLED
          DOUBLE_CHARGE         more than one approved charge at the PG for one idempotency key
                                (a PG without idempotency; refund it at the PG by hand)
          PROJECTION_DISAGREES  the projection calls a payment a duplicate, but the KTable and
                                the seat ledger say it bought its own seat: nothing to refund,
                                run ./soldout consistency --repair-projection
        A duplicate whose charge is refunded (or was never made) is listed as resolved.
        --refund   sends a compensation command (payment.cancel) for each outstanding
                   DUPLICATE_SALE and CHARGED_BUT_CANCELLED; run again to see them resolved
        --dry-run  with --refund, only shows what it would send
      Exit codes: 0 nothing outstanding, 1 something outstanding (also right after --refund,
      until the compensation is done) or a store failed, 2 bad usage.""";

  /** One finding; {@code refundable} when a compensation command can give the money back. */
  record Finding(String kind, String tx, String detail, boolean outstanding,
      boolean refundable) {}

  private DuplicatesCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    Instant since = Instant.MIN;
    boolean refund = false;
    boolean dryRun = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--refund" -> refund = true;
          case "--dry-run" -> dryRun = true;
          case "--since" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--since needs a value");
            }
            since = ReprocessCommand.instant(args[++i], Instant.now());
          }
          default -> throw new IllegalArgumentException("unknown option: " + args[i]);
        }
      }
      if (dryRun && !refund) {
        throw new IllegalArgumentException("--dry-run goes with --refund");
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      out.println(e.getMessage());
      out.println(USAGE);
      return 2;
    }
    Optional<SoldoutNode.Endpoints> found = AppCommand.require(settings, out,
        AppCommand.Need.KAFKA, AppCommand.Need.DATABASE);
    if (found.isEmpty()) {
      return 2;
    }
    SoldoutNode.Endpoints endpoints = found.get();
    try (HikariDataSource pool = Databases.pool(endpoints.database().jdbcUrl(),
        endpoints.database().user(), endpoints.database().password(), 2)) {
      ProjectionRows rows = ProjectionRows.read(Databases.jdbi(pool));
      SagaRecords saga = SagaRecords.read(endpoints.kafka(), settings);
      Map<String, List<JsonNode>> charges = charges(endpoints.pgBaseUrl());
      List<Finding> findings = find(rows, saga, charges, since);
      long outstanding = findings.stream().filter(Finding::outstanding).count();
      findings.forEach(f -> out.printf("%-22s %-44s %s%s%n", f.kind(), f.tx(), f.detail(),
          f.outstanding() ? "" : " (resolved)"));
      out.printf("%d finding(s), %d outstanding%n", findings.size(), outstanding);
      int failed = refund ? refund(endpoints.kafka(), settings, rows, saga, findings, dryRun, out)
          : 0;
      return outstanding == 0 && failed == 0 ? 0 : 1;
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  static List<Finding> find(ProjectionRows rows, SagaRecords saga,
      Map<String, List<JsonNode>> charges, Instant since) {
    List<Finding> findings = new ArrayList<>();
    // The seed's query: SUCCESS payments grouped by seat, more than one.
    Map<String, List<ProjectionRows.Payment>> bySeat = rows.payments().values().stream()
        .filter(p -> p.status().equals("SUCCESS") && !p.createdAt().isBefore(since))
        .collect(Collectors.groupingBy(ProjectionRows.Payment::seat, TreeMap::new,
            Collectors.toList()));
    Map<String, String> duplicates = new LinkedHashMap<>();
    bySeat.forEach((seat, payments) -> {
      if (payments.size() < 2) {
        return;
      }
      payments.sort(Comparator.comparing(ProjectionRows.Payment::createdAt));
      String kept = keeper(seat, payments, saga, rows);
      String keptUser = rows.payments().get(kept).userId();
      for (ProjectionRows.Payment p : payments) {
        if (!p.tx().equals(kept)) {
          duplicates.put(p.tx(), payments.size() + " SUCCESS payments for " + seat
              + (p.userId().equals(keptUser) ? " by the same fan " + keptUser : "")
              + ", kept " + kept);
        }
      }
    });
    rows.conflicts().stream().sorted().forEach(tx -> {
      ProjectionRows.Payment p = rows.payments().get(tx);
      if (p == null || !p.createdAt().isBefore(since)) {
        duplicates.putIfAbsent(tx, "confirmation refused by the projection (reservation_conflicts)"
            + (p == null ? "" : " for " + p.seat()));
      }
    });
    Set<String> seen = new LinkedHashSet<>(duplicates.keySet());
    duplicates.forEach((tx, why) -> findings.add(duplicate(tx, why, saga, charges)));
    // The PG's side: money kept where the books say there should be none.
    new TreeMap<>(charges).forEach((key, list) -> {
      List<JsonNode> approved = list.stream()
          .filter(c -> c.path("status").asText().equals("APPROVED")
              && !Instant.parse(c.path("createdAt").asText()).isBefore(since)).toList();
      if (approved.size() > 1) {
        findings.add(new Finding("DOUBLE_CHARGE", key, approved.size()
            + " approved charges for one idempotency key: " + approved.stream()
            .map(c -> c.path("chargeId").asText()).collect(Collectors.joining(", ")), true,
            false));
      }
      ProjectionRows.Payment p = rows.payments().get(key);
      if (seen.contains(key) || net(approved) <= 0 || p == null
          || !p.status().equals("CANCELLED")) {
        return;
      }
      TxState k = saga.states().get(key);
      if (k != null && k.status() == TxStatus.SUCCESS) {
        findings.add(new Finding("PROJECTION_DISAGREES", key, "the projection says CANCELLED,"
            + " the KTable SUCCESS: run ./soldout consistency --repair-projection", true, false));
      } else {
        findings.add(new Finding("CHARGED_BUT_CANCELLED", key, net(approved)
            + " charged and not refunded at the PG, the transaction is CANCELLED", true, true));
      }
    });
    return findings;
  }

  /** The payment the seat ledger sold the seat to; else the sales table's; else the first. */
  private static String keeper(String seat, List<ProjectionRows.Payment> payments,
      SagaRecords saga, ProjectionRows rows) {
    Set<String> txs = payments.stream().map(ProjectionRows.Payment::tx)
        .collect(Collectors.toSet());
    SeatClaim claim = saga.ledger().get(seat);
    if (claim != null && claim.status() == SeatClaim.Status.SOLD
        && txs.contains(claim.holderTxId())) {
      return claim.holderTxId();
    }
    String sale = rows.sales().get(seat);
    return txs.contains(sale) ? sale : payments.get(0).tx();
  }

  private static Finding duplicate(String tx, String why, SagaRecords saga,
      Map<String, List<JsonNode>> charges) {
    TxState k = saga.states().get(tx);
    SeatClaim own = k == null ? null : saga.seat(k);
    if (k != null && k.status() == TxStatus.SUCCESS && own != null
        && own.status() == SeatClaim.Status.SOLD && tx.equals(own.holderTxId())) {
      return new Finding("PROJECTION_DISAGREES", tx, why + "; but the seat ledger sold "
          + k.seat().asString() + " to it: run ./soldout consistency --repair-projection", true,
          false);
    }
    List<JsonNode> list = charges.getOrDefault(tx, List.of());
    long net = net(list);
    String money = list.isEmpty() ? "nothing charged at the PG"
        : net > 0 ? net + " charged and not refunded at the PG"
        : "refunded at the PG (" + list.stream().map(c -> c.path("chargeId").asText() + " "
            + c.path("status").asText() + ", refunded " + c.path("refundedAmount").asLong())
            .collect(Collectors.joining("; ")) + ")";
    return new Finding("DUPLICATE_SALE", tx, why + "; " + money, net > 0, net > 0);
  }

  /** Money approved and not refunded, over the charges of one key. */
  private static long net(List<JsonNode> charges) {
    return charges.stream().filter(c -> c.path("status").asText().equals("APPROVED"))
        .mapToLong(c -> c.path("amount").asLong() - c.path("refundedAmount").asLong()).sum();
  }

  /** The PG's ledger, every charge by idempotency key ({@code GET /v1/charges}). */
  static Map<String, List<JsonNode>> charges(String pgBaseUrl) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
            URI.create(pgBaseUrl + "/v1/charges")).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("PG ledger at " + pgBaseUrl + " answered "
          + response.statusCode());
    }
    Map<String, List<JsonNode>> byKey = new LinkedHashMap<>();
    for (JsonNode charge : Json.mapper().readTree(response.body())) {
      byKey.computeIfAbsent(charge.path("idempotencyKey").asText(), k -> new ArrayList<>())
          .add(charge);
    }
    return byKey;
  }

  private static int refund(String kafka, Settings settings, ProjectionRows rows,
      SagaRecords saga, List<Finding> findings, boolean dryRun, PrintStream out) {
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    List<Finding> chosen = findings.stream().filter(f -> f.outstanding() && f.refundable())
        .toList();
    int failed = 0;
    try (KafkaProducer<String, PaymentCancel> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
        topics.paymentCancel().keySerde().serializer(),
        topics.paymentCancel().valueSerde().serializer())) {
      for (Finding f : chosen) {
        PaymentCancel command = command(f, rows.payments().get(f.tx()), saga.states().get(f.tx()));
        if (dryRun) {
          out.printf("would refund %s (%d)%n", f.tx(), command.amount());
          continue;
        }
        try {
          RecordMetadata at = producer.send(new ProducerRecord<>(topics.paymentCancel().name(),
              f.tx(), command)).get(70, TimeUnit.SECONDS);
          out.printf("refund requested for %s (%d): compensation command at %s-%d@%d%n", f.tx(),
              command.amount(), at.topic(), at.partition(), at.offset());
        } catch (Exception e) {
          failed++;
          out.println("FAILED to request the refund of " + f.tx() + ": " + e);
        }
      }
    }
    out.printf("%d refund(s) %s, %d failed%n", chosen.size() - failed,
        dryRun ? "would be requested (dry run)" : "requested", failed);
    return failed;
  }

  /**
   * The compensation command for a finding: refund needed, and the hold named so the worker's
   * compare-and-delete can only free a hold that is still this payment's.
   */
  private static PaymentCancel command(Finding f, ProjectionRows.Payment p, TxState k) {
    String holdId = k != null ? k.holdId() : p != null && p.holdId() != null ? p.holdId() : "none";
    String performance = k != null ? k.performanceId() : p == null ? "unknown" : p.performanceId();
    String seat = k != null ? k.seatId() : p == null ? "unknown" : p.seatId();
    long amount = k != null ? k.amount() : p == null ? 0 : p.amount();
    FailureReason reason = f.kind().equals("DUPLICATE_SALE") || k == null || k.reason() == null
        ? FailureReason.SEAT_TAKEN : k.reason();
    return new PaymentCancel(f.tx(), holdId, performance, seat, amount, reason, true, false,
        Instant.now());
  }
}
