package dev.soldout.seats.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The queue columns of performances, with the settings' defaults for NULLs. Policies are cached
 * for a few seconds: every join, status and gated hold needs one, and an operator's change may
 * take that long to reach every instance.
 */
public class QueuePolicies {
  static final Duration CACHE_FOR = Duration.ofSeconds(3);

  /** One performance's row; NULL columns follow the defaults. */
  public record Row(String performanceId, Instant saleOpensAt, Boolean queueEnabled,
      Integer queueAdmitPerSecond, Integer queueMaxAdmitted) {}

  @RegisterConstructorMapper(Row.class)
  interface Dao {
    String COLUMNS = "SELECT performance_id, sale_opens_at, queue_enabled, queue_admit_per_second,"
        + " queue_max_admitted FROM performances";

    @SqlQuery(COLUMNS + " WHERE performance_id = :id")
    Optional<Row> row(@Bind("id") String performanceId);

    @SqlQuery(COLUMNS + " ORDER BY performance_id")
    List<Row> rows();

    @SqlUpdate("UPDATE performances SET queue_enabled = :enabled, queue_admit_per_second = :rate,"
        + " queue_max_admitted = :cap, sale_opens_at = COALESCE(:opensAt, sale_opens_at)"
        + " WHERE performance_id = :id")
    int configure(@Bind("id") String performanceId, @Bind("enabled") Boolean enabled,
        @Bind("rate") Integer admitPerSecond, @Bind("cap") Integer maxAdmitted,
        @Bind("opensAt") Instant saleOpensAt);
  }

  private record Cached(QueuePolicy policy, long loadedAtNanos) {}

  private final Jdbi jdbi;
  private final QueuePolicy.Defaults defaults;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public QueuePolicies(Jdbi jdbi, QueuePolicy.Defaults defaults) {
    this.jdbi = jdbi;
    this.defaults = defaults;
  }

  /** The policy of a performance, or empty when there is no such performance. */
  public Optional<QueuePolicy> of(String performanceId) {
    Cached cached = cache.get(performanceId);
    if (cached != null && System.nanoTime() - cached.loadedAtNanos() < CACHE_FOR.toNanos()) {
      return Optional.of(cached.policy());
    }
    // Only known performances are cached, so made-up ids cannot grow the map.
    Optional<QueuePolicy> policy = jdbi.withExtension(Dao.class, dao -> dao.row(performanceId))
        .map(this::policy);
    policy.ifPresent(p -> cache.put(performanceId, new Cached(p, System.nanoTime())));
    return policy;
  }

  /** Every performance's policy, read now (for operators). */
  public List<QueuePolicy> all() {
    return jdbi.withExtension(Dao.class, Dao::rows).stream().map(this::policy).toList();
  }

  /**
   * Sets a performance's queue columns (NULL: follow the defaults) and, if given, its sale-open
   * time; false when there is no such performance. Other instances see it within CACHE_FOR.
   */
  public boolean configure(String performanceId, Boolean enabled, Integer admitPerSecond,
      Integer maxAdmitted, Instant saleOpensAt) {
    cache.remove(performanceId);
    return jdbi.withExtension(Dao.class, dao -> dao.configure(performanceId, enabled,
        admitPerSecond, maxAdmitted, saleOpensAt)) == 1;
  }

  public QueuePolicy.Defaults defaults() {
    return defaults;
  }

  private QueuePolicy policy(Row row) {
    return new QueuePolicy(row.performanceId(),
        row.queueEnabled() != null ? row.queueEnabled() : defaults.enabled(),
        row.queueAdmitPerSecond() != null ? row.queueAdmitPerSecond() : defaults.admitPerSecond(),
        row.queueMaxAdmitted() != null ? row.queueMaxAdmitted() : defaults.maxAdmitted(),
        defaults.session(), row.saleOpensAt());
  }
}
