package dev.soldout.bench.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.bench.rush.Latencies;
import dev.soldout.events.Json;
import dev.soldout.events.Topics;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each payment's time went between its acceptance and its final state, from the time each
 * hop's record carries: the try's {@code requestedAt}, the seat claim's and the seat decision's
 * {@code at}, the charge request's {@code requestedAt}, the PG success's {@code at} and the final
 * tx state's {@code updatedAt}. The claim, the decision and the charge request are visible only
 * once the Streams transaction that wrote them commits, so three of the five stages show the
 * commit interval. First attempts that succeeded only: a retry's stages are not one payment's.
 */
public final class PaymentStages {
  private enum Mark { ACCEPTED, CLAIM_SENT, DECIDED, CHARGE_ASKED, CHARGED, DONE }

  private static final String[] STAGES = {
      "accepted -> seat claim sent", "claim sent -> seat decided", "decided -> charge asked",
      "charge asked -> PG success", "PG success -> final state"};

  private final Topics topics;
  private final Map<String, long[]> marks = new HashMap<>();

  public PaymentStages(Topics topics) {
    this.topics = topics;
  }

  /** One committed record of the run, any topic; the ones that mark no stage are ignored. */
  public void accept(String topic, byte[] value) {
    if (value == null) {
      return;
    }
    JsonNode v;
    try {
      v = Json.mapper().readTree(value);
    } catch (IOException notJson) {
      return;
    }
    if (topic.equals(topics.paymentTry().name()) && v.path("attempt").asInt() == 1) {
      mark(v, Mark.ACCEPTED, "requestedAt");
    } else if (topic.equals(topics.seatCommands().name())
        && "CLAIM".equals(v.path("type").asText())) {
      mark(v, Mark.CLAIM_SENT, "at");
    } else if (topic.equals(topics.seatDecisions().name())) {
      mark(v, Mark.DECIDED, "at");
    } else if (topic.equals(topics.paymentCharge().name()) && v.path("attempt").asInt() == 1) {
      mark(v, Mark.CHARGE_ASKED, "requestedAt");
    } else if (topic.equals(topics.paymentSuccess().name()) && v.path("attempt").asInt() == 1) {
      mark(v, Mark.CHARGED, "at");
    } else if (topic.equals(topics.txState().name())
        && "SUCCESS".equals(v.path("status").asText())) {
      mark(v, Mark.DONE, "updatedAt");
    }
  }

  /** The first record of a kind wins: a replayed one says nothing about the payment's time. */
  private void mark(JsonNode value, Mark mark, String field) {
    long[] times = marks.computeIfAbsent(value.path("paymentTxId").asText(),
        tx -> new long[Mark.values().length]);
    if (times[mark.ordinal()] == 0 && value.hasNonNull(field)) {
      Instant at = Instant.parse(value.get(field).asText());
      times[mark.ordinal()] = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
  }

  /** Per stage and in total: count, p50, p90, p99 and max in milliseconds. */
  public Map<String, Object> summary() {
    Latencies[] stages = new Latencies[STAGES.length];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = new Latencies();
    }
    Latencies total = new Latencies();
    for (long[] times : marks.values()) {
      if (Arrays.stream(times).anyMatch(t -> t == 0)) {
        continue;
      }
      for (int i = 0; i < stages.length; i++) {
        stages[i].add(times[i + 1] - times[i]);
      }
      total.add(times[Mark.DONE.ordinal()] - times[Mark.ACCEPTED.ordinal()]);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    for (int i = 0; i < stages.length; i++) {
      summary.put(STAGES[i], stages[i].summary());
    }
    summary.put("total", total.summary());
    return summary;
  }
}
