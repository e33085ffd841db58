package dev.soldout.api.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The answer to join and status; absent fields are left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record QueueView(
    String state,
    String queueToken,
    Long position,
    Long estimatedWaitMs,
    Long pollAfterMs,
    String admissionToken,
    Instant sessionEndsAt) {

  static final String WAITING = "WAITING";
  static final String ADMITTED = "ADMITTED";
  static final String EXPIRED = "EXPIRED";
}
