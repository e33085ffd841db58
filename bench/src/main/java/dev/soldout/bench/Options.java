package dev.soldout.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bench's knobs. Defaults are issue 10's on-sale: 20,000 fans arriving within 5 s for 5,000
 * seats, the ceilings measured first.
 *
 * @param arrivalSeconds fans arrive evenly spread over this window, whatever the system does
 *     (an open model: a slow answer does not slow the arrivals down)
 * @param waitMs the long-poll's {@code waitMs} while a payment is pending
 * @param ceilings whether to measure the parts alone before the rush (the smoke run does not)
 * @param recordBytes the pass-through's record size, about a payment record's (the report puts
 *     the rush's measured average next to it)
 * @param warmUpFans fans of an unmeasured rush on a venue of its own (a quarter as many seats)
 *     before anything is measured, so that neither the stack's nor the bench's own JIT
 *     compilation competes with the measured rush for the cores; 0 for none
 */
public record Options(int fans, int seats, double arrivalSeconds, long waitMs,
    boolean ceilings, double ceilingSeconds, int ceilingRecords, int recordBytes,
    int streamThreads, long timeoutSeconds, int warmUpFans, Path out) {

  public static final String USAGE = """
      usage: ./soldout bench [--fans 20000] [--seats 5000] [--arrival-s 5] [--wait-ms 5000]
                             [--ceilings true] [--ceiling-s 3] [--ceiling-records 500000]
                             [--record-bytes 400] [--stream-threads 2] [--timeout-s 300]
                             [--warm-up-fans 2000] [--out bench/results]
        plays an on-sale against a running soldout (./soldout dev with RATE_LIMIT_PER_IP=0):
        the fans arrive at a fixed rate, hold, pay and long-poll to a final state; after an
        unmeasured warm-up rush on a small venue of its own, it measures the ceilings of Kafka Streams, Javalin, Redis and the sandbox PG alone first, checks the
        invariants at the end and writes JSON and Markdown under --out.
        Exit codes: 0 invariants hold, 1 an invariant broke, 2 bad usage.""";

  public static Options defaults() {
    return parse(new String[0]);
  }

  public static Options parse(String[] args) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("fans", "20000");
    v.put("seats", "5000");
    v.put("arrival-s", "5");
    v.put("wait-ms", "5000");
    v.put("ceilings", "true");
    v.put("ceiling-s", "3");
    v.put("ceiling-records", "500000");
    v.put("record-bytes", "400");
    v.put("stream-threads", "2");
    v.put("timeout-s", "300");
    v.put("warm-up-fans", "2000");
    v.put("out", "bench/results");
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!v.containsKey(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or no value: " + args[i]);
      }
      v.put(key, args[i + 1]);
    }
    return new Options(Integer.parseInt(v.get("fans")), Integer.parseInt(v.get("seats")),
        Double.parseDouble(v.get("arrival-s")), Long.parseLong(v.get("wait-ms")),
        Boolean.parseBoolean(v.get("ceilings")), Double.parseDouble(v.get("ceiling-s")),
        Integer.parseInt(v.get("ceiling-records")), Integer.parseInt(v.get("record-bytes")),
        Integer.parseInt(v.get("stream-threads")), Long.parseLong(v.get("timeout-s")),
        Integer.parseInt(v.get("warm-up-fans")), Path.of(v.get("out")));
  }

  /** The same run with other sizes and no warm-up (the smoke test's few hundred fans). */
  public Options withFans(int fans, int seats, double arrivalSeconds) {
    return new Options(fans, seats, arrivalSeconds, waitMs, ceilings, ceilingSeconds,
        ceilingRecords, recordBytes, streamThreads, timeoutSeconds, 0, out);
  }

  public Options withoutCeilings(Path out) {
    return new Options(fans, seats, arrivalSeconds, waitMs, false, ceilingSeconds,
        ceilingRecords, recordBytes, streamThreads, timeoutSeconds, warmUpFans, out);
  }
}
