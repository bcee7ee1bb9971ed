package io.groupbuy.dispatch;

import static io.groupbuy.dispatch.DispatchRegion.ENTITY_KEY;

import io.groupbuy.dispatch.DispatchRegion.AddOrder;
import io.groupbuy.dispatch.DispatchRegion.AddOrders;
import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.Configure;
import io.groupbuy.dispatch.DispatchRegion.Cutoff;
import io.groupbuy.dispatch.DispatchRegion.Event;
import io.groupbuy.dispatch.DispatchRegion.GetPlan;
import io.groupbuy.dispatch.DispatchRegion.GetStopEta;
import io.groupbuy.dispatch.DispatchRegion.JoinVehicle;
import io.groupbuy.dispatch.DispatchRegion.Links;
import io.groupbuy.dispatch.DispatchRegion.OrderAcked;
import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.OrderRemoved;
import io.groupbuy.dispatch.DispatchRegion.OrdersWritten;
import io.groupbuy.dispatch.DispatchRegion.PlanView;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.RemoveOrder;
import io.groupbuy.dispatch.DispatchRegion.Resend;
import io.groupbuy.dispatch.DispatchRegion.RouteAcked;
import io.groupbuy.dispatch.DispatchRegion.Settings;
import io.groupbuy.dispatch.DispatchRegion.Solved;
import io.groupbuy.dispatch.DispatchRegion.StopEta;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehicleUpdate;
import io.groupbuy.dispatch.DispatchRegion.ViewSource;
import io.groupbuy.dispatch.RegionState.RegionOrder;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.SnapshotSpacing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * The dispatch region entity (see {@link DispatchRegion} for what it does). It journals orders in
 * the batches its {@link RegionFront} collects, starts solves off its thread and commits their
 * plans, hands routes to vehicles and delivery statuses to orders at least once, and answers plan
 * and ETA queries. What the vehicles last reported and what is not yet acknowledged live in memory
 * only.
 */
final class RegionBehavior
    extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, RegionState> {
  static final Duration RESEND_INTERVAL = Duration.ofSeconds(2);

  private final String regionId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final Clock clock;
  private final Executor solverPool;
  private final Map<String, VehicleUpdate> latest = new HashMap<>();
  private final RegionHandOver handOver;

  /**
   * The group-commit front: hears every change (to answer plan and ETA queries without waiting) and
   * the end of each recovery; null when alone.
   */
  private final ActorRef<Command> front;

  private final SnapshotSpacing snapshots;

  private boolean solving;
  private String pendingCause;
  private long lastSolveMillis;

  RegionBehavior(
      String regionId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      Links links,
      Clock clock,
      ActorRef<Command> front) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), regionId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.regionId = regionId;
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.handOver = new RegionHandOver(regionId, context, links);
    this.clock = clock;
    this.front = front;
    this.snapshots =
        new SnapshotSpacing(
            settings.snapshotEvery(),
            settings.snapshotOrdersPerEvent(),
            settings.snapshotEveryMax());
    this.solverPool = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public RegionState emptyState() {
    return RegionState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEveryMax(), 2);
  }

  @Override
  public boolean shouldSnapshot(RegionState state, Event event, long sequenceNr) {
    return snapshots.snapshotAfter(sequenceNr, state.orders().size());
  }

  @Override
  public SignalHandler<RegionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              snapshots.recoveredAt(lastSequenceNumber(context));
              if (front != null) front.tell(new DispatchRegion.Recovered());
              publish(s);
              handOver.recovered(s, latest);
              timers.startTimerWithFixedDelay(new Resend(), RESEND_INTERVAL);
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, RegionState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(JoinVehicle.class, this::onJoin)
        .onCommand(AddOrder.class, this::onAddOrder)
        .onCommand(AddOrders.class, (s, c) -> addOrders(s, c.orders(), c.number(), c.front()))
        .onCommand(OrdersWritten.class, (s, c) -> Effect().noReply())
        .onCommand(RemoveOrder.class, this::onRemoveOrder)
        .onCommand(Cutoff.class, this::onCutoff)
        .onCommand(VehicleUpdate.class, this::onVehicleUpdate)
        .onCommand(Solved.class, this::onSolved)
        .onCommand(GetPlan.class, (s, c) -> Effect().reply(c.replyTo(), success(view(s))))
        .onCommand(GetStopEta.class, this::onGetStopEta)
        .onCommand(Resend.class, (s, c) -> noReply(() -> handOver.resend(s)))
        .onCommand(RouteAcked.class, (s, c) -> noReply(() -> handOver.routeAcked(c)))
        .onCommand(OrderAcked.class, (s, c) -> noReply(() -> handOver.orderAcked(c)))
        .build();
  }

  @Override
  public EventHandler<RegionState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(RegionState::apply);
  }

  private ReplyEffect<Event, RegionState> noReply(Runnable action) {
    action.run();
    return Effect().noReply();
  }

  /** Tells the front what queries are answered from now; before any acknowledgement of it. */
  private void publish(RegionState s) {
    if (front != null) front.tell(new ViewSource(s, Map.copyOf(latest), lastSolveMillis));
  }

  private PlanView view(RegionState s) {
    return RegionViews.plan(regionId, s, latest, lastSolveMillis);
  }

  private static <T> StatusReply<T> success(T value) {
    return StatusReply.success(value);
  }

  private ReplyEffect<Event, RegionState> onConfigure(RegionState s, Configure c) {
    if (Math.abs(c.depotLat()) > 90 || Math.abs(c.depotLng()) > 180) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(new DomainError.Invalid("depot coordinates out of range")));
    }
    if (!(c.speedKmh() > 0 && c.speedKmh() <= 150)
        || c.serviceSeconds() < 0
        || c.serviceSeconds() > 7200) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.Invalid(
                      "speedKmh must be in (0, 150] and serviceSeconds in [0, 7200]")));
    }
    RegionConfigured e =
        new RegionConfigured(c.depotLat(), c.depotLng(), c.speedKmh(), c.serviceSeconds());
    if (e.equals(s.config())) return Effect().reply(c.replyTo(), success(view(s)));
    return Effect()
        .persist(e)
        .thenRun(this::publish)
        .thenReply(c.replyTo(), next -> success(view(next)));
  }

  private ReplyEffect<Event, RegionState> onJoin(RegionState s, JoinVehicle c) {
    if (c.capacity() <= 0) {
      return Effect()
          .reply(
              c.replyTo(), DomainError.reply(new DomainError.Invalid("capacity must be positive")));
    }
    if (Integer.valueOf(c.capacity()).equals(s.vehicles().get(c.vehicleId()))
        && !s.unavailable().contains(c.vehicleId())) {
      return Effect().reply(c.replyTo(), success(view(s)));
    }
    return Effect()
        .persist(new VehicleJoined(c.vehicleId(), c.capacity()))
        .thenRun(this::publish)
        .thenReply(c.replyTo(), next -> success(view(next)));
  }

  private ReplyEffect<Event, RegionState> onAddOrder(RegionState s, AddOrder c) {
    return addOrders(s, List.of(c), 0, null);
  }

  /**
   * Journals the new orders among {@code orders} in one write, then acknowledges each (an order
   * already open is acknowledged again, an invalid one refused) and tells {@code front}, if any,
   * that batch {@code number} is done.
   */
  private ReplyEffect<Event, RegionState> addOrders(
      RegionState s, List<AddOrder> orders, long number, ActorRef<Command> front) {
    Map<String, OrderAdded> added = new LinkedHashMap<>();
    List<Runnable> answers = new ArrayList<>(orders.size());
    for (AddOrder c : orders) {
      if (c.units() <= 0 || Math.abs(c.lat()) > 90 || Math.abs(c.lng()) > 180) {
        StatusReply<Done> refusal =
            DomainError.reply(
                new DomainError.Invalid(
                    "order " + c.orderId() + " needs positive units and valid coordinates"));
        answers.add(() -> c.replyTo().tell(refusal));
        continue;
      }
      if (!s.isOpen(c.orderId())) {
        added.putIfAbsent(
            c.orderId(),
            new OrderAdded(
                c.orderId(), c.pickupPointId(), c.lat(), c.lng(), c.units(), c.urgent()));
      }
      answers.add(() -> c.replyTo().tell(success(Done.getInstance())));
    }
    Runnable answerAll =
        () -> {
          answers.forEach(Runnable::run);
          if (front != null) front.tell(new OrdersWritten(number));
        };
    if (added.isEmpty()) {
      answerAll.run();
      return Effect().noReply();
    }
    List<String> urgentIds =
        added.values().stream().filter(OrderAdded::urgent).map(OrderAdded::orderId).toList();
    return Effect()
        .persist(new ArrayList<Event>(added.values()))
        .thenRun(
            next -> {
              publish(next);
              answerAll.run();
              if (!urgentIds.isEmpty()) {
                String plural = urgentIds.size() > 1 ? "s " : " ";
                requestSolve(next, "urgent order" + plural + String.join(", ", urgentIds));
              }
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, RegionState> onRemoveOrder(RegionState s, RemoveOrder c) {
    RegionOrder order = s.orders().get(c.orderId());
    if (order == null) return Effect().reply(c.replyTo(), success(Done.getInstance()));
    return Effect()
        .persist(new OrderRemoved(c.orderId(), c.reason() == null ? "" : c.reason()))
        .thenRun(
            next -> {
              publish(next);
              // a dispatched stop whose orders are all gone no longer needs a visit
              if (order.dispatched() && next.hasEmptyStopAt(order.pickupPointId())) {
                requestSolve(next, "cancellation of " + c.orderId());
              }
            })
        .thenReply(c.replyTo(), next -> success(Done.getInstance()));
  }

  private ReplyEffect<Event, RegionState> onCutoff(RegionState s, Cutoff c) {
    if (s.cutoffs().contains(c.cutoffId())) return Effect().reply(c.replyTo(), success(view(s)));
    DomainError refusal =
        solving
            ? new DomainError.Conflict("a plan is being solved; retry shortly")
            : s.cutoffRefusal(regionId, c);
    if (refusal != null) return Effect().reply(c.replyTo(), DomainError.reply(refusal));
    // every order acknowledged before the cutoff is in the state: the front passes the cutoff on
    // only after the orders that came before it are written
    solving = true;
    solve(
        RegionProblem.forCutoff(regionId, s, latest, settings, c),
        "cutoff " + c.cutoffId(),
        c.cutoffId(),
        c.replyTo());
    return Effect().noReply();
  }

  private ReplyEffect<Event, RegionState> onVehicleUpdate(RegionState s, VehicleUpdate u) {
    if (!s.vehicles().containsKey(u.vehicleId())) return Effect().noReply();
    latest.put(u.vehicleId(), u);
    List<Event> events = s.eventsOf(u);
    boolean broken = u.status() == Vehicle.Status.BROKEN_DOWN;
    String cause =
        broken
            ? "breakdown of " + u.vehicleId()
            : u.delayedStopId().isEmpty()
                ? null
                : String.format(
                    "delay of %s at %s (%d min late)",
                    u.vehicleId(), u.delayedStopId(), u.latenessSeconds() / 60);
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              publish(next);
              handOver.vehicleReported(next, u);
              if (cause != null) requestSolve(next, cause);
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, RegionState> onGetStopEta(RegionState s, GetStopEta c) {
    StopEta eta = RegionViews.stopEta(s, latest, c.stopId());
    if (eta != null) return Effect().reply(c.replyTo(), success(eta));
    return Effect()
        .reply(c.replyTo(), DomainError.reply(RegionViews.notOnRoute(regionId, c.stopId())));
  }

  // ---- solving ----

  private void requestSolve(RegionState s, String cause) {
    if (s.plan() == null || s.config() == null) return;
    if (solving) {
      pendingCause = pendingCause == null ? cause : pendingCause + "; " + cause;
      return;
    }
    solve(RegionProblem.forReplan(regionId, s, latest, settings, clock.millis()), cause, "", null);
  }

  /** Solves off the actor's thread; the result comes back as {@link Solved}. */
  private void solve(
      RegionProblem problem,
      String cause,
      String cutoffId,
      ActorRef<StatusReply<PlanView>> replyTo) {
    solving = true;
    CompletableFuture.supplyAsync(problem::solve, solverPool)
        .whenComplete(
            (plan, failure) ->
                context
                    .getSelf()
                    .tell(new Solved(cause, cutoffId, problem, plan, replyTo, failure)));
  }

  private ReplyEffect<Event, RegionState> onSolved(RegionState s, Solved r) {
    solving = false;
    if (r.failure() != null) {
      context.getLog().error("region {}: solving for {} failed", regionId, r.cause(), r.failure());
      if (r.replyTo() != null) {
        r.replyTo().tell(StatusReply.error("solver failed: " + r.failure().getMessage()));
      }
      return Effect().noReply();
    }
    lastSolveMillis = r.plan().solveMillis();
    String pending = pendingCause;
    pendingCause = null;
    var committed =
        PlanDiff.next(s, r.problem(), r.plan(), r.cause(), r.cutoffId(), clock.millis());
    if (committed.isEmpty()) {
      // nothing to tell anyone: no new version
      publish(s); // the solve time changed
      if (pending != null) requestSolve(s, pending);
      if (r.replyTo() != null) r.replyTo().tell(success(view(s)));
      return Effect().noReply();
    }
    return Effect()
        .persist(committed.get())
        .thenRun(
            next -> {
              publish(next);
              handOver.planCommitted(next, latest);
              if (r.replyTo() != null) r.replyTo().tell(success(view(next)));
              if (pending != null) requestSolve(next, pending);
            })
        .thenNoReply();
  }
}
