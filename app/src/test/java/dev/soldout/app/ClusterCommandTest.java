package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The cluster, topics and leader-election commands on a real three-node KRaft cluster: a
 * producer with acks=all and idempotence writes continuously while node 2 is SIGKILLed and
 * restarted; every acknowledged record is then read back. Runtime: about 40-60 s.
 */
class ClusterCommandTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @Test
  void killing_one_of_three_nodes_loses_no_acknowledged_record_and_writes_go_on() throws Exception {
    Path data = Files.createTempDirectory("soldout-cluster-");
    Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", data.toString(),
        "CLUSTER_BASE_PORT", Integer.toString(freePortBlock(6))));
    Settings settings = Settings.fromLayers(Map.of(), env);
    ByteArrayOutputStream ownerPrinted = new ByteArrayOutputStream();
    Thread owner = new Thread(() -> ClusterCommand.run(settings, new String[] {"start"},
        new PrintStream(ownerPrinted, true, StandardCharsets.UTF_8)), "cluster-owner");
    owner.start();
    try {
      await("cluster up").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .until(() -> run(settings, "cluster", "status") == 0);
      String bootstrap = ClusterCommand.bootstrap(settings).orElseThrow();

      // The app's topics as production has them, checked by the topics command.
      Settings app = Settings.fromLayers(Map.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
          "REPLICATION_FACTOR", "3", "MIN_INSYNC_REPLICAS", "2", "PARTITIONS", "3",
          "DATA_DIR", data.toString()));
      assertThat(run(app, "topics", "create")).as(text()).isZero();
      String topic = "payment.try";

      Set<Integer> acked = ConcurrentHashMap.newKeySet();
      AtomicLong lastAckNanos = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread writer = new Thread(() -> {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 5),
            new StringSerializer(), new StringSerializer())) {
          for (int seq = 0; producing.get(); seq++) {
            int n = seq;
            producer.send(new ProducerRecord<>(topic, "tx-" + n, Integer.toString(n)),
                (meta, error) -> {
                  if (error == null) {
                    acked.add(n);
                    lastAckNanos.set(System.nanoTime());
                  } else {
                    failures.incrementAndGet();
                  }
                });
            Thread.sleep(2);
          }
          producer.flush();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "acks-all-writer");
      writer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > 300);

      int ackedBeforeKill = acked.size();
      long killedAt = System.nanoTime();
      assertThat(run(settings, "cluster", "kill", "2")).as(text()).isZero();
      assertThat(run(settings, "cluster", "status")).as("a node is down").isEqualTo(1);
      // Writes go on with two of three replicas in sync (min.insync.replicas 2).
      await("acks after the kill").atMost(Duration.ofSeconds(30))
          .until(() -> acked.size() > ackedBeforeKill + 500 && lastAckNanos.get() > killedAt);
      out.printf("writes continued: %d acks during the outage%n", acked.size() - ackedBeforeKill);

      assertThat(run(settings, "cluster", "restart", "2")).as(text()).isZero();
      await("all in sync again").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> run(settings, "cluster", "status") == 0);
      assertThat(run(settings, "leader-election")).as(text()).isZero();
      // Brokers learn the new leaders from the controller a moment later.
      await("every partition led by its preferred replica").atMost(Duration.ofSeconds(30))
          .until(() -> {
            ByteArrayOutputStream dry = new ByteArrayOutputStream();
            return LeaderElectionCommand.run(settings, new String[] {"--dry-run"},
                new PrintStream(dry, true, StandardCharsets.UTF_8)) == 0
                && dry.toString(StandardCharsets.UTF_8).contains("0 partition(s) would move");
          });

      producing.set(false);
      writer.join(60_000);
      Set<Integer> stored = new HashSet<>();
      TopicRecords.readAll(bootstrap, topic, "read_committed").forEach(r ->
          stored.add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8))));
      Set<Integer> lost = new HashSet<>(acked);
      lost.removeAll(stored);
      assertThat(lost).as("acknowledged records missing after the kill").isEmpty();
      assertThat(failures.get()).as("sends that failed for good").isZero();
      assertThat(acked.size()).isGreaterThan(ackedBeforeKill + 500);
    } finally {
      ClusterCommand.run(settings, new String[] {"stop"}, out);
      owner.join(60_000);
      System.out.println(ownerPrinted.toString(StandardCharsets.UTF_8));
      System.out.println(printed.toString(StandardCharsets.UTF_8));
    }
    assertThat(owner.isAlive()).isFalse();
    assertThat(run(settings, "cluster", "status")).isEqualTo(1);
  }

  @Test
  void bad_usage_exits_2() {
    Settings settings = Settings.fromLayers(Map.of(), Map.of());
    assertThat(run(settings, "cluster")).isEqualTo(2);
    assertThat(run(settings, "cluster", "kill")).isEqualTo(2);
    assertThat(run(settings, "cluster", "kill", "4")).isEqualTo(2);
    assertThat(run(settings, "cluster", "--help")).isZero();
    assertThat(run(settings, "leader-election", "--all")).isEqualTo(2);
  }

  private int run(Settings settings, String command, String... args) {
    return command.equals("cluster") ? ClusterCommand.run(settings, args, out)
        : command.equals("topics") ? TopicsCommand.run(settings, args, out)
        : LeaderElectionCommand.run(settings, args, out);
  }

  private String text() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** A base port whose next {@code count} ports are all free now. */
  private static int freePortBlock(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      boolean free = true;
      for (int p = base; p < base + count && free; p++) {
        try (ServerSocket socket = new ServerSocket(p)) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no block of " + count + " free ports");
  }
}
