package io.groupbuy.order;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.platform.SnapshotSpacing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An order ledger: one persistent entity running the sagas of many orders, so that the events of
 * all orders that change while one write is in flight share the next write (group commit). A ledger
 * is chosen by a hash of the order id ({@link #ledgerOf}); there is a fixed number of them.
 *
 * <p>Its state holds the live orders only. A settled order that stays idle is written to the order
 * table ({@link OrderArchive}) and then leaves the ledger by an event; a later command for it (a
 * retried placement, a delivery update) finds it there, and one that changes it brings it back by
 * an event carrying the archived state. So the snapshot stays small however many orders a day
 * takes, and a placement is idempotent for as long as the table keeps the order, not only while the
 * ledger remembers it. This file holds the ledger's protocol, events and state; {@link
 * LedgerBehavior} is the entity.
 */
public final class OrderLedger {
  private OrderLedger() {}

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "OrderLedger");

  /** The ledger that runs the order: stable for the life of the data, like the ledger count. */
  public static String ledgerOf(String orderId, int ledgers) {
    return Integer.toString(Math.floorMod(orderId.hashCode(), ledgers));
  }

  /**
   * How the ledgers run: how many there are (fixed once orders exist), how long a settled order
   * stays idle before it is archived (and how old its key must be, see {@link KeyTime}), how much
   * the nodes' clocks may differ, and how many events between snapshots.
   */
  public record Settings(
      int ledgers,
      Duration archiveWhenSettledAfter,
      Duration archiveFlushEvery,
      Duration clockMargin,
      int snapshotEvery,
      int snapshotOrdersPerEvent,
      int snapshotEveryMax) {
    public Settings(
        int ledgers,
        Duration archiveWhenSettledAfter,
        Duration archiveFlushEvery,
        int snapshotEvery) {
      this(
          ledgers,
          archiveWhenSettledAfter,
          archiveFlushEvery,
          Duration.ofSeconds(5),
          snapshotEvery,
          1,
          Math.max(snapshotEvery, 20_000));
    }

    /** A new ledger incarnation's snapshot rule. */
    SnapshotSpacing snapshotSpacing() {
      return new SnapshotSpacing(snapshotEvery, snapshotOrdersPerEvent, snapshotEveryMax);
    }

    /**
     * A ledger's first archive flush, one period after its start plus its share of the period: the
     * ledgers that start together still flush one after another, not all in the same instant.
     */
    public Duration firstArchiveFlush(String ledgerId) {
      int index;
      try {
        index = Integer.parseInt(ledgerId);
      } catch (NumberFormatException notANumber) {
        index = ledgerId.hashCode();
      }
      long period = archiveFlushEvery.toMillis();
      return Duration.ofMillis(period + period * Math.floorMod(index, ledgers) / ledgers);
    }

    public Settings {
      if (clockMargin.isNegative())
        throw new IllegalArgumentException("groupbuy.order.clock-margin must be >= 0");
      if (ledgers < 1) throw new IllegalArgumentException("groupbuy.order.ledgers must be >= 1");
      if (snapshotEvery < 1 || snapshotOrdersPerEvent < 1 || snapshotEveryMax < snapshotEvery)
        throw new IllegalArgumentException(
            "groupbuy.order: snapshot-every and snapshot-orders-per-event must be >= 1,"
                + " snapshot-every-max >= snapshot-every");
      if (archiveFlushEvery.isNegative() || archiveFlushEvery.isZero())
        throw new IllegalArgumentException("groupbuy.order.archive-flush-every must be > 0");
    }

    public static Settings fromConfig(com.typesafe.config.Config order) {
      return new Settings(
          order.getInt("ledgers"),
          order.getDuration("archive-when-settled-after"),
          order.getDuration("archive-flush-every"),
          order.getDuration("clock-margin"),
          order.getInt("snapshot-every"),
          order.getInt("snapshot-orders-per-event"),
          order.getInt("snapshot-every-max"));
    }
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /**
   * A command for one order of the ledger. The order's command is one of several types, so its
   * class is written beside it (only order commands fit the field).
   */
  public record ToOrder(
      String orderId, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Order.Command command)
      implements Command {}

  /** From the front: commands to decide together and persist in one write. */
  record Batch(List<Command> commands, long number, ActorRef<Command> front)
      implements Command, NoSerializationVerificationNeeded {}

  record BatchWritten(long number) implements Command {}

  /** Internal, the ledger's timer: write the settled orders waiting for the order table. */
  record FlushArchive() implements Command, NoSerializationVerificationNeeded {}

  /** Internal, from the ledger to its front: it has recovered (started, or restarted). */
  record Recovered() implements Command, NoSerializationVerificationNeeded {}

  /** Internal: what the order table holds for an order the ledger does not ({@code null}: none). */
  record LookedUp(String orderId, Order.State found, boolean failed)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * Internal: the orders of one flush were (or failed to be) written to the order table, each as
   * its state in {@code written}. One message for the whole flush, so that archiving thousands of
   * orders after an outage cannot fill the ledger's front.
   */
  record ArchiveWritten(Map<String, Order.State> written, boolean ok)
      implements Command, NoSerializationVerificationNeeded {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  /**
   * One order's event; on the events that change its status, for the read side, {@code details},
   * {@code totalFen} and {@code discountFen} (the order's total and discount after it), else {@code
   * null} and 0.
   */
  public record Entry(
      String orderId, Order.Event event, Order.Details details, Long totalFen, long discountFen)
      implements Event {
    public Entry(String orderId, Order.Event event, Order.Details details) {
      this(orderId, event, details, null, 0);
    }

    public Entry(String orderId, Order.Event event, Order.Details details, Long totalFen) {
      this(orderId, event, details, totalFen, 0);
    }

    static Entry of(String orderId, Order.Event event, Order.State after) {
      return changesStatus(event)
          ? new Entry(orderId, event, after.details(), after.totalFen(), after.discountFen())
          : new Entry(orderId, event, null, null, 0);
    }

    static boolean changesStatus(Order.Event e) {
      return e instanceof Order.OrderConfirmed
          || e instanceof Order.OrderRejected
          || e instanceof Order.CancellationRequested
          || e instanceof Order.OrderCancelled
          || e instanceof Order.DeliveryUpdated;
    }
  }

  /** Orders written to the order table together, leaving the ledger's state. */
  public record OrdersArchived(List<String> orderIds) implements Event {
    public OrdersArchived {
      orderIds = List.copyOf(orderIds);
    }
  }

  public record OrderRestored(String orderId, Order.State state) implements Event {}

  /** The live orders, in a persistent map: a snapshot is taken of it while the ledger goes on. */
  public static final class State implements ProtoPersisted {
    public static final State EMPTY = new State(HashMap$.MODULE$.empty());

    private final HashMap<String, Order.State> orders;

    private State(HashMap<String, Order.State> orders) {
      this.orders = orders;
    }

    public static State of(Map<String, Order.State> orders) {
      HashMap<String, Order.State> m = HashMap$.MODULE$.empty();
      for (var e : orders.entrySet()) m = m.updated(e.getKey(), e.getValue());
      return new State(m);
    }

    /** The live order, or {@code null}. */
    public Order.State order(String orderId) {
      return orders.get(orderId).getOrElse(() -> null);
    }

    public int size() {
      return orders.size();
    }

    /** A read-only view. */
    public Map<String, Order.State> orders() {
      return CollectionConverters.asJava(orders);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State other && orders.equals(other.orders);
    }

    @Override
    public int hashCode() {
      return orders.hashCode();
    }

    @Override
    public String toString() {
      return "OrderLedger.State(" + orders.size() + " live orders)";
    }

    /** The order's state after its entry, when the caller has it already. */
    State withOrder(String orderId, Order.State order) {
      return new State(orders.updated(orderId, order));
    }

    State apply(Event event) {
      if (event instanceof Entry e) {
        Order.State before = order(e.orderId());
        return withOrder(
            e.orderId(), (before == null ? Order.State.EMPTY : before).apply(e.event()));
      } else if (event instanceof OrdersArchived e) {
        HashMap<String, Order.State> left = orders;
        for (String orderId : e.orderIds()) left = left.removed(orderId);
        return new State(left);
      } else if (event instanceof OrderRestored e) {
        return new State(orders.updated(e.orderId(), e.state()));
      }
      throw new IllegalArgumentException("unknown ledger event " + event);
    }
  }

  /**
   * Ledgers are remembered entities: after a crash or a stop of the whole cluster, every ledger
   * restarts and its recovery resumes the sagas of its unfinished orders, addressed or not.
   */
  public static void init(
      ActorSystem<?> system,
      Settings settings,
      Order.InventoryGateway inventory,
      Order.DispatchGateway dispatch,
      Order.CouponGateway coupons,
      OrderArchive archive,
      GroupCommitFront.Settings batch,
      IntConsumer batchSizes) {
    OrderSaga.Gateways gateways = new OrderSaga.Gateways(inventory, dispatch, coupons);
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    ctx ->
                        withFront(
                            ctx.getEntityId(), settings, gateways, archive, batch, batchSizes))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** One ledger behind its group-commit front (sharding uses this; tests spawn it directly). */
  public static Behavior<Command> withFront(
      String ledgerId,
      Settings settings,
      Order.InventoryGateway inventory,
      Order.DispatchGateway dispatch,
      OrderArchive archive,
      GroupCommitFront.Settings batch,
      IntConsumer batchSizes) {
    return withFront(
        ledgerId,
        settings,
        new OrderSaga.Gateways(inventory, dispatch, Order.CouponGateway.NONE),
        archive,
        batch,
        batchSizes);
  }

  static Behavior<Command> withFront(
      String ledgerId,
      Settings settings,
      OrderSaga.Gateways gateways,
      OrderArchive archive,
      GroupCommitFront.Settings batch,
      IntConsumer batchSizes) {
    return GroupCommitFront.create(
        Command.class,
        "order ledger " + ledgerId,
        front -> LedgerBehavior.create(ledgerId, front, settings, gateways, archive),
        new LedgerFront(),
        batch,
        batchSizes);
  }
}
