package io.groupbuy.orderview;

import io.groupbuy.order.OrderLedger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Keeps the order read models up to date: one projection per order ledger, spread over the cluster
 * as a sharded daemon process, each reading its ledger's events in runs and writing what the run
 * changed ({@link ViewChanges}). Offsets are stored in Cassandra after each run (at least once: a
 * run replayed after a crash rewrites the same rows).
 */
public final class OrderViewProjection {
  private OrderViewProjection() {}

  public static final String NAME = "order-views";

  /** How runs are cut: at most this many events, or what came within this time. */
  public record Settings(int runEvents, Duration runWithin) {
    public static Settings fromConfig(com.typesafe.config.Config c) {
      return new Settings(c.getInt("run-events"), c.getDuration("run-within"));
    }
  }

  /**
   * Starts the projections; {@code lag} hears, per ledger, how old the newest event of each run was
   * when its rows were written.
   */
  public static void init(
      ActorSystem<?> system,
      int ledgers,
      OrderViewStore store,
      Settings settings,
      BiConsumer<String, Double> lag) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            ledgers,
            i -> {
              String ledgerId = Integer.toString(i);
              return ProjectionBehavior.create(
                  CassandraProjection.groupedWithin(
                          ProjectionId.of(NAME, ledgerId),
                          new LedgerEvents(journal, persistenceId(ledgerId)),
                          () -> new RunHandler(store, ledgerId, lag))
                      .withGroup(settings.runEvents(), settings.runWithin()));
            },
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static String persistenceId(String ledgerId) {
    return OrderLedger.ENTITY_KEY.name() + "|" + ledgerId;
  }

  private static final class RunHandler extends Handler<List<EventEnvelope>> {
    private final OrderViewStore store;
    private final String ledgerId;
    private final BiConsumer<String, Double> lag;

    RunHandler(OrderViewStore store, String ledgerId, BiConsumer<String, Double> lag) {
      this.store = store;
      this.ledgerId = ledgerId;
      this.lag = lag;
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope> run) {
      List<OrderLedger.Event> events =
          run.stream()
              .map(EventEnvelope::event)
              .filter(OrderLedger.Event.class::isInstance)
              .map(OrderLedger.Event.class::cast)
              .toList();
      long newest =
          run.isEmpty() ? System.currentTimeMillis() : run.get(run.size() - 1).timestamp();
      return store
          .write(ViewChanges.of(events))
          .thenApply(
              done -> {
                lag.accept(ledgerId, Math.max(0, System.currentTimeMillis() - newest) / 1000.0);
                return done;
              });
    }
  }
}
