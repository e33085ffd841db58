package dev.soldout.topology.ledger;

import dev.soldout.events.SeatCommand;
import dev.soldout.events.SeatDecision;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.StoreNames;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Applies seat commands in order per seat; answers claims keyed by paymentTxId. */
public class SeatLedgerProcessor implements Processor<String, SeatCommand, String, SeatDecision> {
  private ProcessorContext<String, SeatDecision> context;
  private KeyValueStore<String, SeatClaim> ledger;

  @Override
  public void init(ProcessorContext<String, SeatDecision> context) {
    this.context = context;
    this.ledger = context.getStateStore(StoreNames.SEAT_LEDGER);
  }

  @Override
  public void process(Record<String, SeatCommand> record) {
    SeatCommand command = record.value();
    var outcome = SeatLedger.apply(ledger.get(record.key()), command,
        Instant.ofEpochMilli(context.currentSystemTimeMs()));
    if (outcome.next() != null) {
      ledger.put(record.key(), outcome.next());
    }
    if (outcome.decision() != null) {
      context.forward(record.withKey(command.paymentTxId()).withValue(outcome.decision()));
    }
  }
}
