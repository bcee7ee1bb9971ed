package io.groupbuy.inventory;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.pcollections.OrderedPMap;
import org.pcollections.OrderedPSet;

/**
 * Stock of one SKU in one warehouse; entity id {@code sku@warehouse}.
 *
 * <p>Lifecycle: stock is received (idempotent per receipt id), reserved by orders, then either
 * released (cancellation or rejection) or committed (handed to delivery). Invariant: {@code
 * available = onHand - reserved >= 0} at all times, so the SKU is never oversold, whatever the
 * concurrency or retries: every command is processed one at a time by this entity and every
 * reservation is checked against what is left. Reserve, release and commit are idempotent per order
 * id; a reservation attempt after its order's release is refused, so a delayed retry can never hold
 * stock for a dead order. When projected stock (available plus the open replenishment) falls under
 * the reorder point, one {@link ReplenishmentRequested} is emitted; at most one is open until stock
 * is received.
 */
public final class ProductInventory
    extends EventSourcedBehaviorWithEnforcedReplies<
        ProductInventory.Command, ProductInventory.Event, ProductInventory.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ProductInventory");

  /**
   * How many receipt and order ids are remembered for idempotency; older ones are forgotten first.
   */
  static final int ID_MEMORY = 2000;

  public static String entityId(String sku, String warehouseId) {
    return sku + "@" + warehouseId;
  }

  // ---- commands: each names its reply ----
  public sealed interface Command extends CborSerializable {}

  /**
   * Adds stock; replies with the new {@link Stock}. A repeated receipt id has no further effect.
   */
  public record ReceiveStock(String receiptId, int quantity, ActorRef<StatusReply<Stock>> replyTo)
      implements Command {}

  /** Holds stock for an order; replies with {@link Stock} or an error "sold out". */
  public record Reserve(String orderId, int quantity, ActorRef<StatusReply<Stock>> replyTo)
      implements Command {}

  /** Returns an order's reservation to available stock; replies with {@link Stock}. */
  public record Release(String orderId, ActorRef<StatusReply<Stock>> replyTo) implements Command {}

  /**
   * Turns an order's reservation into a sale that leaves the warehouse; replies with {@link Stock}.
   */
  public record Commit(String orderId, ActorRef<StatusReply<Stock>> replyTo) implements Command {}

  /** Sets min/max stock and the reorder point; replies with {@link Stock}. */
  public record SetBounds(
      int minStock, int maxStock, int reorderPoint, ActorRef<StatusReply<Stock>> replyTo)
      implements Command {}

  /** Replies with the current {@link Stock}. */
  public record GetStock(ActorRef<Stock> replyTo) implements Command {}

  // ---- replies ----
  public record Stock(
      String sku,
      String warehouseId,
      int onHand,
      int available,
      int reserved,
      long committed,
      long received,
      int minStock,
      int maxStock,
      int reorderPoint,
      int replenishmentOpen)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  public record StockReceived(String receiptId, int quantity) implements Event {}

  public record StockReserved(String orderId, int quantity) implements Event {}

  public record ReservationReleased(String orderId, int quantity) implements Event {}

  public record ReservationCommitted(String orderId, int quantity) implements Event {}

  public record BoundsSet(int minStock, int maxStock, int reorderPoint) implements Event {}

  public record ReplenishmentRequested(String requestId, int quantity, int projectedAvailable)
      implements Event {}

  public record Bounds(int minStock, int maxStock, int reorderPoint) {
    static final Bounds NONE = new Bounds(0, 0, 0);
  }

  /**
   * Immutable state on persistent collections, so an event costs O(log n) however many reservations
   * are open. {@code reservedTotal} is the sum of {@code reserved}, kept with it. {@code receipts}
   * and {@code closedOrders} are bounded memories of settled ids in insertion order, oldest dropped
   * first; {@code closedOrders} maps an order id to its outcome, "released" or "committed".
   */
  public record State(
      long received,
      long committedTotal,
      Map<String, Integer> reserved,
      int reservedTotal,
      Map<String, String> closedOrders,
      Set<String> receipts,
      Bounds bounds,
      String openReplenishmentId,
      int openReplenishmentQuantity,
      long replenishmentCounter)
      implements ProtoPersisted {
    public static final State EMPTY = of(0, 0, Map.of(), Map.of(), Set.of(), Bounds.NONE, "", 0, 0);

    public State {
      reserved =
          reserved instanceof OrderedPMap<String, Integer> p ? p : OrderedPMap.from(reserved);
      closedOrders =
          closedOrders instanceof OrderedPMap<String, String> p
              ? p
              : OrderedPMap.from(closedOrders);
      receipts = receipts instanceof OrderedPSet<String> p ? p : OrderedPSet.from(receipts);
    }

    /** A state from its collections (snapshots, tests): computes the reserved total. */
    public static State of(
        long received,
        long committedTotal,
        Map<String, Integer> reserved,
        Map<String, String> closedOrders,
        Set<String> receipts,
        Bounds bounds,
        String openReplenishmentId,
        int openReplenishmentQuantity,
        long replenishmentCounter) {
      int total = reserved.values().stream().mapToInt(Integer::intValue).sum();
      return new State(
          received,
          committedTotal,
          reserved,
          total,
          closedOrders,
          receipts,
          bounds,
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter);
    }

    public int onHand() {
      return (int) (received - committedTotal);
    }

    public int available() {
      return onHand() - reservedTotal;
    }

    State apply(Event event) {
      if (event instanceof StockReceived e) {
        return new State(
            received + e.quantity(),
            committedTotal,
            reserved,
            reservedTotal,
            closedOrders,
            remember(receipts, e.receiptId()),
            bounds,
            "",
            0,
            replenishmentCounter);
      } else if (event instanceof StockReserved e) {
        Integer before = reserved.get(e.orderId());
        return new State(
            received,
            committedTotal,
            pmap(reserved).plus(e.orderId(), e.quantity()),
            reservedTotal - (before == null ? 0 : before) + e.quantity(),
            closedOrders,
            receipts,
            bounds,
            openReplenishmentId,
            openReplenishmentQuantity,
            replenishmentCounter);
      } else if (event instanceof ReservationReleased e) {
        return new State(
            received,
            committedTotal,
            pmap(reserved).minus(e.orderId()),
            reservedTotal - reserved.getOrDefault(e.orderId(), 0),
            close(closedOrders, e.orderId(), "released"),
            receipts,
            bounds,
            openReplenishmentId,
            openReplenishmentQuantity,
            replenishmentCounter);
      } else if (event instanceof ReservationCommitted e) {
        return new State(
            received,
            committedTotal + e.quantity(),
            pmap(reserved).minus(e.orderId()),
            reservedTotal - reserved.getOrDefault(e.orderId(), 0),
            close(closedOrders, e.orderId(), "committed"),
            receipts,
            bounds,
            openReplenishmentId,
            openReplenishmentQuantity,
            replenishmentCounter);
      } else if (event instanceof BoundsSet e) {
        return new State(
            received,
            committedTotal,
            reserved,
            reservedTotal,
            closedOrders,
            receipts,
            new Bounds(e.minStock(), e.maxStock(), e.reorderPoint()),
            openReplenishmentId,
            openReplenishmentQuantity,
            replenishmentCounter);
      } else if (event instanceof ReplenishmentRequested e) {
        return new State(
            received,
            committedTotal,
            reserved,
            reservedTotal,
            closedOrders,
            receipts,
            bounds,
            e.requestId(),
            e.quantity(),
            replenishmentCounter + 1);
      }
      throw new IllegalArgumentException("unknown event " + event);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> OrderedPMap<K, V> pmap(Map<K, V> m) {
      return (OrderedPMap<K, V>) m; // the compact constructor guarantees it
    }

    private static Map<String, String> close(Map<String, String> m, String id, String outcome) {
      OrderedPMap<String, String> next = pmap(m).minus(id).plus(id, outcome);
      while (next.size() > ID_MEMORY) next = next.minus(next.keySet().iterator().next());
      return next;
    }

    private static Set<String> remember(Set<String> s, String id) {
      OrderedPSet<String> next = ((OrderedPSet<String>) s).plus(id);
      while (next.size() > ID_MEMORY) next = next.minus(next.iterator().next());
      return next;
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String entityId) {
    return new ProductInventory(entityId);
  }

  private final String sku;
  private final String warehouseId;

  private ProductInventory(String entityId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    int at = entityId.lastIndexOf('@');
    if (at <= 0 || at == entityId.length() - 1) {
      throw new IllegalArgumentException(
          "inventory entity id must be sku@warehouse, got " + entityId);
    }
    this.sku = entityId.substring(0, at);
    this.warehouseId = entityId.substring(at + 1);
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(ReceiveStock.class, this::onReceive)
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Commit.class, this::onCommit)
        .onCommand(SetBounds.class, this::onSetBounds)
        .onCommand(GetStock.class, (s, c) -> Effect().reply(c.replyTo(), stock(s)))
        .build();
  }

  private ReplyEffect<Event, State> onReceive(State s, ReceiveStock c) {
    if (c.quantity() <= 0)
      return error(c.replyTo(), new DomainError.Invalid("quantity must be > 0", "quantity"));
    if (s.receipts().contains(c.receiptId()))
      return Effect().reply(c.replyTo(), StatusReply.success(stock(s)));
    if (s.received() + c.quantity() > Integer.MAX_VALUE / 2)
      return error(c.replyTo(), new DomainError.Invalid("stock would overflow", "quantity"));
    return Effect()
        .persist(new StockReceived(c.receiptId(), c.quantity()))
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  private ReplyEffect<Event, State> onReserve(State s, Reserve c) {
    if (c.quantity() <= 0)
      return error(c.replyTo(), new DomainError.Invalid("quantity must be > 0", "quantity"));
    Integer held = s.reserved().get(c.orderId());
    if (held != null) {
      if (held == c.quantity()) return Effect().reply(c.replyTo(), StatusReply.success(stock(s)));
      return error(
          c.replyTo(),
          new DomainError.Conflict(
              "order " + c.orderId() + " already holds " + held + ", not " + c.quantity()));
    }
    String closed = s.closedOrders().get(c.orderId());
    if (closed != null) {
      return closed.equals("committed")
          ? Effect().reply(c.replyTo(), StatusReply.success(stock(s)))
          : error(
              c.replyTo(),
              new DomainError.Conflict("order " + c.orderId() + " was already released"));
    }
    if (s.available() < c.quantity()) {
      return error(
          c.replyTo(),
          new DomainError.Rejected(
              "sold out: " + s.available() + " available, " + c.quantity() + " requested"));
    }
    List<Event> events = new ArrayList<>();
    events.add(new StockReserved(c.orderId(), c.quantity()));
    State after = s.apply(events.get(0));
    replenishmentIfNeeded(after).ifPresent(events::add);
    return Effect()
        .persist(events)
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  private ReplyEffect<Event, State> onRelease(State s, Release c) {
    Integer held = s.reserved().get(c.orderId());
    if (held == null) {
      if ("committed".equals(s.closedOrders().get(c.orderId()))) {
        return error(
            c.replyTo(),
            new DomainError.Conflict("order " + c.orderId() + " is already committed"));
      }
      if (s.closedOrders().containsKey(c.orderId())) {
        return Effect().reply(c.replyTo(), StatusReply.success(stock(s)));
      }
      // Nothing held (yet): record the release so a late reservation for this order is refused.
      return Effect()
          .persist(new ReservationReleased(c.orderId(), 0))
          .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
    }
    return Effect()
        .persist(new ReservationReleased(c.orderId(), held))
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  private ReplyEffect<Event, State> onCommit(State s, Commit c) {
    Integer held = s.reserved().get(c.orderId());
    if (held == null) {
      if ("committed".equals(s.closedOrders().get(c.orderId()))) {
        return Effect().reply(c.replyTo(), StatusReply.success(stock(s)));
      }
      return error(
          c.replyTo(),
          new DomainError.Conflict("order " + c.orderId() + " holds no reservation to commit"));
    }
    return Effect()
        .persist(new ReservationCommitted(c.orderId(), held))
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  private ReplyEffect<Event, State> onSetBounds(State s, SetBounds c) {
    if (c.minStock() < 0 || c.maxStock() < 0 || c.reorderPoint() < 0) {
      return error(c.replyTo(), new DomainError.Invalid("bounds must be >= 0"));
    }
    if (c.minStock() > c.maxStock())
      return error(
          c.replyTo(), new DomainError.Invalid("minStock must be <= maxStock", "minStock"));
    if (c.reorderPoint() > c.maxStock())
      return error(
          c.replyTo(), new DomainError.Invalid("reorderPoint must be <= maxStock", "reorderPoint"));
    List<Event> events = new ArrayList<>();
    events.add(new BoundsSet(c.minStock(), c.maxStock(), c.reorderPoint()));
    replenishmentIfNeeded(s.apply(events.get(0))).ifPresent(events::add);
    return Effect()
        .persist(events)
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  /** One open request at a time: projected stock counts what is already on its way. */
  private Optional<Event> replenishmentIfNeeded(State s) {
    Bounds b = s.bounds();
    if (b.maxStock() <= 0 || !s.openReplenishmentId().isEmpty()) return Optional.empty();
    int projected = s.available() + s.openReplenishmentQuantity();
    if (projected >= b.reorderPoint()) return Optional.empty();
    int quantity = b.maxStock() - projected;
    if (quantity <= 0) return Optional.empty();
    String requestId = sku + "@" + warehouseId + "#r" + (s.replenishmentCounter() + 1);
    return Optional.of(new ReplenishmentRequested(requestId, quantity, projected));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  private Stock stock(State s) {
    Bounds b = s.bounds();
    return new Stock(
        sku,
        warehouseId,
        s.onHand(),
        s.available(),
        s.reservedTotal(),
        s.committedTotal(),
        s.received(),
        b.minStock(),
        b.maxStock(),
        b.reorderPoint(),
        s.openReplenishmentQuantity());
  }

  private ReplyEffect<Event, State> error(ActorRef<StatusReply<Stock>> replyTo, DomainError error) {
    return Effect().reply(replyTo, DomainError.reply(error));
  }
}
