package dev.soldout.seats.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.follow.TopicFollower;
import dev.soldout.seats.db.Databases;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The projection as the node runs it: a TopicFollower on payment.tx-state (2 partitions of the
 * tests' broker) writing to a fresh PostgreSQL schema. States are produced with a plain producer,
 * so the test chooses their order, including orders the topology never writes.
 */
class PaymentProjectionTest {
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static String kafka;
  private static Topics topics;
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static KafkaProducer<String, TxState> producer;
  private static PaymentProjection projection;
  private static TopicFollower<TxState> follower;
  private static final String GROUP = "projection-" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    kafka = TestServices.kafkaBootstrap();
    topics = Topics.withPrefix("proj-" + UUID.randomUUID() + ".");
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topics.txState().name(), 2, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
    Database db = TestServices.freshSchema();
    pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 4);
    Databases.migrate(pool);
    jdbi = Databases.jdbi(pool);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ProducerConfig.ACKS_CONFIG, "all"), topics.txState().keySerde().serializer(),
        topics.txState().valueSerde().serializer());
    projection = new PaymentProjection(jdbi);
    follower = new TopicFollower<>(kafka, GROUP, topics.txState(), projection,
        Duration.ofMillis(200), KafkaClientListener.NONE).start();
  }

  @AfterAll
  static void stop() {
    follower.close();
    producer.close();
    pool.close();
  }

  @Test
  void replaying_the_whole_topic_in_a_new_group_changes_nothing() throws Exception {
    String sold = "tx-" + UUID.randomUUID();
    String failed = "tx-" + UUID.randomUUID();
    send(state(sold, TxStatus.PENDING, "R-1", 1), state(sold, TxStatus.SUCCESS, "R-1", 2),
        state(failed, TxStatus.PENDING, "R-2", 1), state(failed, TxStatus.FAILED, "R-2", 2),
        state(failed, TxStatus.CANCELLED, "R-2", 3));
    awaitCaughtUp(GROUP);
    assertThat(row(sold)).isEqualTo("SUCCESS v2 CONFIRMED v2");
    assertThat(row(failed)).isEqualTo("CANCELLED v3 CANCELLED v3");
    String before = snapshot();

    PaymentProjection again = new PaymentProjection(jdbi);
    String replay = "replay-" + UUID.randomUUID();
    try (var second = new TopicFollower<>(kafka, replay, topics.txState(), again,
        Duration.ofMillis(200), KafkaClientListener.NONE).start()) {
      awaitCaughtUp(replay);
    }

    assertThat(snapshot()).isEqualTo(before);
    assertThat(again.refusedCount()).isZero();
  }

  @Test
  void an_older_version_arriving_late_never_overwrites_a_newer_one() throws Exception {
    String tx = "tx-" + UUID.randomUUID();
    // Same key, so same partition: the follower sees them in exactly this order.
    send(state(tx, TxStatus.SUCCESS, "O-1", 3), state(tx, TxStatus.PENDING, "O-1", 2));
    awaitCaughtUp(GROUP);
    send(state(tx, TxStatus.PENDING, "O-1", 1));
    awaitCaughtUp(GROUP);

    assertThat(row(tx)).isEqualTo("SUCCESS v3 CONFIRMED v3");
  }

  @Test
  void a_second_confirmation_of_one_seat_is_refused_recorded_and_counted_once() throws Exception {
    String first = "tx-" + UUID.randomUUID();
    String second = "tx-" + UUID.randomUUID();
    long refusedBefore = projection.refusedCount();
    send(state(first, TxStatus.SUCCESS, "D-1", 2), state(second, TxStatus.SUCCESS, "D-1", 2));
    awaitCaughtUp(GROUP);

    // Both payments are on the books (the money moved); only one reservation is CONFIRMED.
    assertThat(count("SELECT count(*) FROM payment_transactions WHERE seat_id = 'D-1'"
        + " AND status = 'SUCCESS'")).isEqualTo(2);
    List<String> confirmed = jdbi.withHandle(h -> h.createQuery("SELECT payment_tx_id FROM"
        + " reservations WHERE seat_id = 'D-1' AND status = 'CONFIRMED'").mapTo(String.class)
        .list());
    assertThat(confirmed).hasSize(1).containsAnyOf(first, second);
    List<String> conflicts = jdbi.withHandle(h -> h.createQuery(
        "SELECT payment_tx_id || ' lost to ' || confirmed_tx_id FROM reservation_conflicts"
            + " WHERE seat_id = 'D-1'").mapTo(String.class).list());
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.get(0)).isIn(first + " lost to " + second,
        second + " lost to " + first);
    assertThat(projection.refusedCount()).isEqualTo(refusedBefore + 1);

    // Replayed, the refusal is neither stored nor counted again.
    send(state(second, TxStatus.SUCCESS, "D-1", 2), state(first, TxStatus.SUCCESS, "D-1", 2));
    awaitCaughtUp(GROUP);
    assertThat(count("SELECT count(*) FROM reservation_conflicts WHERE seat_id = 'D-1'"))
        .isEqualTo(1);
    assertThat(projection.refusedCount()).isEqualTo(refusedBefore + 1);
  }

  @Test
  void the_unique_index_itself_refuses_two_confirmed_reservations_of_a_seat() {
    // The guard in the upsert can be raced by a second writer; the index cannot.
    jdbi.useHandle(h -> h.execute("INSERT INTO reservations VALUES"
        + " ('x-1', 'perf', 'U-1', 'u', 'CONFIRMED', 1, now())"));
    assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute(
            "INSERT INTO reservations VALUES ('x-2', 'perf', 'U-1', 'u', 'CONFIRMED', 1, now())")))
        .hasMessageContaining("reservations_one_confirmed_per_seat");
  }

  // ---- helpers ----

  private static TxState state(String tx, TxStatus status, String seat, long version) {
    Instant at = T0.plusSeconds(version);
    boolean charged = status == TxStatus.SUCCESS;
    return new TxState(tx, status, "hold-" + tx, "perf-1", seat, "fan-" + tx, 165_000, 7,
        (int) Math.min(version, 3), null, charged ? "ch_" + tx : null, null, null, true, charged,
        T0, at, version);
  }

  private static void send(TxState... states) throws Exception {
    for (TxState s : states) {
      producer.send(new ProducerRecord<>(topics.txState().name(), s.paymentTxId(), s))
          .get(10, TimeUnit.SECONDS);
    }
  }

  /** Until the group has committed every offset of the topic as it is now. */
  private static void awaitCaughtUp(String group) throws Exception {
    try (Admin admin = admin()) {
      var partitions = admin.describeTopics(List.of(topics.txState().name())).allTopicNames()
          .get(10, TimeUnit.SECONDS).get(topics.txState().name()).partitions().stream()
          .map(p -> new TopicPartition(topics.txState().name(), p.partition()))
          .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      var end = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
      await("group " + group + " caught up").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
            return end.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                || committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue().offset());
          });
    }
  }

  private static String row(String tx) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT t.status || ' v' || t.version || ' ' || r.status || ' v' || r.version
            FROM payment_transactions t JOIN reservations r USING (payment_tx_id)
            WHERE payment_tx_id = :tx""").bind("tx", tx).mapTo(String.class).one());
  }

  private static long count(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private static String snapshot() {
    return jdbi.withHandle(h -> String.join("\n", h.createQuery("""
            SELECT t.payment_tx_id || ' ' || t.status || ' ' || t.version || ' ' || t.attempts
                || ' ' || coalesce(t.pg_charge_id, '-') || ' ' || t.updated_at || ' '
                || coalesce(r.status, '-') || ' ' || coalesce(r.version, -1)
            FROM payment_transactions t LEFT JOIN reservations r USING (payment_tx_id)
            ORDER BY 1""").mapTo(String.class).list()))
        + "\nconflicts " + count("SELECT count(*) FROM reservation_conflicts");
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka));
  }
}
