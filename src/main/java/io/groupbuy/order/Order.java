package io.groupbuy.order;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One customer order for next-day pickup at a pickup point; entity id is the order id. This file
 * holds the order's protocol, events and state; {@link OrderSaga} holds what each command does (a
 * saga over {@code ProductInventory} and dispatch), and this entity persists its steps.
 */
public final class Order
    extends EventSourcedBehaviorWithEnforcedReplies<Order.Command, Order.Event, Order.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Order");
  static final int MAX_RESERVE_ATTEMPTS = 5;
  static final Duration RETRY_BACKOFF = Duration.ofMillis(300);
  static final Duration DISPATCH_BACKOFF_MAX = Duration.ofSeconds(30);

  /**
   * After {@code CONFIRMED} the order is handed to its region's dispatch, which moves it on: {@code
   * WAVED} (in a delivery plan), {@code OUT_FOR_DELIVERY} (its vehicle has left; the stock is
   * committed), {@code AT_PICKUP_POINT}.
   */
  public enum Status {
    NEW,
    PLACING,
    CONFIRMED,
    REJECTED,
    CANCELLING,
    CANCELLED,
    WAVED,
    OUT_FOR_DELIVERY,
    AT_PICKUP_POINT
  }

  public record Line(String sku, int quantity) implements CborSerializable {}

  /**
   * What was ordered; equal details mean a retry of the same request. An {@code urgent} order is
   * delivered as soon as a vehicle at the warehouse can take it; {@code couponId} (empty for none)
   * is the customer's coupon the order redeems once its lines are priced.
   */
  public record Details(
      String customerId,
      String pickupPointId,
      String warehouseId,
      List<Line> lines,
      long placedAtEpochMs,
      long cutoffEpochMs,
      String idempotencyKey,
      boolean urgent,
      String couponId)
      implements CborSerializable {
    public Details {
      lines = List.copyOf(lines);
      couponId = couponId == null ? "" : couponId;
    }

    public Details(
        String customerId,
        String pickupPointId,
        String warehouseId,
        List<Line> lines,
        long placedAtEpochMs,
        long cutoffEpochMs,
        String idempotencyKey,
        boolean urgent) {
      this(
          customerId,
          pickupPointId,
          warehouseId,
          lines,
          placedAtEpochMs,
          cutoffEpochMs,
          idempotencyKey,
          urgent,
          "");
    }

    public Details(
        String customerId,
        String pickupPointId,
        String warehouseId,
        List<Line> lines,
        long placedAtEpochMs,
        long cutoffEpochMs,
        String idempotencyKey) {
      this(
          customerId,
          pickupPointId,
          warehouseId,
          lines,
          placedAtEpochMs,
          cutoffEpochMs,
          idempotencyKey,
          false);
    }

    boolean hasCoupon() {
      return !couponId.isEmpty();
    }

    boolean sameRequestAs(Details other) {
      return customerId.equals(other.customerId)
          && pickupPointId.equals(other.pickupPointId)
          && warehouseId.equals(other.warehouseId)
          && lines.equals(other.lines)
          && idempotencyKey.equals(other.idempotencyKey)
          && urgent == other.urgent
          && couponId.equals(other.couponId);
    }
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /** Places the order; replies with the {@link Summary} once it is confirmed or rejected. */
  public record Place(Details details, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /**
   * Replies with the {@link Summary}; {@code requesterId} empty means an operator, else it must own
   * the order.
   */
  public record Get(String requesterId, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /** Cancels a confirmed order; replies with the {@link Summary} once its stock is released. */
  public record Cancel(String requesterId, String reason, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /** Internal: outcome of one reservation, with the unit price it was made at (fen). */
  record ReservationResult(
      String sku,
      boolean reserved,
      boolean definitive,
      String error,
      int attempt,
      long unitPriceFen)
      implements Command {
    ReservationResult(String sku, boolean reserved, boolean definitive, String error, int attempt) {
      this(sku, reserved, definitive, error, attempt, 0);
    }
  }

  /** Internal: outcome of one release. */
  record ReleaseResult(String sku, boolean released, String error) implements Command {}

  /** Internal: try a step again after a transient failure. */
  record RetryReserve(String sku, int attempt) implements Command {}

  record RetryRelease(String sku) implements Command {}

  /**
   * From dispatch: the order's delivery moved on (status, and the vehicle and stop now carrying
   * it).
   */
  public record UpdateDelivery(
      Status status, String vehicleId, String stopId, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** Internal: outcome of handing the order to dispatch, or of withdrawing it. */
  /** {@code refused}: dispatch answered with a {@link DomainError}, which a retry cannot change. */
  record DispatchResult(boolean added, boolean ok, boolean refused, String error, int attempt)
      implements Command {}

  record RetryDispatch(boolean add, int attempt) implements Command {
    RetryDispatch(boolean add) {
      this(add, 1);
    }
  }

  /** Internal: outcome of committing one line's reservation when the order leaves the warehouse. */
  record CommitResult(String sku, boolean committed, boolean definitive, String error)
      implements Command {}

  record RetryCommit(String sku) implements Command {}

  /**
   * Internal: outcome of redeeming the order's coupon; {@code definitive} when the campaign refused
   * it (a retry cannot change that).
   */
  record CouponResult(
      boolean redeemed, boolean definitive, String error, long discountFen, int attempt)
      implements Command {}

  record RetryRedeem(int attempt) implements Command {}

  /** Internal: outcome of giving the order's coupon back. */
  record CouponReturnResult(boolean returned, String error) implements Command {}

  record RetryCouponReturn() implements Command {}

  /** Internal: the settled order has been idle long enough to leave memory. */
  enum PassivateIfSettled implements Command {
    INSTANCE
  }

  // ---- reply ----
  /**
   * A line as placed: its unit price is the SKU's selling price in the warehouse when the line was
   * reserved (fen; 0 until then), and never changes after.
   */
  public record PricedLine(String sku, int quantity, long unitPriceFen, long amountFen)
      implements CborSerializable {}

  /**
   * Amounts in fen (0.01 CNY): subtotal of the priced lines, the discount of the coupon redeemed
   * ({@code couponId}, empty if none), and the total to pay.
   */
  public record Summary(
      String orderId,
      String customerId,
      String pickupPointId,
      String warehouseId,
      List<PricedLine> lines,
      long subtotalFen,
      String couponId,
      long discountFen,
      long totalFen,
      Status status,
      String reason,
      long placedAtEpochMs,
      long cutoffEpochMs,
      String vehicleId,
      boolean urgent)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  public record OrderPlaced(Details details) implements Event {}

  /** {@code unitPriceFen} 0: events written before prices. */
  public record LineReserved(String sku, long unitPriceFen) implements Event {
    public LineReserved(String sku) {
      this(sku, 0);
    }
  }

  public record OrderConfirmed() implements Event {}

  public record OrderRejected(String reason, String sku) implements Event {}

  public record CancellationRequested(String reason) implements Event {}

  public record LineReleased(String sku) implements Event {}

  public record OrderCancelled(String reason) implements Event {}

  public record HandedToDispatch() implements Event {}

  public record DeliveryUpdated(Status status, String vehicleId, String stopId) implements Event {}

  public record LineCommitted(String sku) implements Event {}

  /** The order's coupon was redeemed at its campaign, for this discount. */
  public record CouponApplied(String couponId, long discountFen) implements Event {}

  /** The order's coupon was given back to its campaign (the order was rejected or cancelled). */
  public record CouponReturned(String couponId) implements Event {}

  /**
   * {@code discountFen}: what the order's coupon took off (0 if none); {@code couponReturned}: the
   * coupon went back to its campaign.
   */
  public record State(
      Status status,
      Details details,
      Set<String> reservedSkus,
      Set<String> releasedSkus,
      String reason,
      boolean handedToDispatch,
      String vehicleId,
      Set<String> committedSkus,
      Map<String, Long> unitPricesFen,
      long discountFen,
      boolean couponReturned)
      implements ProtoPersisted {
    public static final State EMPTY =
        new State(Status.NEW, null, Set.of(), Set.of(), "", false, "", Set.of());

    public State {
      reservedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(reservedSkus));
      releasedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(releasedSkus));
      committedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(committedSkus));
      unitPricesFen = Collections.unmodifiableMap(new LinkedHashMap<>(unitPricesFen));
    }

    public State(
        Status status,
        Details details,
        Set<String> reservedSkus,
        Set<String> releasedSkus,
        String reason,
        boolean handedToDispatch,
        String vehicleId,
        Set<String> committedSkus) {
      this(
          status,
          details,
          reservedSkus,
          releasedSkus,
          reason,
          handedToDispatch,
          vehicleId,
          committedSkus,
          Map.of(),
          0,
          false);
    }

    public State(
        Status status,
        Details details,
        Set<String> reservedSkus,
        Set<String> releasedSkus,
        String reason) {
      this(status, details, reservedSkus, releasedSkus, reason, false, "", Set.of());
    }

    private State with(Status newStatus, String newReason) {
      return new State(
          newStatus,
          details,
          reservedSkus,
          releasedSkus,
          newReason,
          handedToDispatch,
          vehicleId,
          committedSkus,
          unitPricesFen,
          discountFen,
          couponReturned);
    }

    private State withLines(
        Set<String> reserved,
        Set<String> released,
        Set<String> committed,
        Map<String, Long> prices) {
      return new State(
          status,
          details,
          reserved,
          released,
          reason,
          handedToDispatch,
          vehicleId,
          committed,
          prices,
          discountFen,
          couponReturned);
    }

    private State withDelivery(Status newStatus, boolean handed, String vehicle) {
      return new State(
          newStatus,
          details,
          reservedSkus,
          releasedSkus,
          reason,
          handed,
          vehicle,
          committedSkus,
          unitPricesFen,
          discountFen,
          couponReturned);
    }

    private State withCoupon(long discount, boolean returned) {
      return new State(
          status,
          details,
          reservedSkus,
          releasedSkus,
          reason,
          handedToDispatch,
          vehicleId,
          committedSkus,
          unitPricesFen,
          discount,
          returned);
    }

    State apply(Event event) {
      if (event instanceof OrderPlaced e) {
        return new State(Status.PLACING, e.details(), Set.of(), Set.of(), "");
      } else if (event instanceof LineReserved e) {
        Map<String, Long> prices = new LinkedHashMap<>(unitPricesFen);
        if (e.unitPriceFen() > 0) prices.put(e.sku(), e.unitPriceFen());
        return withLines(plus(reservedSkus, e.sku()), releasedSkus, committedSkus, prices);
      } else if (event instanceof OrderConfirmed) {
        return with(Status.CONFIRMED, reason);
      } else if (event instanceof OrderRejected e) {
        return with(Status.REJECTED, e.reason());
      } else if (event instanceof CancellationRequested e) {
        return with(Status.CANCELLING, e.reason());
      } else if (event instanceof LineReleased e) {
        return withLines(reservedSkus, plus(releasedSkus, e.sku()), committedSkus, unitPricesFen);
      } else if (event instanceof OrderCancelled e) {
        return with(Status.CANCELLED, e.reason());
      } else if (event instanceof HandedToDispatch) {
        return withDelivery(status, true, vehicleId);
      } else if (event instanceof DeliveryUpdated e) {
        return withDelivery(e.status(), handedToDispatch, e.vehicleId());
      } else if (event instanceof LineCommitted e) {
        return withLines(reservedSkus, releasedSkus, plus(committedSkus, e.sku()), unitPricesFen);
      } else if (event instanceof CouponApplied e) {
        return withCoupon(e.discountFen(), false);
      } else if (event instanceof CouponReturned) {
        return withCoupon(discountFen, true);
      }
      throw new IllegalArgumentException("unknown event " + event);
    }

    /**
     * The order's coupon may be held for it at its campaign and has not been given back: it was
     * applied, or its redemption may have been sent (every line was reserved, which happens only
     * before the coupon step).
     */
    boolean couponOutstanding() {
      return details.hasCoupon() && !couponReturned && (discountFen > 0 || allReserved());
    }

    Set<String> skus() {
      Set<String> skus = new LinkedHashSet<>();
      details.lines().forEach(l -> skus.add(l.sku()));
      return skus;
    }

    boolean allReserved() {
      return reservedSkus.containsAll(skus());
    }

    boolean allReleased() {
      return releasedSkus.containsAll(skus());
    }

    boolean allCommitted() {
      return committedSkus.containsAll(skus());
    }

    boolean leftWarehouse() {
      return status == Status.OUT_FOR_DELIVERY || status == Status.AT_PICKUP_POINT;
    }

    /** What the order costs as priced so far, in fen: its lines' amounts less its discount. */
    public long totalFen() {
      return subtotalFen() - discountFen;
    }

    long subtotalFen() {
      return pricedLines().stream().mapToLong(PricedLine::amountFen).sum();
    }

    /** The lines with the prices they were reserved at (0 where not reserved yet). */
    List<PricedLine> pricedLines() {
      return details.lines().stream()
          .map(
              l -> {
                long unit = unitPricesFen.getOrDefault(l.sku(), 0L);
                return new PricedLine(l.sku(), l.quantity(), unit, unit * l.quantity());
              })
          .toList();
    }

    int quantityOf(String sku) {
      return details.lines().stream()
          .filter(l -> l.sku().equals(sku))
          .mapToInt(Line::quantity)
          .sum();
    }

    private static Set<String> plus(Set<String> s, String v) {
      var copy = new LinkedHashSet<>(s);
      copy.add(v);
      return copy;
    }
  }

  /** How the saga reaches inventory; the cluster uses sharding, unit tests may use local actors. */
  public interface InventoryGateway {
    /** Completes with the unit price (fen) the line is sold at: the SKU's price there, now. */
    CompletionStage<Long> reserve(String sku, String warehouseId, String orderId, int quantity);

    CompletionStage<?> release(String sku, String warehouseId, String orderId);

    /** Turns the order's reservation of the sku into a sale: the goods leave the warehouse. */
    CompletionStage<?> commit(String sku, String warehouseId, String orderId);
  }

  /** How a confirmed order reaches its region's dispatch (the region is the order's warehouse). */
  public interface DispatchGateway {
    CompletionStage<?> add(String orderId, Details details, int units);

    CompletionStage<?> remove(String orderId, String warehouseId, String reason);
  }

  /** How the saga redeems and returns its customer's coupon. */
  public interface CouponGateway {
    /** Completes with the discount (fen), or fails with the campaign's refusal. */
    CompletionStage<Long> redeem(
        String couponId, String customerId, String orderId, long subtotalFen);

    /** Gives the coupon back; also stops a redemption of the order still on its way. */
    CompletionStage<?> giveBack(String couponId, String orderId);

    /** For hosts without coupons: every redemption is refused. */
    CouponGateway NONE =
        new CouponGateway() {
          @Override
          public CompletionStage<Long> redeem(
              String couponId, String customerId, String orderId, long subtotalFen) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                new DomainError.Rejected("coupons are not available here").failure());
          }

          @Override
          public CompletionStage<?> giveBack(String couponId, String orderId) {
            return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
          }
        };
  }

  /**
   * Orders are remembered entities: after a node crash or rebalance, every order that was alive
   * restarts on its new node and its recovery finishes the saga, whether or not a client asks
   * again. A settled order passivates itself (and so is forgotten) after {@code settledIdle}.
   */
  public static void init(
      ActorSystem<?> system,
      InventoryGateway inventory,
      DispatchGateway dispatch,
      CouponGateway coupons,
      Duration settledIdle) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    ctx ->
                        create(
                            ctx.getEntityId(),
                            inventory,
                            dispatch,
                            coupons,
                            ctx.getShard(),
                            settledIdle))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** An order outside sharding (tests): it never passivates. */
  public static Behavior<Command> create(
      String orderId, InventoryGateway inventory, DispatchGateway dispatch) {
    return create(orderId, inventory, dispatch, CouponGateway.NONE, null, Duration.ZERO);
  }

  static Behavior<Command> create(
      String orderId,
      InventoryGateway inventory,
      DispatchGateway dispatch,
      CouponGateway coupons,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration settledIdle) {
    OrderSaga.Gateways gateways = new OrderSaga.Gateways(inventory, dispatch, coupons);
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new Order(orderId, ctx, timers, gateways, shard, settledIdle)));
  }

  private final OrderSaga saga;

  private Order(
      String orderId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      OrderSaga.Gateways gateways,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration settledIdle) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), orderId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    OrderSaga.Host host =
        new OrderSaga.Host() {
          @Override
          public <T> void pipe(CompletionStage<T> call, BiFunction<T, Throwable, Command> outcome) {
            context.pipeToSelf(call, outcome::apply);
          }

          @Override
          public void later(String key, Command command, Duration delay) {
            timers.startSingleTimer(key, command, delay);
          }

          @Override
          public void mayLeaveMemory() {
            if (shard != null) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
          }

          @Override
          public Duration settledIdle() {
            return shard == null ? Duration.ZERO : settledIdle;
          }
        };
    this.saga = new OrderSaga(orderId, host, gateways);
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  /**
   * An order has at most a few events per line (placed, reserved, released, cancelled), so it
   * replays quickly without snapshots; skipping the snapshot lookup saves two Cassandra reads for
   * every new order.
   */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), saga::resume).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onAnyCommand(
            (state, command) -> {
              OrderSaga.Step step = saga.handle(state, command);
              if (step.events().isEmpty()) {
                step.then().accept(state);
                return Effect().noReply();
              }
              return Effect().persist(step.events()).thenRun(step.then()::accept).thenNoReply();
            });
  }

  /**
   * How long to wait before the next attempt to reach dispatch: doubling from 0.5 s up to 30 s,
   * each wait drawn between half and all of that, so that orders refused together (a region
   * overloaded) do not all come back at the same moment.
   */
  static Duration dispatchBackoff(int attempt) {
    long ceilingMs = Math.min(DISPATCH_BACKOFF_MAX.toMillis(), 500L << Math.min(attempt - 1, 16));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceilingMs / 2, ceilingMs + 1));
  }

  /**
   * What a placement would answer, for the benchmark's HTTP ceiling
   * (groupbuy.bench.orders-persist-nothing): nothing is reserved or written.
   */
  static Summary unpersisted(String orderId, Details d) {
    return new Summary(
        orderId,
        d.customerId(),
        d.pickupPointId(),
        d.warehouseId(),
        d.lines().stream().map(l -> new PricedLine(l.sku(), l.quantity(), 0, 0)).toList(),
        0,
        d.couponId(),
        0,
        0,
        Status.CONFIRMED,
        "",
        d.placedAtEpochMs(),
        d.cutoffEpochMs(),
        "",
        d.urgent());
  }

  /**
   * The order was rejected at its coupon step: the coupon step comes only once every line is
   * reserved, and so priced, and a line refused before it leaves that line unpriced.
   */
  static boolean rejectedForCoupon(Summary s) {
    return s.status() == Status.REJECTED
        && !s.couponId().isEmpty()
        && s.lines().stream().allMatch(l -> l.unitPriceFen() > 0);
  }

  static Summary summary(String orderId, State s) {
    Details d = s.details();
    return new Summary(
        orderId,
        d.customerId(),
        d.pickupPointId(),
        d.warehouseId(),
        s.pricedLines(),
        s.subtotalFen(),
        d.couponId(),
        s.discountFen(),
        s.totalFen(),
        s.status(),
        s.reason(),
        d.placedAtEpochMs(),
        d.cutoffEpochMs(),
        s.vehicleId(),
        d.urgent());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }
}
