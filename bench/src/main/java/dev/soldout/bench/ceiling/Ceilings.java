package dev.soldout.bench.ceiling;

import dev.soldout.bench.Options;
import dev.soldout.bench.Target;
import dev.soldout.bench.http.JsonHttp;
import dev.soldout.seats.redis.RedisConnector;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * What each part of this machine does alone, measured before the rush with a payment's record
 * and request sizes: Kafka Streams (exactly-once pass-through), a trivial Javalin endpoint,
 * Redis SET NX, and the sandbox PG.
 */
public final class Ceilings {
  /** Concurrent callers of the HTTP probes: enough to keep a 2-core server busy. */
  private static final int HTTP_CONCURRENCY = 64;
  /** Redis callers, as the API's Jetty threads call it: blocking, one command a round trip. */
  private static final int REDIS_THREADS = 16;

  private final Target target;
  private final Options options;
  private final JsonHttp http;
  private final String bearer;
  private final String run;

  public Ceilings(Target target, Options options, JsonHttp http, String bearer, String run) {
    this.target = target;
    this.options = options;
    this.http = http;
    this.bearer = bearer;
    this.run = run;
  }

  public List<Ceiling> measure(java.io.PrintStream out) throws Exception {
    List<Ceiling> ceilings = new ArrayList<>();
    ceilings.add(StreamsPassThrough.measure(target, run, options.ceilingRecords(),
        options.recordBytes(), options.streamThreads()));
    out.println("  " + ceilings.get(ceilings.size() - 1));
    ceilings.add(javalin());
    out.println("  " + ceilings.get(ceilings.size() - 1));
    ceilings.add(redis());
    out.println("  " + ceilings.get(ceilings.size() - 1));
    ceilings.add(paymentGateway());
    out.println("  " + ceilings.get(ceilings.size() - 1));
    return ceilings;
  }

  /** A hold's request (token, body) to an endpoint that answers a hold's size, doing nothing. */
  private Ceiling javalin() throws InterruptedException {
    String answer = "{\"holdId\":\"00000000-0000-0000-0000-000000000000\",\"performanceId\":"
        + "\"bench\",\"seatId\":\"A-1\",\"userId\":\"fan-1\",\"fencingToken\":1,"
        + "\"expiresAt\":\"2026-01-01T00:00:00Z\"}";
    Javalin app = Javalin.create(config -> config.routes.post("/holds",
        ctx -> ctx.status(201).contentType("application/json").result(answer))).start(0);
    try {
      String url = "http://127.0.0.1:" + app.port() + "/holds";
      double rate = ClosedLoop.perSecond(HTTP_CONCURRENCY, options.ceilingSeconds(),
          () -> http.post(url, Map.of("performanceId", "bench", "seatId", "A-1"),
              "Authorization", bearer));
      return new Ceiling("javalin", "requests/s", rate, String.format("trivial POST endpoint,"
          + " a hold's request and answer, %d callers, this bench's HTTP client",
          HTTP_CONCURRENCY));
    } finally {
      app.stop();
    }
  }

  private Ceiling redis() throws InterruptedException {
    LongAdder done = new LongAdder();
    AtomicLong keys = new AtomicLong();
    String prefix = "bench:ceiling:" + run + ":";
    String holdId = "00000000-0000-0000-0000-000000000000";
    long warmUpEnds = System.nanoTime() + (long) (options.ceilingSeconds() * 0.2e9);
    long ends = warmUpEnds + (long) (options.ceilingSeconds() * 1e9);
    try (UnifiedJedis jedis = RedisConnector.connect(target.redisUrl())) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < REDIS_THREADS; t++) {
        Thread thread = new Thread(() -> {
          SetParams nxPx = SetParams.setParams().nx().px(30_000);
          long now;
          while ((now = System.nanoTime()) < ends) {
            jedis.set(prefix + keys.incrementAndGet(), holdId, nxPx);
            if (now > warmUpEnds) {
              done.increment();
            }
          }
        }, "bench-redis-" + t);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
    return new Ceiling("redis", "commands/s", done.sum() / options.ceilingSeconds(),
        String.format("SET NX PX of a hold id on fresh keys, %d blocking callers through the"
            + " app's Redis client", REDIS_THREADS));
  }

  private Ceiling paymentGateway() throws InterruptedException {
    AtomicLong keys = new AtomicLong();
    String prefix = "bench-ceiling-" + run + "-";
    double rate = ClosedLoop.perSecond(HTTP_CONCURRENCY, options.ceilingSeconds(),
        () -> http.post(target.pgUrl() + "/v1/charges", Map.of("idempotencyKey",
                prefix + keys.incrementAndGet(), "amount", 165_000, "userId", "bench"))
            .thenApply(answer -> {
              if (answer.status() != 201) {
                throw new IllegalStateException("charge answered " + answer.status());
              }
              return answer;
            }));
    return new Ceiling("sandbox-pg", "requests/s", rate, String.format("POST /v1/charges with"
        + " fresh idempotency keys, %d callers", HTTP_CONCURRENCY));
  }

}
