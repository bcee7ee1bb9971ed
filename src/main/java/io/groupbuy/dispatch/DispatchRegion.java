package io.groupbuy.dispatch;

import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import com.typesafe.config.Config;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.routing.FleetPlan;
import io.groupbuy.routing.FleetProblem;
import io.groupbuy.routing.FleetSolver;
import io.groupbuy.routing.KMeansWaves;
import io.groupbuy.routing.VrptwProblem;
import io.groupbuy.routing.VrptwSolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Dispatch for one warehouse and the pickup points it serves; entity id is the region (warehouse)
 * id.
 *
 * <p>Collects the region's confirmed orders by pickup point. At a cutoff it batches the pickup
 * points into waves (K-Means sized by vehicle capacity), routes them with the fleet solver, commits
 * the plan and hands each vehicle its route. During the day it listens to its vehicles: when one
 * predicts a delay beyond the threshold or breaks down, the region re-solves warm-started from the
 * current plan, with served stops gone, each vehicle starting where it is and when it is free, and
 * the stop a driver is heading to kept; late stops may move to vehicles still at the depot. Changed
 * routes go to the vehicles with a new version; unchanged ones are not resent.
 *
 * <p>Solving runs on the blocking dispatcher, never on the actor's thread; events arriving
 * meanwhile are coalesced into one more re-solve. Route hand-over to vehicles is at least once
 * (retried until acknowledged; the vehicle ignores versions it has), and so is telling orders their
 * delivery status.
 */
public final class DispatchRegion
    extends EventSourcedBehaviorWithEnforcedReplies<
        DispatchRegion.Command, DispatchRegion.Event, DispatchRegion.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "DispatchRegion");
  public static final String NOT_FOUND = "not-found";
  public static final String CONFLICT = "conflict";
  public static final String INVALID = "invalid";
  static final Duration RESEND_INTERVAL = Duration.ofSeconds(2);
  static final Duration ORDER_BATCH_WINDOW = Duration.ofMillis(20);
  static final int ORDER_BATCH_MAX = 500;

  public record Settings(
      Duration cutoffTimeLimit,
      Duration rerouteTimeLimit,
      double vehicleFixedCostKm,
      double latePenaltyKmPerMinute,
      double roadFactor,
      Duration shiftAfterWindow,
      Duration urgentWindow,
      double transferCostKm) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("cutoff-time-limit"),
          c.getDuration("reroute-time-limit"),
          c.getDouble("vehicle-fixed-cost-km"),
          c.getDouble("late-penalty-km-per-minute"),
          c.getDouble("road-factor"),
          c.getDuration("shift-after-window"),
          c.getDuration("urgent-window"),
          c.getDouble("transfer-cost-km"));
    }
  }

  /**
   * How the region reaches vehicles and orders; the cluster uses sharding, tests may use probes.
   */
  public interface Links extends OrderUpdates {
    CompletionStage<Long> assignRoute(String vehicleId, Vehicle.AssignRoute command);
  }

  /** Where a region tells an order how its delivery goes; the order feature implements it. */
  public interface OrderUpdates {
    CompletionStage<?> deliveryStatus(
        String orderId, String status, String regionId, String vehicleId, String stopId);
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  public record Configure(
      double depotLat,
      double depotLng,
      double speedKmh,
      int serviceSeconds,
      ActorRef<StatusReply<PlanView>> replyTo)
      implements Command {}

  public record JoinVehicle(String vehicleId, int capacity, ActorRef<StatusReply<PlanView>> replyTo)
      implements Command {}

  /**
   * A confirmed order to deliver to a pickup point; the same order id twice has one effect. An
   * urgent order does not wait for the next cutoff: once a plan exists, a re-plan offers it to the
   * vehicles at the warehouse.
   */
  public record AddOrder(
      String orderId,
      String pickupPointId,
      double lat,
      double lng,
      int units,
      boolean urgent,
      ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    public AddOrder(
        String orderId,
        String pickupPointId,
        double lat,
        double lng,
        int units,
        ActorRef<StatusReply<Done>> replyTo) {
      this(orderId, pickupPointId, lat, lng, units, false, replyTo);
    }
  }

  public record RemoveOrder(String orderId, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /**
   * Plans every undispatched order: departures at {@code departAtMs}, pickup points served in the
   * window.
   */
  public record Cutoff(
      String cutoffId,
      long departAtMs,
      long windowStartMs,
      long windowEndMs,
      ActorRef<StatusReply<PlanView>> replyTo)
      implements Command {}

  /** From a vehicle: where it is, what is left, and any delay it predicts. */
  public record VehicleUpdate(
      String vehicleId,
      String status,
      long routeVersion,
      double lat,
      double lng,
      long readyAtMs,
      List<String> remainingStopIds,
      int committed,
      Map<String, Long> etas,
      String delayedStopId,
      long latenessSeconds)
      implements Command {
    public VehicleUpdate {
      remainingStopIds = List.copyOf(remainingStopIds);
      etas = Map.copyOf(etas);
    }
  }

  public record GetPlan(ActorRef<StatusReply<PlanView>> replyTo) implements Command {}

  public record GetStopEta(String stopId, ActorRef<StatusReply<StopEta>> replyTo)
      implements Command {}

  record Solved(
      String cause,
      String cutoffId,
      FleetPlan plan,
      List<String> vehicleIds,
      Map<Integer, String> stopOf,
      long originMs,
      Map<String, RouteStop> stops,
      ActorRef<StatusReply<PlanView>> replyTo,
      Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  record Resend() implements Command {}

  record FlushOrders() implements Command {}

  record RouteAcked(String vehicleId, long version) implements Command {}

  record OrderAcked(String orderId, String status) implements Command {}

  // ---- replies ----
  public record VehicleRouteView(
      String vehicleId,
      long routeVersion,
      int wave,
      List<RouteStop> stops,
      String status,
      double lat,
      double lng)
      implements CborSerializable {}

  public record PlanView(
      String regionId,
      boolean configured,
      double depotLat,
      double depotLng,
      long planVersion,
      String cause,
      List<VehicleRouteView> vehicles,
      List<String> droppedStopIds,
      int undispatchedOrders,
      List<String> servedStopIds,
      long solveMillis)
      implements CborSerializable {}

  public record StopEta(
      String stopId, String vehicleId, long etaMs, long windowEndMs, String status)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  public record RegionConfigured(
      double depotLat, double depotLng, double speedKmh, int serviceSeconds) implements Event {}

  public record OrderAdded(
      String orderId, String pickupPointId, double lat, double lng, int units, boolean urgent)
      implements Event {
    public OrderAdded(String orderId, String pickupPointId, double lat, double lng, int units) {
      this(orderId, pickupPointId, lat, lng, units, false);
    }
  }

  public record OrderRemoved(String orderId, String reason) implements Event {}

  public record VehicleJoined(String vehicleId, int capacity) implements Event {}

  public record VehiclePlan(String vehicleId, long routeVersion, List<RouteStop> stops, int wave) {
    public VehiclePlan {
      stops = List.copyOf(stops);
    }
  }

  public record PlanCommitted(
      long planVersion,
      List<VehiclePlan> vehicles,
      List<String> droppedStopIds,
      String cause,
      long atMs,
      String cutoffId)
      implements Event {
    public PlanCommitted {
      vehicles = List.copyOf(vehicles);
      droppedStopIds = List.copyOf(droppedStopIds);
    }
  }

  public record StopServed(String stopId, String vehicleId) implements Event {}

  public record VehicleUnavailable(String vehicleId, String reason) implements Event {}

  public record RegionOrder(
      String orderId,
      String pickupPointId,
      double lat,
      double lng,
      int units,
      boolean dispatched,
      boolean urgent) {
    RegionOrder asDispatched() {
      return new RegionOrder(orderId, pickupPointId, lat, lng, units, true, urgent);
    }
  }

  public record State(
      RegionConfigured config,
      Map<String, RegionOrder> orders,
      Map<String, Integer> vehicles,
      PlanCommitted plan,
      Set<String> served,
      Set<String> unavailable,
      Set<String> cutoffs)
      implements ProtoPersisted {
    public static final State EMPTY =
        new State(null, Map.of(), Map.of(), null, Set.of(), Set.of(), Set.of());

    public State {
      orders = Collections.unmodifiableMap(new LinkedHashMap<>(orders));
      vehicles = Collections.unmodifiableMap(new LinkedHashMap<>(vehicles));
      served = Collections.unmodifiableSet(new LinkedHashSet<>(served));
      unavailable = Collections.unmodifiableSet(new LinkedHashSet<>(unavailable));
      cutoffs = Collections.unmodifiableSet(new LinkedHashSet<>(cutoffs));
    }

    long planVersion() {
      return plan == null ? 0 : plan.planVersion();
    }

    VehiclePlan planOf(String vehicleId) {
      if (plan == null) return null;
      return plan.vehicles().stream()
          .filter(v -> v.vehicleId().equals(vehicleId))
          .findFirst()
          .orElse(null);
    }

    /** Which vehicle's plan holds a stop, or null. */
    String vehicleOf(String stopId) {
      if (plan == null) return null;
      for (VehiclePlan v : plan.vehicles()) {
        for (RouteStop s : v.stops()) if (s.stopId().equals(stopId)) return v.vehicleId();
      }
      return null;
    }

    State apply(Event event) {
      if (event instanceof RegionConfigured e) {
        return new State(e, orders, vehicles, plan, served, unavailable, cutoffs);
      } else if (event instanceof OrderAdded e) {
        Map<String, RegionOrder> o = new LinkedHashMap<>(orders);
        o.put(
            e.orderId(),
            new RegionOrder(
                e.orderId(), e.pickupPointId(), e.lat(), e.lng(), e.units(), false, e.urgent()));
        return new State(config, o, vehicles, plan, served, unavailable, cutoffs);
      } else if (event instanceof OrderRemoved e) {
        Map<String, RegionOrder> o = new LinkedHashMap<>(orders);
        o.remove(e.orderId());
        return new State(config, o, vehicles, plan, served, unavailable, cutoffs);
      } else if (event instanceof VehicleJoined e) {
        Map<String, Integer> v = new LinkedHashMap<>(vehicles);
        v.put(e.vehicleId(), e.capacity());
        Set<String> u = new LinkedHashSet<>(unavailable);
        u.remove(e.vehicleId());
        return new State(config, orders, v, plan, served, u, cutoffs);
      } else if (event instanceof PlanCommitted e) {
        Map<String, RegionOrder> o = new LinkedHashMap<>(orders);
        for (VehiclePlan v : e.vehicles()) {
          for (RouteStop s : v.stops()) {
            for (String id : s.orderIds()) {
              RegionOrder r = o.get(id);
              if (r != null) o.put(id, r.asDispatched());
            }
          }
        }
        Set<String> c = new LinkedHashSet<>(cutoffs);
        if (!e.cutoffId().isEmpty()) c.add(e.cutoffId());
        return new State(config, o, vehicles, e, served, unavailable, c);
      } else if (event instanceof StopServed e) {
        Set<String> s = new LinkedHashSet<>(served);
        s.add(e.stopId());
        return new State(config, orders, vehicles, plan, s, unavailable, cutoffs);
      } else if (event instanceof VehicleUnavailable e) {
        Set<String> u = new LinkedHashSet<>(unavailable);
        u.add(e.vehicleId());
        return new State(config, orders, vehicles, plan, served, u, cutoffs);
      }
      throw new IllegalArgumentException("unknown event " + event);
    }
  }

  public static void init(ActorSystem<?> system, Settings settings, Links links) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, links)));
  }

  public static Behavior<Command> create(String regionId, Settings settings, Links links) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new DispatchRegion(regionId, ctx, timers, settings, links)));
  }

  private final String regionId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final Links links;
  private final Executor solverPool;
  // Memory only: the latest word from each vehicle, what is in flight, what is still
  // unacknowledged.
  private final Map<String, VehicleUpdate> latest = new HashMap<>();
  private final Map<String, Long> unackedRoutes = new HashMap<>();
  private final Map<String, String> unackedOrders = new HashMap<>();
  private final Map<String, String> orderStatusSent = new HashMap<>();
  // Orders arrive at the rate customers order: they are journalled in batches, each acknowledged
  // once written.
  private final Map<String, OrderAdded> orderBatch = new LinkedHashMap<>();
  private final Map<String, List<ActorRef<StatusReply<Done>>>> orderBatchWaiters = new HashMap<>();
  private boolean solving;
  private String pendingCause;
  private long lastSolveMillis;

  private DispatchRegion(
      String regionId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      Links links) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), regionId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.regionId = regionId;
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.links = links;
    this.solverPool = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("dispatch");
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              // hand-over is at least once: after a restart, resend every route and order status of
              // the plan
              if (s.plan() != null) {
                s.plan()
                    .vehicles()
                    .forEach(v -> unackedRoutes.put(v.vehicleId(), v.routeVersion()));
                desiredOrderStatuses(s).forEach(unackedOrders::put);
              }
              timers.startTimerWithFixedDelay(new Resend(), RESEND_INTERVAL);
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(JoinVehicle.class, this::onJoin)
        .onCommand(AddOrder.class, this::onAddOrder)
        .onCommand(FlushOrders.class, this::onFlushOrders)
        .onCommand(RemoveOrder.class, this::onRemoveOrder)
        .onCommand(Cutoff.class, this::onCutoff)
        .onCommand(VehicleUpdate.class, this::onVehicleUpdate)
        .onCommand(Solved.class, this::onSolved)
        .onCommand(
            GetPlan.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(view(s))))
        .onCommand(GetStopEta.class, this::onGetStopEta)
        .onCommand(
            Resend.class,
            (s, c) -> {
              resend(s);
              return Effect().noReply();
            })
        .onCommand(
            RouteAcked.class,
            (s, c) -> {
              unackedRoutes.remove(c.vehicleId(), c.version());
              return Effect().noReply();
            })
        .onCommand(
            OrderAcked.class,
            (s, c) -> {
              unackedOrders.remove(c.orderId(), c.status());
              return Effect().noReply();
            })
        .build();
  }

  private ReplyEffect<Event, State> onConfigure(State s, Configure c) {
    if (Math.abs(c.depotLat()) > 90 || Math.abs(c.depotLng()) > 180) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error(INVALID + ": depot coordinates out of range"));
    }
    if (!(c.speedKmh() > 0 && c.speedKmh() <= 150)
        || c.serviceSeconds() < 0
        || c.serviceSeconds() > 7200) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  INVALID + ": speedKmh must be in (0, 150] and serviceSeconds in [0, 7200]"));
    }
    RegionConfigured e =
        new RegionConfigured(c.depotLat(), c.depotLng(), c.speedKmh(), c.serviceSeconds());
    if (e.equals(s.config())) return Effect().reply(c.replyTo(), StatusReply.success(view(s)));
    return Effect().persist(e).thenReply(c.replyTo(), next -> StatusReply.success(view(next)));
  }

  private ReplyEffect<Event, State> onJoin(State s, JoinVehicle c) {
    if (c.capacity() <= 0)
      return Effect()
          .reply(c.replyTo(), StatusReply.error(INVALID + ": capacity must be positive"));
    if (Integer.valueOf(c.capacity()).equals(s.vehicles().get(c.vehicleId()))
        && !s.unavailable().contains(c.vehicleId())) {
      return Effect().reply(c.replyTo(), StatusReply.success(view(s)));
    }
    return Effect()
        .persist(new VehicleJoined(c.vehicleId(), c.capacity()))
        .thenReply(c.replyTo(), next -> StatusReply.success(view(next)));
  }

  private ReplyEffect<Event, State> onAddOrder(State s, AddOrder c) {
    if (s.orders().containsKey(c.orderId()))
      return Effect().reply(c.replyTo(), StatusReply.success(Done.getInstance()));
    if (c.units() <= 0 || Math.abs(c.lat()) > 90 || Math.abs(c.lng()) > 180) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  INVALID
                      + ": order "
                      + c.orderId()
                      + " needs positive units and valid coordinates"));
    }
    orderBatch.putIfAbsent(
        c.orderId(),
        new OrderAdded(c.orderId(), c.pickupPointId(), c.lat(), c.lng(), c.units(), c.urgent()));
    orderBatchWaiters.computeIfAbsent(c.orderId(), k -> new ArrayList<>()).add(c.replyTo());
    if (orderBatch.size() >= ORDER_BATCH_MAX) return onFlushOrders(s, new FlushOrders());
    if (!timers.isTimerActive("flush-orders"))
      timers.startSingleTimer("flush-orders", new FlushOrders(), ORDER_BATCH_WINDOW);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onFlushOrders(State s, FlushOrders c) {
    return flushOrdersThen(next -> {});
  }

  /**
   * Journals the batched orders, acknowledges them, then continues (e.g. with a cutoff that must
   * see them).
   */
  private ReplyEffect<Event, State> flushOrdersThen(Consumer<State> then) {
    timers.cancel("flush-orders");
    List<Event> events = new ArrayList<>(orderBatch.values());
    Map<String, List<ActorRef<StatusReply<Done>>>> waiters = new HashMap<>(orderBatchWaiters);
    orderBatch.clear();
    orderBatchWaiters.clear();
    List<String> urgentIds =
        events.stream()
            .map(e -> (OrderAdded) e)
            .filter(OrderAdded::urgent)
            .map(OrderAdded::orderId)
            .toList();
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              waiters
                  .values()
                  .forEach(
                      list -> list.forEach(w -> w.tell(StatusReply.success(Done.getInstance()))));
              then.accept(next);
              if (!urgentIds.isEmpty())
                requestSolve(
                    next,
                    "urgent order"
                        + (urgentIds.size() > 1 ? "s " : " ")
                        + String.join(", ", urgentIds));
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onRemoveOrder(State s, RemoveOrder c) {
    RegionOrder order = s.orders().get(c.orderId());
    if (order == null) {
      // withdrawn before its batch was written: it never enters the region
      if (orderBatch.remove(c.orderId()) != null) {
        orderBatchWaiters
            .getOrDefault(c.orderId(), List.of())
            .forEach(w -> w.tell(StatusReply.success(Done.getInstance())));
        orderBatchWaiters.remove(c.orderId());
      }
      return Effect().reply(c.replyTo(), StatusReply.success(Done.getInstance()));
    }
    return Effect()
        .persist(new OrderRemoved(c.orderId(), c.reason() == null ? "" : c.reason()))
        .thenRun(
            next -> {
              // a dispatched stop whose orders are all gone no longer needs a visit
              if (order.dispatched()
                  && next.orders().values().stream()
                      .noneMatch(o -> o.pickupPointId().equals(order.pickupPointId()))) {
                requestSolve(next, "cancellation of " + c.orderId());
              }
            })
        .thenReply(c.replyTo(), next -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<Event, State> onCutoff(State s, Cutoff c) {
    if (s.cutoffs().contains(c.cutoffId()))
      return Effect().reply(c.replyTo(), StatusReply.success(view(s)));
    if (s.config() == null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  CONFLICT + ": region " + regionId + " has no depot yet; configure it first"));
    }
    if (c.windowEndMs() <= c.windowStartMs() || c.windowEndMs() <= c.departAtMs()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  INVALID + ": the window must end after it starts and after" + " departure"));
    }
    if (activeVehicles(s).isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(CONFLICT + ": region " + regionId + " has no vehicles"));
    }
    if (freeVehicles(s).isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  CONFLICT
                      + ": every vehicle of region "
                      + regionId
                      + " is still delivering; cut off again when one is back"));
    }
    if (solving) {
      return Effect()
          .reply(
              c.replyTo(), StatusReply.error(CONFLICT + ": a plan is being solved; retry shortly"));
    }
    solving = true; // orders batched so far are part of this cutoff
    return flushOrdersThen(
        next -> startSolve(next, "cutoff " + c.cutoffId(), c.cutoffId(), c, c.replyTo()));
  }

  private ReplyEffect<Event, State> onVehicleUpdate(State s, VehicleUpdate u) {
    if (!s.vehicles().containsKey(u.vehicleId())) return Effect().noReply();
    latest.put(u.vehicleId(), u);
    List<Event> events = new ArrayList<>();
    VehiclePlan plan = s.planOf(u.vehicleId());
    if (plan != null && plan.routeVersion() == u.routeVersion()) {
      for (RouteStop stop : plan.stops()) {
        if (!u.remainingStopIds().contains(stop.stopId()) && !s.served().contains(stop.stopId())) {
          events.add(new StopServed(stop.stopId(), u.vehicleId()));
        }
      }
    }
    boolean broken = Vehicle.Status.BROKEN_DOWN.name().equals(u.status());
    if (broken && !s.unavailable().contains(u.vehicleId())) {
      events.add(new VehicleUnavailable(u.vehicleId(), "breakdown"));
    }
    String cause =
        broken
            ? "breakdown of " + u.vehicleId()
            : !u.delayedStopId().isEmpty()
                ? "delay of "
                    + u.vehicleId()
                    + " at "
                    + u.delayedStopId()
                    + " ("
                    + u.latenessSeconds() / 60
                    + " min late)"
                : null;
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              orderStatusChanges(next);
              if (cause != null) requestSolve(next, cause);
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onGetStopEta(State s, GetStopEta c) {
    String vehicleId = s.vehicleOf(c.stopId());
    if (vehicleId == null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  NOT_FOUND
                      + ": pickup point "
                      + c.stopId()
                      + " is not on a route of region "
                      + regionId));
    }
    RouteStop stop =
        s.planOf(vehicleId).stops().stream()
            .filter(r -> r.stopId().equals(c.stopId()))
            .findFirst()
            .orElseThrow();
    VehicleUpdate u = latest.get(vehicleId);
    long eta =
        u != null && u.etas().containsKey(c.stopId())
            ? u.etas().get(c.stopId())
            : stop.plannedEtaMs();
    String status = s.served().contains(c.stopId()) ? "SERVED" : u == null ? "PLANNED" : u.status();
    return Effect()
        .reply(
            c.replyTo(),
            StatusReply.success(
                new StopEta(c.stopId(), vehicleId, eta, stop.windowEndMs(), status)));
  }

  // ---- solving ----

  private List<String> activeVehicles(State s) {
    return s.vehicles().keySet().stream()
        .filter(v -> !s.unavailable().contains(v))
        .sorted()
        .toList();
  }

  /** Active vehicles with nothing left to deliver on their current route. */
  private List<String> freeVehicles(State s) {
    return activeVehicles(s).stream()
        .filter(
            v -> {
              VehiclePlan plan = s.planOf(v);
              return plan == null || remainingIds(s, plan).isEmpty();
            })
        .toList();
  }

  private void requestSolve(State s, String cause) {
    if (s.plan() == null || s.config() == null) return;
    if (solving) {
      pendingCause = pendingCause == null ? cause : pendingCause + "; " + cause;
      return;
    }
    startSolve(s, cause, "", null, null);
  }

  /** Builds the problem from the state now and solves it off the actor thread. */
  private void startSolve(
      State s,
      String cause,
      String cutoffId,
      Cutoff cutoff,
      ActorRef<StatusReply<PlanView>> replyTo) {
    solving = true;
    long now = System.currentTimeMillis();
    RegionConfigured cfg = s.config();
    // a cutoff plans the vehicles at the warehouse; those still out keep their routes
    List<String> vehicleIds = cutoff == null ? activeVehicles(s) : freeVehicles(s);
    Map<String, RouteStop> stops = new LinkedHashMap<>();
    Map<String, Integer> idOf = new HashMap<>();
    Map<Integer, String> stopOf = new HashMap<>();
    long originMs;
    List<List<Integer>> warm = null;
    List<FleetProblem.Vehicle> fleet = new ArrayList<>();
    VrptwProblem.Stop depot;
    long shiftEndMs;
    if (cutoff != null) {
      originMs = cutoff.departAtMs();
      shiftEndMs = cutoff.windowEndMs() + settings.shiftAfterWindow().toMillis();
      // undispatched orders, one stop per pickup point
      byPickupPoint(s, o -> !o.dispatched())
          .forEach(
              (point, orders) ->
                  stops.put(
                      point,
                      stopFor(
                          point,
                          orders,
                          cutoff.windowStartMs(),
                          cutoff.windowEndMs(),
                          cfg.serviceSeconds())));
    } else {
      originMs = now;
      PlanCommitted plan = s.plan();
      shiftEndMs =
          plan.vehicles().stream()
                  .flatMap(v -> v.stops().stream())
                  .mapToLong(RouteStop::windowEndMs)
                  .max()
                  .orElse(now)
              + settings.shiftAfterWindow().toMillis();
      Map<String, List<String>> ordersByPoint = new HashMap<>();
      s.orders()
          .values()
          .forEach(
              o ->
                  ordersByPoint
                      .computeIfAbsent(o.pickupPointId(), k -> new ArrayList<>())
                      .add(o.orderId()));
      for (VehiclePlan v : plan.vehicles()) {
        for (RouteStop r : v.stops()) {
          List<String> orders =
              ordersByPoint.getOrDefault(r.stopId(), List.of()).stream()
                  .filter(r.orderIds()::contains)
                  .toList();
          if (s.served().contains(r.stopId()) || orders.isEmpty()) continue;
          int units =
              s.orders().values().stream()
                  .filter(o -> orders.contains(o.orderId()))
                  .mapToInt(RegionOrder::units)
                  .sum();
          stops.put(
              r.stopId(),
              new RouteStop(
                  r.stopId(),
                  r.lat(),
                  r.lng(),
                  units,
                  r.windowStartMs(),
                  r.windowEndMs(),
                  r.serviceSeconds(),
                  orders,
                  r.plannedEtaMs()));
        }
      }
      // urgent orders on no route yet: a vehicle at the warehouse may still take them now
      Map<String, List<RegionOrder>> urgentByPoint =
          byPickupPoint(s, o -> o.urgent() && !o.dispatched());
      long urgentEnd = now + settings.urgentWindow().toMillis();
      urgentByPoint.forEach(
          (point, orders) -> {
            // its own stop: the point's regular stop may be on a vehicle that does not carry these
            // goods
            String stopId = point + "~" + orders.get(0).orderId();
            stops.put(stopId, stopFor(stopId, orders, now, urgentEnd, cfg.serviceSeconds()));
          });
      if (!urgentByPoint.isEmpty()) {
        shiftEndMs = Math.max(shiftEndMs, urgentEnd + settings.shiftAfterWindow().toMillis());
      }
    }
    int next = 1;
    for (String id : stops.keySet()) {
      idOf.put(id, next);
      stopOf.put(next, id);
      next++;
    }
    depot =
        new VrptwProblem.Stop(
            0, cfg.depotLng(), cfg.depotLat(), 0, 0, minutes(shiftEndMs, originMs), 0);
    List<VrptwProblem.Stop> problemStops = new ArrayList<>();
    for (RouteStop r : stops.values()) {
      problemStops.add(
          new VrptwProblem.Stop(
              idOf.get(r.stopId()),
              r.lng(),
              r.lat(),
              r.units(),
              Math.max(0, minutes(r.windowStartMs(), originMs)),
              minutes(r.windowEndMs(), originMs),
              r.serviceSeconds() / 60.0));
    }
    if (cutoff == null) warm = new ArrayList<>();
    for (String vehicleId : vehicleIds) {
      int capacity = s.vehicles().get(vehicleId);
      VehicleUpdate u = latest.get(vehicleId);
      VehiclePlan plan = s.planOf(vehicleId);
      List<Integer> current = new ArrayList<>();
      if (plan != null && cutoff == null) {
        List<String> order =
            u != null && u.routeVersion() == plan.routeVersion()
                ? u.remainingStopIds()
                : plan.stops().stream().map(RouteStop::stopId).toList();
        order.stream().filter(idOf::containsKey).forEach(id -> current.add(idOf.get(id)));
      }
      boolean onRoad =
          u != null
              && cutoff == null
              && (Vehicle.Status.EN_ROUTE.name().equals(u.status())
                  || Vehicle.Status.RETURNING.name().equals(u.status()));
      if (onRoad) {
        int committed = Math.min(u.committed(), current.size());
        if (committed > 0 && u.remainingStopIds().isEmpty()) committed = 0;
        // committed stops must lead the onboard list in the vehicle's own order
        fleet.add(
            new FleetProblem.Vehicle(
                vehicleId,
                u.lng(),
                u.lat(),
                minutes(Math.max(u.readyAtMs(), now), originMs),
                capacity,
                false,
                current,
                committed));
      } else {
        long ready = cutoff != null ? originMs : Math.max(now, u != null ? u.readyAtMs() : now);
        fleet.add(
            new FleetProblem.Vehicle(
                vehicleId,
                cfg.depotLng(),
                cfg.depotLat(),
                minutes(ready, originMs),
                capacity,
                true,
                List.of(),
                0));
      }
      if (warm != null) warm.add(current);
    }
    double roadFactor = settings.roadFactor();
    VrptwProblem.Distance road =
        (a, b) -> roadFactor * VrptwProblem.Distance.HAVERSINE_KM.between(a, b);
    FleetProblem problem =
        new FleetProblem(regionId, depot, problemStops, fleet, road, cfg.speedKmh() / 60.0);
    List<List<Integer>> initial = warm;
    boolean isCutoff = cutoff != null;
    VrptwSolver.Options options =
        isCutoff
            ? VrptwSolver.Options.dispatch(
                settings.cutoffTimeLimit(),
                settings.vehicleFixedCostKm(),
                settings.latePenaltyKmPerMinute())
            : VrptwSolver.Options.dispatch(
                    settings.rerouteTimeLimit(),
                    settings.vehicleFixedCostKm(),
                    settings.latePenaltyKmPerMinute())
                .withTransferPenalty(settings.transferCostKm())
                .withMetaheuristic(LocalSearchMetaheuristic.Value.GREEDY_DESCENT);
    long origin = originMs;
    CompletableFuture.supplyAsync(
            () -> {
              if (!isCutoff) return FleetSolver.resolve(problem, options, initial);
              List<List<Integer>> waves = KMeansWaves.initialRoutes(problem, 0x5eedL);
              return FleetSolver.resolve(problem, options, waves);
            },
            solverPool)
        .whenComplete(
            (plan, failure) ->
                context
                    .getSelf()
                    .tell(
                        new Solved(
                            cause,
                            cutoffId,
                            plan,
                            vehicleIds,
                            stopOf,
                            origin,
                            stops,
                            replyTo,
                            failure)));
  }

  private static Map<String, List<RegionOrder>> byPickupPoint(
      State s, Predicate<RegionOrder> which) {
    Map<String, List<RegionOrder>> out = new LinkedHashMap<>();
    s.orders().values().stream()
        .filter(which)
        .forEach(o -> out.computeIfAbsent(o.pickupPointId(), k -> new ArrayList<>()).add(o));
    return out;
  }

  /** One stop delivering {@code orders} (all at the same pickup point). */
  private static RouteStop stopFor(
      String stopId,
      List<RegionOrder> orders,
      long windowStartMs,
      long windowEndMs,
      int serviceSeconds) {
    return new RouteStop(
        stopId,
        orders.get(0).lat(),
        orders.get(0).lng(),
        orders.stream().mapToInt(RegionOrder::units).sum(),
        windowStartMs,
        windowEndMs,
        serviceSeconds,
        orders.stream().map(RegionOrder::orderId).toList(),
        0);
  }

  private static double minutes(long ms, long originMs) {
    return (ms - originMs) / 60_000.0;
  }

  private ReplyEffect<Event, State> onSolved(State s, Solved r) {
    solving = false;
    if (r.failure() != null) {
      context.getLog().error("region {}: solving for {} failed", regionId, r.cause(), r.failure());
      if (r.replyTo() != null) {
        r.replyTo().tell(StatusReply.error("solver failed: " + r.failure().getMessage()));
      }
      return Effect().noReply();
    }
    lastSolveMillis = r.plan().solveMillis();
    long version = s.planVersion() + 1;
    List<VehiclePlan> vehicles = new ArrayList<>();
    if (s.plan()
        != null) { // vehicles left out of this solve (still delivering at a cutoff) keep their
      // routes
      s.plan().vehicles().stream()
          .filter(
              v ->
                  !r.vehicleIds().contains(v.vehicleId())
                      && !s.unavailable().contains(v.vehicleId()))
          .forEach(vehicles::add);
    }
    boolean changed = !r.cutoffId().isEmpty();
    for (int v = 0; v < r.vehicleIds().size(); v++) {
      String vehicleId = r.vehicleIds().get(v);
      FleetPlan.VehicleRoute route = r.plan().routes().get(v);
      List<RouteStop> stops = new ArrayList<>();
      for (FleetPlan.Visit visit : route.visits()) {
        RouteStop stop = r.stops().get(r.stopOf().get(visit.stopId()));
        stops.add(stop.withPlannedEta(r.originMs() + Math.round(visit.arrival() * 60_000)));
      }
      VehiclePlan before = s.planOf(vehicleId);
      boolean unchanged =
          before != null
              && r.cutoffId().isEmpty()
              && remainingIds(s, before).equals(stops.stream().map(RouteStop::stopId).toList());
      if (unchanged) {
        vehicles.add(before);
      } else if (!stops.isEmpty() || before != null) {
        vehicles.add(new VehiclePlan(vehicleId, version, stops, v + 1));
        changed = true;
      }
    }
    // vehicles out of service keep nothing
    List<String> dropped = r.plan().dropped().stream().map(id -> r.stopOf().get(id)).toList();
    PlanCommitted committed =
        new PlanCommitted(
            version, vehicles, dropped, r.cause(), System.currentTimeMillis(), r.cutoffId());
    String pending = pendingCause;
    pendingCause = null;
    if (!changed
        && s.plan() != null
        && dropped.equals(s.plan().droppedStopIds())
        && vehicles.size() == s.plan().vehicles().size()) {
      // nothing to tell anyone: no new version
      if (pending != null) requestSolve(s, pending);
      return Effect().noReply();
    }
    return Effect()
        .persist(committed)
        .thenRun(
            next -> {
              for (VehiclePlan v : next.plan().vehicles()) {
                if (v.routeVersion() == version) {
                  unackedRoutes.put(v.vehicleId(), v.routeVersion());
                  sendRoute(next, v);
                }
              }
              orderStatusChanges(next);
              if (r.replyTo() != null) r.replyTo().tell(StatusReply.success(view(next)));
              if (pending != null) requestSolve(next, pending);
            })
        .thenNoReply();
  }

  private static List<String> remainingIds(State s, VehiclePlan plan) {
    return plan.stops().stream()
        .map(RouteStop::stopId)
        .filter(id -> !s.served().contains(id))
        .toList();
  }

  private void sendRoute(State s, VehiclePlan v) {
    String reason = s.plan().cause();
    Vehicle.AssignRoute command =
        new Vehicle.AssignRoute(
            regionId,
            v.routeVersion(),
            v.stops().stream().filter(r -> !s.served().contains(r.stopId())).toList(),
            reason,
            null);
    context.pipeToSelf(
        links.assignRoute(v.vehicleId(), command),
        (ok, failure) ->
            failure == null
                ? new RouteAcked(v.vehicleId(), v.routeVersion())
                : new RouteAcked(v.vehicleId(), -1));
  }

  // ---- order statuses ----

  /** What each dispatched order should be told: WAVED, OUT_FOR_DELIVERY or AT_PICKUP_POINT. */
  private Map<String, String> desiredOrderStatuses(State s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.plan() == null) return out;
    for (VehiclePlan v : s.plan().vehicles()) {
      VehicleUpdate u = latest.get(v.vehicleId());
      boolean departed =
          u != null
              && !Vehicle.Status.LOADING.name().equals(u.status())
              && !Vehicle.Status.IDLE.name().equals(u.status());
      for (RouteStop r : v.stops()) {
        String status =
            s.served().contains(r.stopId())
                ? "AT_PICKUP_POINT"
                : departed ? "OUT_FOR_DELIVERY" : "WAVED";
        r.orderIds().stream()
            .filter(s.orders()::containsKey)
            .forEach(id -> out.put(id + "|" + v.vehicleId() + "|" + r.stopId(), status));
      }
    }
    return out;
  }

  private void orderStatusChanges(State s) {
    desiredOrderStatuses(s)
        .forEach(
            (key, status) -> {
              if (!status.equals(orderStatusSent.get(key))) {
                orderStatusSent.put(key, status);
                unackedOrders.put(key, status);
                sendOrderStatus(key, status);
              }
            });
  }

  private void sendOrderStatus(String key, String status) {
    String[] parts = key.split("\\|", 3);
    context.pipeToSelf(
        links.deliveryStatus(parts[0], status, regionId, parts[1], parts[2]),
        (ok, failure) -> new OrderAcked(key, failure == null ? status : "unacked"));
  }

  private void resend(State s) {
    if (s.plan() == null) return;
    new HashMap<>(unackedRoutes)
        .forEach(
            (vehicleId, version) -> {
              VehiclePlan v = s.planOf(vehicleId);
              if (v == null || v.routeVersion() != version) {
                unackedRoutes.remove(vehicleId);
              } else {
                sendRoute(s, v);
              }
            });
    new HashMap<>(unackedOrders).forEach(this::sendOrderStatus);
  }

  private PlanView view(State s) {
    List<VehicleRouteView> vehicles = new ArrayList<>();
    for (String vehicleId : s.vehicles().keySet()) {
      VehiclePlan p = s.planOf(vehicleId);
      VehicleUpdate u = latest.get(vehicleId);
      String status =
          s.unavailable().contains(vehicleId) ? "UNAVAILABLE" : u == null ? "UNKNOWN" : u.status();
      vehicles.add(
          new VehicleRouteView(
              vehicleId,
              p == null ? 0 : p.routeVersion(),
              p == null ? 0 : p.wave(),
              p == null ? List.of() : p.stops(),
              status,
              u == null ? 0 : u.lat(),
              u == null ? 0 : u.lng()));
    }
    int undispatched = (int) s.orders().values().stream().filter(o -> !o.dispatched()).count();
    return new PlanView(
        regionId,
        s.config() != null,
        s.config() == null ? 0 : s.config().depotLat(),
        s.config() == null ? 0 : s.config().depotLng(),
        s.planVersion(),
        s.plan() == null ? "" : s.plan().cause(),
        vehicles,
        s.plan() == null ? List.of() : s.plan().droppedStopIds(),
        undispatched,
        List.copyOf(s.served()),
        lastSolveMillis);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }
}
