package io.groupbuy.order;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Failures;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
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
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One customer order for next-day pickup at a pickup point; entity id is the order id.
 *
 * <p>A saga over {@code ProductInventory}: {@code PLACING} reserves every line in parallel, then
 * the order is {@code CONFIRMED}, or {@code REJECTED} as soon as one line cannot be had, in which
 * case every line is released (releasing a line that was never reserved also stops a late
 * reservation from landing). A confirmed order may be cancelled ({@code CANCELLING} releases each
 * line, then {@code CANCELLED}). Every step is an event, so a restart mid-saga resumes it:
 * unfinished reservations are retried (idempotent per order id at the inventory) and unfinished
 * releases are completed. A retried placement with the same request returns the first outcome.
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

  /** What a placement asked for; equal details mean a retry of the same request. */
  /**
   * What was ordered; an {@code urgent} order is delivered as soon as a vehicle at the warehouse
   * can take it.
   */
  public record Details(
      String customerId,
      String pickupPointId,
      String warehouseId,
      List<Line> lines,
      long placedAtEpochMs,
      long cutoffEpochMs,
      String idempotencyKey,
      boolean urgent)
      implements CborSerializable {
    public Details {
      lines = List.copyOf(lines);
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

    boolean sameRequestAs(Details other) {
      return customerId.equals(other.customerId)
          && pickupPointId.equals(other.pickupPointId)
          && warehouseId.equals(other.warehouseId)
          && lines.equals(other.lines)
          && idempotencyKey.equals(other.idempotencyKey)
          && urgent == other.urgent;
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

  /** Internal: outcome of one reservation. */
  record ReservationResult(
      String sku, boolean reserved, boolean definitive, String error, int attempt)
      implements Command {}

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

  /** Internal: the settled order has been idle long enough to leave memory. */
  enum PassivateIfSettled implements Command {
    INSTANCE
  }

  // ---- reply ----
  public record Summary(
      String orderId,
      String customerId,
      String pickupPointId,
      String warehouseId,
      List<Line> lines,
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

  public record LineReserved(String sku) implements Event {}

  public record OrderConfirmed() implements Event {}

  public record OrderRejected(String reason, String sku) implements Event {}

  public record CancellationRequested(String reason) implements Event {}

  public record LineReleased(String sku) implements Event {}

  public record OrderCancelled(String reason) implements Event {}

  public record HandedToDispatch() implements Event {}

  public record DeliveryUpdated(Status status, String vehicleId, String stopId) implements Event {}

  public record LineCommitted(String sku) implements Event {}

  public record State(
      Status status,
      Details details,
      Set<String> reservedSkus,
      Set<String> releasedSkus,
      String reason,
      boolean handedToDispatch,
      String vehicleId,
      Set<String> committedSkus)
      implements ProtoPersisted {
    public static final State EMPTY =
        new State(Status.NEW, null, Set.of(), Set.of(), "", false, "", Set.of());

    public State {
      reservedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(reservedSkus));
      releasedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(releasedSkus));
      committedSkus = Collections.unmodifiableSet(new LinkedHashSet<>(committedSkus));
    }

    public State(
        Status status,
        Details details,
        Set<String> reservedSkus,
        Set<String> releasedSkus,
        String reason) {
      this(status, details, reservedSkus, releasedSkus, reason, false, "", Set.of());
    }

    private State with(
        Status newStatus, Set<String> reserved, Set<String> released, String newReason) {
      return new State(
          newStatus,
          details,
          reserved,
          released,
          newReason,
          handedToDispatch,
          vehicleId,
          committedSkus);
    }

    State apply(Event event) {
      if (event instanceof OrderPlaced e) {
        return new State(Status.PLACING, e.details(), Set.of(), Set.of(), "");
      } else if (event instanceof LineReserved e) {
        return with(status, plus(reservedSkus, e.sku()), releasedSkus, reason);
      } else if (event instanceof OrderConfirmed) {
        return with(Status.CONFIRMED, reservedSkus, releasedSkus, reason);
      } else if (event instanceof OrderRejected e) {
        return with(Status.REJECTED, reservedSkus, releasedSkus, e.reason());
      } else if (event instanceof CancellationRequested e) {
        return with(Status.CANCELLING, reservedSkus, releasedSkus, e.reason());
      } else if (event instanceof LineReleased e) {
        return with(status, reservedSkus, plus(releasedSkus, e.sku()), reason);
      } else if (event instanceof OrderCancelled e) {
        return with(Status.CANCELLED, reservedSkus, releasedSkus, e.reason());
      } else if (event instanceof HandedToDispatch) {
        return new State(
            status, details, reservedSkus, releasedSkus, reason, true, vehicleId, committedSkus);
      } else if (event instanceof DeliveryUpdated e) {
        return new State(
            e.status(),
            details,
            reservedSkus,
            releasedSkus,
            reason,
            handedToDispatch,
            e.vehicleId(),
            committedSkus);
      } else if (event instanceof LineCommitted e) {
        return new State(
            status,
            details,
            reservedSkus,
            releasedSkus,
            reason,
            handedToDispatch,
            vehicleId,
            plus(committedSkus, e.sku()));
      }
      throw new IllegalArgumentException("unknown event " + event);
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
    CompletionStage<?> reserve(String sku, String warehouseId, String orderId, int quantity);

    CompletionStage<?> release(String sku, String warehouseId, String orderId);

    /** Turns the order's reservation of the sku into a sale: the goods leave the warehouse. */
    CompletionStage<?> commit(String sku, String warehouseId, String orderId);
  }

  /** How a confirmed order reaches its region's dispatch (the region is the order's warehouse). */
  public interface DispatchGateway {
    CompletionStage<?> add(String orderId, Details details, int units);

    CompletionStage<?> remove(String orderId, String warehouseId, String reason);
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
      Duration settledIdle) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    ctx ->
                        create(ctx.getEntityId(), inventory, dispatch, ctx.getShard(), settledIdle))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** An order outside sharding (tests): it never passivates. */
  public static Behavior<Command> create(
      String orderId, InventoryGateway inventory, DispatchGateway dispatch) {
    return create(orderId, inventory, dispatch, null, Duration.ZERO);
  }

  static Behavior<Command> create(
      String orderId,
      InventoryGateway inventory,
      DispatchGateway dispatch,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration settledIdle) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new Order(orderId, ctx, timers, inventory, dispatch, shard, settledIdle)));
  }

  private final String orderId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final InventoryGateway inventory;
  private final DispatchGateway dispatch;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Duration settledIdle;
  // Not state: who waits for the saga's outcome in this incarnation. After a restart, clients
  // retry.
  private final List<ActorRef<StatusReply<Summary>>> placeWaiters = new ArrayList<>();
  private final List<ActorRef<StatusReply<Summary>>> cancelWaiters = new ArrayList<>();

  private Order(
      String orderId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      InventoryGateway inventory,
      DispatchGateway dispatch,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration settledIdle) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), orderId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.orderId = orderId;
    this.context = context;
    this.timers = timers;
    this.inventory = inventory;
    this.dispatch = dispatch;
    this.shard = shard;
    this.settledIdle = settledIdle;
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
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::resume).build();
  }

  /** Finishes whatever the saga was doing when the entity stopped. */
  private void resume(State s) {
    schedulePassivationIfSettled(s);
    switch (s.status()) {
      case PLACING ->
          s.skus().stream()
              .filter(sku -> !s.reservedSkus().contains(sku))
              .forEach(sku -> reserve(s, sku, 1));
      case REJECTED, CANCELLING -> {
        s.skus().stream()
            .filter(sku -> !s.releasedSkus().contains(sku))
            .forEach(sku -> release(s, sku));
        if (s.status() == Status.CANCELLING && s.handedToDispatch()) withdrawFromDispatch(s);
      }
      case CONFIRMED -> {
        if (!s.handedToDispatch()) handToDispatch(s);
      }
      case OUT_FOR_DELIVERY, AT_PICKUP_POINT -> commitRemaining(s);
      default -> {}
    }
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Place.class, this::onPlace)
        .onCommand(Get.class, this::onGet)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(ReservationResult.class, this::onReservationResult)
        .onCommand(ReleaseResult.class, this::onReleaseResult)
        .onCommand(
            RetryReserve.class,
            (s, c) -> {
              if (s.status() == Status.PLACING && !s.reservedSkus().contains(c.sku()))
                reserve(s, c.sku(), c.attempt());
              return Effect().noReply();
            })
        .onCommand(
            RetryRelease.class,
            (s, c) -> {
              if (!s.releasedSkus().contains(c.sku())) release(s, c.sku());
              return Effect().noReply();
            })
        .onCommand(UpdateDelivery.class, this::onUpdateDelivery)
        .onCommand(DispatchResult.class, this::onDispatchResult)
        .onCommand(
            RetryDispatch.class,
            (s, c) -> {
              if (c.add() && s.status() == Status.CONFIRMED && !s.handedToDispatch())
                handToDispatch(s, c.attempt());
              if (!c.add() && (s.status() == Status.CANCELLING || s.status() == Status.CANCELLED))
                withdrawFromDispatch(s, c.attempt());
              return Effect().noReply();
            })
        .onCommand(CommitResult.class, this::onCommitResult)
        .onCommand(
            RetryCommit.class,
            (s, c) -> {
              if (s.leftWarehouse() && !s.committedSkus().contains(c.sku())) commit(s, c.sku());
              return Effect().noReply();
            })
        .onCommand(
            PassivateIfSettled.class,
            (s, c) -> {
              if (shard != null && settled(s))
                shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
              return Effect().noReply();
            })
        .build();
  }

  private ReplyEffect<Event, State> onPlace(State s, Place c) {
    if (s.status() == Status.NEW) {
      placeWaiters.add(c.replyTo());
      return Effect()
          .persist(new OrderPlaced(c.details()))
          .thenRun(next -> next.skus().forEach(sku -> reserve(next, sku, 1)))
          .thenNoReply();
    }
    if (!s.details().sameRequestAs(c.details())) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.Conflict(
                      "idempotency key already used for a different order; use a new key for a new order")));
    }
    if (s.status() == Status.PLACING) {
      placeWaiters.add(c.replyTo());
      return Effect().noReply();
    }
    return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
  }

  private ReplyEffect<Event, State> onGet(State s, Get c) {
    schedulePassivationIfSettled(s); // restarts the idle period
    if (s.status() == Status.NEW || !mayAccess(s, c.requesterId())) {
      return Effect()
          .reply(c.replyTo(), DomainError.reply(new DomainError.NotFound("no order " + orderId)));
    }
    return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
  }

  private ReplyEffect<Event, State> onCancel(State s, Cancel c) {
    if (s.status() == Status.NEW || !mayAccess(s, c.requesterId())) {
      return Effect()
          .reply(c.replyTo(), DomainError.reply(new DomainError.NotFound("no order " + orderId)));
    }
    switch (s.status()) {
      case PLACING:
        return Effect()
            .reply(
                c.replyTo(),
                DomainError.reply(
                    new DomainError.Conflict(
                        "order is still being placed; retry the cancellation in a moment")));
      case REJECTED:
        return Effect()
            .reply(
                c.replyTo(),
                DomainError.reply(
                    new DomainError.Conflict("order was rejected; nothing to cancel")));
      case CANCELLED:
        return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
      case CANCELLING:
        cancelWaiters.add(c.replyTo());
        return Effect().noReply();
      case OUT_FOR_DELIVERY:
      case AT_PICKUP_POINT:
        return Effect()
            .reply(
                c.replyTo(),
                DomainError.reply(
                    new DomainError.Conflict(
                        "order is already out for delivery ("
                            + s.status()
                            + "); it can no longer be cancelled")));
      default:
        if (!s.committedSkus().isEmpty()) { // goods have left the warehouse once: the stock is sold
          return Effect()
              .reply(
                  c.replyTo(),
                  DomainError.reply(
                      new DomainError.Conflict(
                          "order has already been out for delivery; it can no longer be cancelled")));
        }
        cancelWaiters.add(c.replyTo());
        String reason =
            c.reason() == null || c.reason().isBlank() ? "cancelled by customer" : c.reason();
        return Effect()
            .persist(new CancellationRequested(reason))
            .thenRun(
                next -> {
                  next.skus().forEach(sku -> release(next, sku));
                  if (next.handedToDispatch()) withdrawFromDispatch(next);
                })
            .thenNoReply();
    }
  }

  private ReplyEffect<Event, State> onReservationResult(State s, ReservationResult r) {
    if (s.status() != Status.PLACING) {
      // A late success after rejection or cancellation: release that line again (idempotent at the
      // inventory),
      // in case the earlier release was processed first and its marker has since been forgotten.
      if (r.reserved()
          && (s.status() == Status.REJECTED
              || s.status() == Status.CANCELLING
              || s.status() == Status.CANCELLED)) {
        release(s, r.sku());
      }
      return Effect().noReply();
    }
    if (r.reserved()) {
      if (s.reservedSkus().contains(r.sku())) return Effect().noReply();
      List<Event> events = new ArrayList<>(List.of(new LineReserved(r.sku())));
      if (s.apply(events.get(0)).allReserved()) events.add(new OrderConfirmed());
      return Effect()
          .persist(events)
          .thenRun(
              next -> {
                answerPlaceWaiters(next);
                if (next.status() == Status.CONFIRMED) handToDispatch(next);
              })
          .thenNoReply();
    }
    if (!r.definitive() && r.attempt() < MAX_RESERVE_ATTEMPTS) {
      timers.startSingleTimer(
          new RetryReserve(r.sku(), r.attempt() + 1), RETRY_BACKOFF.multipliedBy(r.attempt()));
      return Effect().noReply();
    }
    String reason =
        r.definitive()
            ? r.sku() + ": " + r.error()
            : r.sku() + ": inventory did not answer after " + r.attempt() + " attempts";
    return Effect()
        .persist(new OrderRejected(reason, r.sku()))
        .thenRun(
            next -> {
              answerPlaceWaiters(next);
              next.skus().forEach(sku -> release(next, sku));
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onReleaseResult(State s, ReleaseResult r) {
    if (!r.released()) {
      context
          .getLog()
          .warn("order {}: release of {} failed ({}); retrying", orderId, r.sku(), r.error());
      timers.startSingleTimer("release-" + r.sku(), new RetryRelease(r.sku()), RETRY_BACKOFF);
      return Effect().noReply();
    }
    if (s.releasedSkus().contains(r.sku())) return Effect().noReply();
    List<Event> events = new ArrayList<>(List.of(new LineReleased(r.sku())));
    if (s.status() == Status.CANCELLING && s.apply(events.get(0)).allReleased()) {
      events.add(new OrderCancelled(s.reason()));
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              schedulePassivationIfSettled(next);
              if (next.status() == Status.CANCELLED) {
                cancelWaiters.forEach(w -> w.tell(StatusReply.success(summary(next))));
                cancelWaiters.clear();
              }
            })
        .thenNoReply();
  }

  /**
   * Settled: nothing left to do until someone asks (confirmed and handed to dispatch, waved, out
   * with its stock committed, cancelled, or rejected with every line released).
   */
  private static boolean settled(State s) {
    return switch (s.status()) {
      case CONFIRMED -> s.handedToDispatch();
      case WAVED, CANCELLED -> true;
      // a commit still in flight is redone by recovery if the order passivates first
      case OUT_FOR_DELIVERY, AT_PICKUP_POINT -> true;
      case REJECTED -> s.allReleased();
      default -> false;
    };
  }

  private ReplyEffect<Event, State> onUpdateDelivery(State s, UpdateDelivery c) {
    boolean deliverable =
        s.status() == Status.CONFIRMED || s.status() == Status.WAVED || s.leftWarehouse();
    boolean forward =
        c.status() == Status.WAVED
            || c.status() == Status.OUT_FOR_DELIVERY
            || c.status() == Status.AT_PICKUP_POINT;
    if (!forward) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.Invalid("" + c.status() + " is not a delivery status")));
    }
    // A stop moved from a vehicle on the road to one still at the warehouse is waved again on the
    // new vehicle (which
    // loads the goods afresh). Otherwise statuses only move forward; cancelled orders and stale
    // statuses are
    // acknowledged and ignored, so dispatch stops retrying.
    boolean rewaved =
        c.status() == Status.WAVED
            && s.status() == Status.OUT_FOR_DELIVERY
            && !c.vehicleId().equals(s.vehicleId());
    if (!deliverable
        || (!rewaved
            && c.status().ordinal() < (s.status() == Status.CONFIRMED ? 0 : s.status().ordinal()))
        || (c.status() == s.status() && c.vehicleId().equals(s.vehicleId()))) {
      return Effect().reply(c.replyTo(), StatusReply.success(Done.getInstance()));
    }
    List<Event> events = new ArrayList<>();
    if (!s.handedToDispatch()) events.add(new HandedToDispatch());
    events.add(new DeliveryUpdated(c.status(), c.vehicleId(), c.stopId()));
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              if (next.leftWarehouse()) commitRemaining(next);
              schedulePassivationIfSettled(next);
            })
        .thenReply(c.replyTo(), next -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<Event, State> onDispatchResult(State s, DispatchResult r) {
    String what = r.added() ? "order" : "withdrawal";
    if (!r.ok() && r.refused()) {
      // a refusal (say, a pickup point dispatch does not know) stays one: an operator must look
      context
          .getLog()
          .error("order {}: dispatch refused the {}: {}; not retried", orderId, what, r.error());
      return Effect().noReply();
    }
    if (!r.ok()) {
      Duration wait = dispatchBackoff(r.attempt());
      // the first failure and then one in ten: a region under load must not also flood the log
      if (r.attempt() == 1 || r.attempt() % 10 == 0) {
        context
            .getLog()
            .warn(
                "order {}: dispatch did not take the {} ({}), attempt {}; next in {} ms",
                orderId,
                what,
                r.error(),
                r.attempt(),
                wait.toMillis());
      }
      timers.startSingleTimer("dispatch", new RetryDispatch(r.added(), r.attempt() + 1), wait);
      return Effect().noReply();
    }
    if (!r.added() || s.handedToDispatch()) return Effect().noReply();
    return Effect()
        .persist(new HandedToDispatch())
        .thenRun(this::schedulePassivationIfSettled)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onCommitResult(State s, CommitResult r) {
    if (!r.committed() && r.definitive()) {
      // inventory refuses (e.g. the reservation is gone): retrying cannot help; an operator must
      // look
      context
          .getLog()
          .error("order {}: inventory refused to commit {}: {}", orderId, r.sku(), r.error());
      return Effect().noReply();
    }
    if (!r.committed()) {
      context
          .getLog()
          .warn("order {}: commit of {} failed ({}); retrying", orderId, r.sku(), r.error());
      timers.startSingleTimer("commit-" + r.sku(), new RetryCommit(r.sku()), RETRY_BACKOFF);
      return Effect().noReply();
    }
    if (s.committedSkus().contains(r.sku())) return Effect().noReply();
    return Effect()
        .persist(new LineCommitted(r.sku()))
        .thenRun(this::schedulePassivationIfSettled)
        .thenNoReply();
  }

  private void handToDispatch(State s) {
    handToDispatch(s, 1);
  }

  private void handToDispatch(State s, int attempt) {
    int units = s.details().lines().stream().mapToInt(Line::quantity).sum();
    context.pipeToSelf(
        dispatch.add(orderId, s.details(), units),
        (ok, failure) -> dispatchResult(true, failure, attempt));
  }

  private void withdrawFromDispatch(State s) {
    withdrawFromDispatch(s, 1);
  }

  private void withdrawFromDispatch(State s, int attempt) {
    context.pipeToSelf(
        dispatch.remove(orderId, s.details().warehouseId(), s.reason()),
        (ok, failure) -> dispatchResult(false, failure, attempt));
  }

  private static DispatchResult dispatchResult(boolean added, Throwable failure, int attempt) {
    Throwable cause = Failures.unwrap(failure);
    return new DispatchResult(
        added,
        failure == null,
        cause instanceof DomainError.Failure,
        failure == null ? "" : String.valueOf(cause.getMessage()),
        attempt);
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

  private void commitRemaining(State s) {
    s.skus().stream()
        .filter(sku -> !s.committedSkus().contains(sku))
        .forEach(sku -> commit(s, sku));
  }

  private void commit(State s, String sku) {
    context.pipeToSelf(
        inventory.commit(sku, s.details().warehouseId(), orderId),
        (ok, failure) ->
            new CommitResult(
                sku,
                failure == null,
                Failures.unwrap(failure) instanceof DomainError.Failure,
                failure == null ? "" : String.valueOf(Failures.unwrap(failure).getMessage())));
  }

  private void schedulePassivationIfSettled(State s) {
    if (shard != null && !settledIdle.isZero() && settled(s)) {
      timers.startSingleTimer("passivate", PassivateIfSettled.INSTANCE, settledIdle);
    }
  }

  private void answerPlaceWaiters(State s) {
    schedulePassivationIfSettled(s);
    if (s.status() == Status.PLACING) return;
    placeWaiters.forEach(w -> w.tell(StatusReply.success(summary(s))));
    placeWaiters.clear();
  }

  private void reserve(State s, String sku, int attempt) {
    context.pipeToSelf(
        inventory.reserve(sku, s.details().warehouseId(), orderId, s.quantityOf(sku)),
        (ok, failure) -> {
          if (failure == null) return new ReservationResult(sku, true, false, "", attempt);
          Throwable cause = Failures.unwrap(failure);
          // inventory refused; anything else (no answer in time) is worth another attempt
          boolean definitive = cause instanceof DomainError.Failure;
          return new ReservationResult(
              sku, false, definitive, String.valueOf(cause.getMessage()), attempt);
        });
  }

  private void release(State s, String sku) {
    context.pipeToSelf(
        inventory.release(sku, s.details().warehouseId(), orderId),
        (ok, failure) ->
            new ReleaseResult(
                sku,
                failure == null,
                failure == null ? "" : String.valueOf(Failures.unwrap(failure).getMessage())));
  }

  private static boolean mayAccess(State s, String requesterId) {
    return requesterId == null
        || requesterId.isEmpty()
        || Objects.equals(s.details().customerId(), requesterId);
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
        d.lines(),
        Status.CONFIRMED,
        "",
        d.placedAtEpochMs(),
        d.cutoffEpochMs(),
        "",
        d.urgent());
  }

  private Summary summary(State s) {
    Details d = s.details();
    return new Summary(
        orderId,
        d.customerId(),
        d.pickupPointId(),
        d.warehouseId(),
        d.lines(),
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
