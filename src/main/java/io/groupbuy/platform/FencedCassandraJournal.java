package io.groupbuy.platform;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.cassandra.journal.CassandraJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The Cassandra journal, refusing every write while this node does not hold the {@link
 * JournalFence}: the one place every event of every entity passes, so no entity of a second cluster
 * (or of a node its cluster has given up on) can write, whatever path its command took. A refused
 * write fails the entity's persist, which stops the entity; its caller sees a timeout or an error
 * and retries. Replays and reads are not fenced.
 */
public class FencedCassandraJournal extends CassandraJournal {
  private final JournalFence fence;

  public FencedCassandraJournal(Config cfg, String cfgPath) {
    super(cfg, cfgPath);
    this.fence = JournalFence.get(context().system());
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    var refusal = fence.refusal();
    if (refusal.isPresent()) {
      return scala.concurrent.Future$.MODULE$.failed(
          new FenceNotHeldException(refusal.get().reason()));
    }
    return super.asyncWriteMessages(messages);
  }

  /** A write refused because this node may not write to the journal now. */
  public static final class FenceNotHeldException extends RuntimeException {
    public FenceNotHeldException(String reason) {
      super("journal write refused: " + reason, null, false, false);
    }
  }
}
