package dev.soldout.bench.rush;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** When something happened (hold taken, payment accepted, completed), for rates over time. */
public final class Events {
  private long[] at = new long[1024];
  private int size;

  public synchronized void mark(long nanoTime) {
    if (size == at.length) {
      at = Arrays.copyOf(at, size * 2);
    }
    at[size++] = nanoTime;
  }

  public synchronized int count() {
    return size;
  }

  /**
   * Per second: the sustained rate is the middle 80 % of the events over the time they took
   * (the ramp-up and the tail left out), the peak the busiest whole second after {@code start}.
   */
  public synchronized Map<String, Object> rates(long start) {
    long[] sorted = Arrays.copyOf(at, size);
    Arrays.sort(sorted);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("count", size);
    if (size < 10) {
      r.put("sustainedPerS", 0.0);
      r.put("peakPerS", size);
      return r;
    }
    int from = size / 10;
    int to = size - 1 - size / 10;
    double seconds = Math.max(1e-3, (sorted[to] - sorted[from]) / 1e9);
    r.put("sustainedPerS", Math.round((to - from) / seconds * 10) / 10.0);
    int[] perSecond = new int[(int) ((sorted[size - 1] - start) / 1_000_000_000L) + 1];
    for (long t : sorted) {
      perSecond[(int) (Math.max(0, t - start) / 1_000_000_000L)]++;
    }
    r.put("peakPerS", Arrays.stream(perSecond).max().orElse(0));
    r.put("firstS", Math.round((sorted[0] - start) / 1e7) / 100.0);
    r.put("lastS", Math.round((sorted[size - 1] - start) / 1e7) / 100.0);
    return r;
  }

  public synchronized double sustainedPerSecond() {
    Object rate = rates(0).get("sustainedPerS");
    return ((Number) rate).doubleValue();
  }
}
