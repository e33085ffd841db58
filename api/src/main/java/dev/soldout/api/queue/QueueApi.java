package dev.soldout.api.queue;

import dev.soldout.seats.queue.QueuePolicies;
import dev.soldout.seats.queue.WaitingRoom;

/** What the waiting room's routes and gate need. */
public record QueueApi(WaitingRoom room, QueuePolicies policies, FanIdentity fans) {
  /** The header that carries the admission token to POST /holds and POST /payments. */
  public static final String ADMISSION_HEADER = "X-Admission-Token";
}
