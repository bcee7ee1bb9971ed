package io.groupbuy.orderview;

import io.groupbuy.order.Order;
import io.groupbuy.order.OrderLedger;
import io.groupbuy.session.UserFeatures;
import io.groupbuy.session.UserSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Feeds each confirmed order to its customer's {@link UserSession}, so that the live features
 * (recency, frequency, spend, rebuys, discounts) and the segment follow what users buy: one
 * projection per order ledger, like the order views, at least once (a session records an order
 * once, however often it is fed).
 */
public final class SessionOrderFeed {
  private SessionOrderFeed() {}

  public static final String NAME = "session-orders";

  /**
   * Starts the projections; {@code categoryOf}: a SKU's category, empty if unknown or none. {@code
   * runs} as for the order views.
   */
  public static void init(
      ActorSystem<?> system,
      int ledgers,
      OrderViewProjection.Settings runs,
      Function<String, CompletionStage<Optional<String>>> categoryOf,
      Duration timeout) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    ClusterSharding sharding = ClusterSharding.get(system);
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
                          new LedgerEvents(journal, OrderViewProjection.persistenceId(ledgerId)),
                          () -> new RunHandler(sharding, categoryOf, timeout))
                      .withGroup(runs.runEvents(), runs.runWithin()));
            },
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** A confirmed order as its customer's session learns it. */
  record Confirmed(
      String customerId,
      String orderId,
      long tsMs,
      List<Order.Line> lines,
      long totalFen,
      long discountFen) {}

  /** The confirmed orders among a ledger's events, with the time each was written. */
  static List<Confirmed> confirmed(List<EventEnvelope> run) {
    List<Confirmed> out = new ArrayList<>();
    for (EventEnvelope envelope : run) {
      if (envelope.event() instanceof OrderLedger.Entry e
          && e.event() instanceof Order.OrderConfirmed
          && e.details() != null) {
        out.add(
            new Confirmed(
                e.details().customerId(),
                e.orderId(),
                envelope.timestamp(),
                e.details().lines(),
                e.totalFen() == null ? 0 : e.totalFen(),
                e.discountFen()));
      }
    }
    return out;
  }

  private static final class RunHandler extends Handler<List<EventEnvelope>> {
    private final ClusterSharding sharding;
    private final Function<String, CompletionStage<Optional<String>>> categoryOf;
    private final Duration timeout;

    RunHandler(
        ClusterSharding sharding,
        Function<String, CompletionStage<Optional<String>>> categoryOf,
        Duration timeout) {
      this.sharding = sharding;
      this.categoryOf = categoryOf;
      this.timeout = timeout;
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope> run) {
      List<CompletableFuture<?>> fed = new ArrayList<>();
      for (Confirmed c : confirmed(run)) fed.add(feed(c).toCompletableFuture());
      return CompletableFuture.allOf(fed.toArray(CompletableFuture[]::new))
          .thenApply(done -> Done.getInstance());
    }

    private CompletionStage<UserSession.Recorded> feed(Confirmed c) {
      List<CompletableFuture<UserFeatures.OrderLine>> lines = new ArrayList<>();
      for (Order.Line l : c.lines()) {
        lines.add(
            categoryOf
                .apply(l.sku())
                .thenApply(
                    category ->
                        new UserFeatures.OrderLine(l.sku(), category.orElse(null), l.quantity(), 0))
                .toCompletableFuture());
      }
      return CompletableFuture.allOf(lines.toArray(CompletableFuture[]::new))
          .thenCompose(
              done ->
                  sharding
                      .entityRefFor(UserSession.ENTITY_KEY, c.customerId())
                      .askWithStatus(
                          reply ->
                              new UserSession.RecordOrder(
                                  c.orderId(),
                                  c.tsMs(),
                                  lines.stream().map(CompletableFuture::join).toList(),
                                  c.totalFen() + c.discountFen(),
                                  c.discountFen(),
                                  reply),
                          timeout));
    }
  }
}
