package dev.soldout.app;

import dev.soldout.pg.sandbox.SandboxGateway;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** The one entry point of the runnable jar: {@code soldout dev | app}. */
public final class Soldout {
  private static final String USAGE = """
      usage: ./soldout <command>
        dev   run the whole system in one process: embedded Kafka, Redis and PostgreSQL for
              every endpoint that is not configured, the sandbox PG, the topology and the API
        app   start one more instance (topology + API) against the configured endpoints, or
              against the dev stack running from this checkout
        sandbox-pg
              run only the sandbox payment gateway on SANDBOX_PG_PORT (for compose and drills)
        drill buy seats through a running system while the sandbox PG fails, then check the
              invariants: [--payments 200] [--error-rate 0.3] [--latency-ms 200]
              [--lost-response-rate 0] [--api URL] [--pg URL] [--performance ID]
        bench [--fans 20000] [--seats 5000] [--arrival-s 5] ...
              the on-sale benchmark against a running system: ceilings, rush, invariants,
              results under bench/results (see ./soldout bench --help)
        dev-tokens [--count N] [--prefix fan-]
              print "userId token" lines signed with the dev stack's secret (load tools)
        holds list|release
              list live seat holds older than a bound, or force-release them (see
              ./soldout holds --help)
        queue show|enable|disable|reset|bench
              a performance's waiting room on or off, and the queue load run (see
              ./soldout queue --help)
        topics create|verify
              create or verify every topic's partitions, RF and min.insync.replicas
        dlq list|replay
              the dead-lettered records with their reason, and their replay to the source topic
        reprocess [--older-than 5m] [--since T] [--until T] [--tx ID] [--dry-run]
              re-drive transactions stuck PENDING, or FAILED with compensation not done
        duplicates [--since T] [--refund [--dry-run]]
              duplicate payments (projection, seat ledger, PG ledger), refunded through the saga
        consistency [--repair-projection]
              KTable vs projection vs seat ledger vs seat_sales vs Redis, one line per difference
        cluster start|stop|status|kill N|restart N
              a local three-node KRaft cluster (RF 3, min ISR 2) for failover drills
        leader-election [--dry-run]
              preferred leader election for every partition
        chaos [scenario...]
              the fault suite on a local three-broker stack, with a report (chaos/results)
        Each prints its own usage with --help.
      Configuration comes from environment variables (see README.md).""";

  private Soldout() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    Settings settings = Settings.load(System.getenv());
    int exit = switch (command) {
      case "dev" -> DevCommand.run(settings, rest);
      case "app" -> AppCommand.run(settings, rest);
      case "drill" -> DrillCommand.run(rest);
      case "holds" -> HoldsCommand.run(settings, rest, System.out);
      case "bench" -> BenchCommand.run(settings, rest, System.out);
      case "dev-tokens" -> DevTokensCommand.run(settings, rest, System.out);
      case "topics" -> TopicsCommand.run(settings, rest, System.out);
      case "dlq" -> DlqCommand.run(settings, rest, System.out);
      case "reprocess" -> ReprocessCommand.run(settings, rest, System.out);
      case "duplicates" -> DuplicatesCommand.run(settings, rest, System.out);
      case "consistency" -> ConsistencyCommand.run(settings, rest, System.out);
      case "cluster" -> ClusterCommand.run(settings, rest, System.out);
      case "leader-election" -> LeaderElectionCommand.run(settings, rest, System.out);
      case "queue" -> QueueCommand.run(settings, rest, System.out);
      case "chaos" -> ChaosCommand.run(rest, System.out);
      case "sandbox-pg" -> {
        SandboxGateway.start(settings.sandboxPgPort());
        System.out.println("sandbox PG on :" + settings.sandboxPgPort());
        new CountDownLatch(1).await();
        yield 0;
      }
      case "help", "--help", "-h" -> {
        System.out.println(USAGE);
        yield 0;
      }
      default -> {
        System.err.println("unknown command: " + command);
        System.err.println(USAGE);
        yield 2;
      }
    };
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
