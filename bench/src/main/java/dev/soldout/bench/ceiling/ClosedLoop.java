package dev.soldout.bench.ceiling;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A capacity probe: {@code concurrency} asynchronous callers, each sending its next request as
 * soon as the last is answered, for a fixed time. Closed on purpose: a ceiling is what the part
 * does when it is never idle, not how it queues.
 */
final class ClosedLoop {
  private static final long WARM_UP_NANOS = 2_000_000_000L;

  private ClosedLoop() {}

  /**
   * Answers a second over the measured window, after a warm-up of 2 s: the probed part (a
   * Javalin in this JVM, say) starts cold, and a shorter warm-up measured its JIT, not it.
   */
  static double perSecond(int concurrency, double seconds, Supplier<CompletableFuture<?>> call)
      throws InterruptedException {
    LongAdder answered = new LongAdder();
    long warmUpEnds = System.nanoTime() + WARM_UP_NANOS;
    long ends = warmUpEnds + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      next(call, answered, warmUpEnds, ends, done);
    }
    done.await(Math.round(seconds * 3 + 30), TimeUnit.SECONDS);
    return answered.sum() / seconds;
  }

  private static void next(Supplier<CompletableFuture<?>> call, LongAdder answered,
      long warmUpEnds, long ends, CountDownLatch done) {
    call.get().whenComplete((ok, error) -> {
      long now = System.nanoTime();
      if (error == null && now > warmUpEnds && now <= ends) {
        answered.increment();
      }
      if (now < ends) {
        next(call, answered, warmUpEnds, ends, done);
      } else {
        done.countDown();
      }
    });
  }
}
