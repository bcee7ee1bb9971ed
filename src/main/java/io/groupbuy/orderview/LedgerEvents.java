package io.groupbuy.orderview;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The events of one order ledger, live, from the sequence number after the stored offset. A ledger
 * is one persistence id, so reading by id needs no tags: the journal writes no tag rows for it.
 */
final class LedgerEvents extends SourceProvider<Long, EventEnvelope> {
  private final CassandraReadJournal journal;
  private final String persistenceId;

  LedgerEvents(CassandraReadJournal journal, String persistenceId) {
    this.journal = journal;
    this.persistenceId = persistenceId;
  }

  @Override
  public CompletionStage<Source<EventEnvelope, NotUsed>> source(
      Supplier<CompletionStage<Optional<Long>>> offset) {
    return offset
        .get()
        .thenApply(
            stored ->
                journal.eventsByPersistenceId(
                    persistenceId, stored.map(seqNr -> seqNr + 1).orElse(0L), Long.MAX_VALUE));
  }

  @Override
  public Long extractOffset(EventEnvelope envelope) {
    return envelope.sequenceNr();
  }

  @Override
  public long extractCreationTime(EventEnvelope envelope) {
    return envelope.timestamp();
  }
}
