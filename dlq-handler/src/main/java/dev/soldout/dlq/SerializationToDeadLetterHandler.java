package dev.soldout.dlq;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The default production handler, except that a record which cannot be serialized goes to the
 * DLQ and processing continues. Broker-side send errors still fail the task: under exactly-once
 * they abort the transaction, and the records are reprocessed, so nothing is lost.
 */
public class SerializationToDeadLetterHandler extends DefaultProductionExceptionHandler {
  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
      Exception exception, SerializationExceptionOrigin origin) {
    return Response.resume(
        super.handleSerializationError(context, record, exception, origin)
            .deadLetterQueueRecords());
  }
}
