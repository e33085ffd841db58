package dev.soldout.bench.rush;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Latencies of one kind, kept whole (a run has tens of thousands): exact percentiles. */
public final class Latencies {
  private long[] nanos = new long[1024];
  private int size;

  public synchronized void add(long elapsedNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = elapsedNanos;
  }

  public synchronized int count() {
    return size;
  }

  /** count, p50, p90, p99 and max in milliseconds (nearest rank). */
  public synchronized Map<String, Object> summary() {
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("count", size);
    s.put("p50Ms", millis(sorted, 0.50));
    s.put("p90Ms", millis(sorted, 0.90));
    s.put("p99Ms", millis(sorted, 0.99));
    s.put("maxMs", size == 0 ? 0.0 : round(sorted[size - 1] / 1e6));
    return s;
  }

  static double millis(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0.0;
    }
    int rank = (int) Math.ceil(quantile * sorted.length) - 1;
    return round(sorted[Math.max(0, Math.min(rank, sorted.length - 1))] / 1e6);
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
