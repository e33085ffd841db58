package dev.soldout.app;

import dev.soldout.dlq.DeadLetterRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The runbook's checks (consistency, duplicates, the DLQ) for callers outside this package, such
 * as the chaos suite: the very commands an operator runs, against endpoints given as settings.
 */
public final class OpsChecks {
  /** A command's exit code and everything it printed. */
  public record Outcome(int exit, String output) {
    public boolean clean() {
      return exit == 0;
    }
  }

  private final Settings settings;

  /** @param env the deployment's configuration, as environment variables */
  public OpsChecks(Map<String, String> env) {
    this.settings = Settings.fromLayers(Map.of(), env);
  }

  /** {@code ./soldout consistency}: KTable vs projection vs ledger vs seat_sales vs Redis. */
  public Outcome consistency() {
    return capture(out -> ConsistencyCommand.run(settings, new String[0], out));
  }

  /** {@code ./soldout duplicates}: double sales and money kept for nothing. */
  public Outcome duplicates() {
    return capture(out -> DuplicatesCommand.run(settings, new String[0], out));
  }

  /** Every committed record of payment.dlq. */
  public List<DeadLetterRecord> deadLetters() {
    String dlq = settings.topicPrefix() + "payment.dlq";
    return DlqCommand.read(settings.kafkaBootstrapServers(), dlq).stream()
        .map(DlqCommand.Entry::record).toList();
  }

  private interface Command {
    int run(PrintStream out);
  }

  private static Outcome capture(Command command) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = command.run(out);
    }
    return new Outcome(exit, bytes.toString(StandardCharsets.UTF_8));
  }
}
