package dev.soldout.seats.queue;

import java.util.List;

/** Hears how the waiting rooms go, for metrics, so the queue knows no metrics library. */
public interface QueueListener {
  QueueListener NONE = new QueueListener() {
    @Override
    public void admitted(String performanceId, List<Long> waitedMillis) {}

    @Override
    public void measured(String performanceId, long waiting, long sessions, int maxAdmitted,
        boolean saleOpen) {}
  };

  /** The ticker admitted these fans, each after waiting so long since joining. */
  void admitted(String performanceId, List<Long> waitedMillis);

  /** The queue's length and its running sessions now (every instance reports the same). */
  void measured(String performanceId, long waiting, long sessions, int maxAdmitted,
      boolean saleOpen);
}
