package io.groupbuy.dispatch;

import static io.groupbuy.dispatch.Vehicle.ENTITY_KEY;

import io.groupbuy.dispatch.Vehicle.Acknowledge;
import io.groupbuy.dispatch.Vehicle.AssignRoute;
import io.groupbuy.dispatch.Vehicle.Command;
import io.groupbuy.dispatch.Vehicle.Connect;
import io.groupbuy.dispatch.Vehicle.DelayPredicted;
import io.groupbuy.dispatch.Vehicle.DriverGone;
import io.groupbuy.dispatch.Vehicle.Event;
import io.groupbuy.dispatch.Vehicle.Fix;
import io.groupbuy.dispatch.Vehicle.Get;
import io.groupbuy.dispatch.Vehicle.Gps;
import io.groupbuy.dispatch.Vehicle.GpsFixes;
import io.groupbuy.dispatch.Vehicle.GpsHandled;
import io.groupbuy.dispatch.Vehicle.IncidentKind;
import io.groupbuy.dispatch.Vehicle.IncidentReported;
import io.groupbuy.dispatch.Vehicle.Progress;
import io.groupbuy.dispatch.Vehicle.Push;
import io.groupbuy.dispatch.Vehicle.RegionLink;
import io.groupbuy.dispatch.Vehicle.Register;
import io.groupbuy.dispatch.Vehicle.ReportIncident;
import io.groupbuy.dispatch.Vehicle.ReportStop;
import io.groupbuy.dispatch.Vehicle.RouteAcknowledged;
import io.groupbuy.dispatch.Vehicle.RouteAssigned;
import io.groupbuy.dispatch.Vehicle.RoutePush;
import io.groupbuy.dispatch.Vehicle.Settings;
import io.groupbuy.dispatch.Vehicle.Status;
import io.groupbuy.dispatch.Vehicle.StopEventKind;
import io.groupbuy.dispatch.Vehicle.StopReported;
import io.groupbuy.dispatch.Vehicle.StopView;
import io.groupbuy.dispatch.Vehicle.Summary;
import io.groupbuy.dispatch.Vehicle.TrackSampled;
import io.groupbuy.dispatch.Vehicle.VehicleRegistered;
import io.groupbuy.platform.DomainError;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
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
 * The persistent vehicle: takes the commands of {@link Vehicle}, predicts ETAs from the speed the
 * vehicle manages, tells its region of progress and delays, and pushes routes to the drivers' apps
 * attached to it.
 */
final class VehicleBehavior
    extends EventSourcedBehaviorWithEnforcedReplies<Vehicle.Command, Vehicle.Event, VehicleState> {

  private final String vehicleId;
  private final ActorContext<Command> context;
  private final Settings settings;
  private final RegionLink region;
  private final Clock clock;
  private final VehicleMotion motion;
  // Memory only: full-rate GPS, the speed the vehicle manages, attached drivers' apps, what was
  // already reported.
  private long lastProgressSentMs;
  private final Set<String> delaysPredicted = new HashSet<>();
  private final List<ActorRef<Push>> drivers = new ArrayList<>();

  VehicleBehavior(
      String vehicleId,
      ActorContext<Command> context,
      Settings settings,
      RegionLink region,
      Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), vehicleId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.vehicleId = vehicleId;
    this.context = context;
    this.settings = settings;
    this.region = region;
    this.clock = clock;
    this.motion = new VehicleMotion(settings.roadFactor(), settings.plannedSpeedKmh());
  }

  @Override
  public VehicleState emptyState() {
    return VehicleState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<VehicleState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              motion.recovered(s.lastTrack());
              for (RouteStop stop : s.stops())
                delaysPredicted.add(delayKey(s.routeVersion(), stop.stopId()));
            })
        .build();
  }

  private static String delayKey(long version, String stopId) {
    return version + "/" + stopId;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, VehicleState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(AssignRoute.class, this::onAssign)
        .onCommand(Gps.class, this::onGps)
        .onCommand(GpsHandled.class, (s, c) -> Effect().noReply())
        .onCommand(
            GpsFixes.class,
            (s, c) -> {
              if (c.reachedTo() != null) c.reachedTo().tell(Done.getInstance());
              return c.fixes().isEmpty() ? Effect().noReply() : onGps(s, new Gps(c.newest()));
            })
        .onCommand(ReportStop.class, this::onReportStop)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(ReportIncident.class, this::onIncident)
        .onCommand(Connect.class, this::onConnect)
        .onCommand(
            DriverGone.class,
            (s, c) -> {
              drivers.remove(c.driver());
              return Effect().noReply();
            })
        .onCommand(
            Get.class,
            (s, c) ->
                s.registered()
                    ? Effect().reply(c.replyTo(), StatusReply.success(summary(s)))
                    : Effect()
                        .reply(
                            c.replyTo(),
                            DomainError.reply(new DomainError.NotFound("no vehicle " + vehicleId))))
        .build();
  }

  private ReplyEffect<Event, VehicleState> onRegister(VehicleState s, Register c) {
    if (c.capacity() <= 0)
      return Effect()
          .reply(
              c.replyTo(), DomainError.reply(new DomainError.Invalid("capacity must be positive")));
    VehicleRegistered e =
        new VehicleRegistered(c.driverId(), c.capacity(), c.regionId(), c.depotLat(), c.depotLng());
    if (s.registered()
        && s.driverId().equals(c.driverId())
        && s.capacity() == c.capacity()
        && s.regionId().equals(c.regionId())
        && s.depotLat() == c.depotLat()
        && s.depotLng() == c.depotLng()) {
      return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
    }
    return Effect().persist(e).thenReply(c.replyTo(), next -> StatusReply.success(summary(next)));
  }

  private ReplyEffect<Event, VehicleState> onAssign(VehicleState s, AssignRoute c) {
    if (!s.registered()) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.NotFound("vehicle " + vehicleId + " not registered")));
    }
    if (c.version() <= s.routeVersion())
      return Effect().reply(c.replyTo(), StatusReply.success(s.routeVersion()));
    return Effect()
        .persist(new RouteAssigned(c.version(), c.regionId(), c.stops(), clock.millis()))
        .thenRun(next -> push(next, c.reason()))
        .thenReply(c.replyTo(), next -> StatusReply.success(next.routeVersion()));
  }

  private ReplyEffect<Event, VehicleState> onGps(VehicleState s, Gps c) {
    Fix fix = c.fix();
    if (!s.registered() || !motion.isNewer(fix)) {
      if (c.handledTo() != null) c.handledTo().tell(GpsHandled.INSTANCE);
      return Effect().noReply();
    }
    motion.observe(s, fix);
    List<Event> events = new ArrayList<>();
    if (s.lastTrack() == null
        || fix.atMs() - s.lastTrack().atMs() >= settings.trackSampleInterval().toMillis()) {
      events.add(new TrackSampled(fix));
    }
    List<DelayPredicted> delays = predictDelays(s, fix.atMs());
    events.addAll(delays);
    boolean progressDue = fix.atMs() - lastProgressSentMs >= settings.progressInterval().toMillis();
    if (events.isEmpty()) {
      if (progressDue) sendUpdate(s, fix.atMs(), null);
      if (c.handledTo() != null) c.handledTo().tell(GpsHandled.INSTANCE);
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              if (!delays.isEmpty() || progressDue)
                sendUpdate(next, fix.atMs(), delays.isEmpty() ? null : delays.get(0));
              if (c.handledTo() != null) c.handledTo().tell(GpsHandled.INSTANCE);
            })
        .thenNoReply();
  }

  /**
   * New delays beyond the threshold on the current route; each stop reported once per route
   * version.
   */
  private List<DelayPredicted> predictDelays(VehicleState s, long nowMs) {
    if (motion.lastFix() == null || s.status() == Status.BROKEN_DOWN) return List.of();
    List<DelayPredicted> out = new ArrayList<>();
    for (DelayPredictor.Eta eta : motion.etas(s, nowMs)) {
      if (eta.latenessMs() > settings.delayThreshold().toMillis()
          && delaysPredicted.add(delayKey(s.routeVersion(), eta.stopId()))) {
        out.add(
            new DelayPredicted(
                eta.stopId(), s.routeVersion(), eta.etaMs(), eta.latenessMs() / 1000));
      }
    }
    return out;
  }

  private void sendUpdate(VehicleState s, long nowMs, DelayPredicted delay) {
    lastProgressSentMs = nowMs;
    if (s.regionId().isEmpty()) return;
    double lat = motion.lat(s);
    double lng = motion.lng(s);
    List<String> remaining = s.remaining().stream().map(RouteStop::stopId).toList();
    // the stop the driver has arrived at, or is the next to reach, stays with this vehicle
    int committed = remaining.isEmpty() || s.status() == Status.LOADING ? 0 : 1;
    Map<String, Long> etas = new LinkedHashMap<>();
    motion.etas(s, nowMs).forEach(e -> etas.put(e.stopId(), e.etaMs()));
    region.update(
        s.regionId(),
        new DispatchRegion.VehicleUpdate(
            vehicleId,
            s.status(),
            s.routeVersion(),
            lat,
            lng,
            Math.max(nowMs, s.jamUntilMs()),
            remaining,
            committed,
            etas,
            delay == null ? "" : delay.stopId(),
            delay == null ? 0 : delay.latenessSeconds()));
  }

  private ReplyEffect<Event, VehicleState> onReportStop(VehicleState s, ReportStop c) {
    DomainError problem = driverProblem(s, c.driverId());
    if (problem != null) return Effect().reply(c.replyTo(), DomainError.reply(problem));
    boolean depotEvent =
        c.kind() == StopEventKind.DEPARTED_DEPOT || c.kind() == StopEventKind.RETURNED;
    if (!depotEvent) {
      RouteStop stop = s.stop(c.stopId());
      if (stop == null) {
        return Effect()
            .reply(
                c.replyTo(),
                DomainError.reply(
                    new DomainError.Invalid(
                        "stop "
                            + c.stopId()
                            + " is not on route version "
                            + s.routeVersion()
                            + " of vehicle "
                            + vehicleId)));
      }
      Progress p = s.progressOf(c.stopId());
      boolean repeat =
          c.kind() == StopEventKind.ARRIVED ? p.arrivedAtMs() != 0 : p.departedAtMs() != 0;
      if (repeat) return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
    } else if ((c.kind() == StopEventKind.RETURNED && s.status() == Status.IDLE)
        || (c.kind() == StopEventKind.DEPARTED_DEPOT && s.status() != Status.LOADING)) {
      return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
    }
    long at = c.atMs() > 0 ? c.atMs() : clock.millis();
    return Effect()
        .persist(new StopReported(c.kind(), c.stopId(), at))
        .thenRun(
            next -> {
              sendUpdate(
                  next, at, null); // the region learns departures, visits and returns at once
            })
        .thenReply(c.replyTo(), next -> StatusReply.success(summary(next)));
  }

  private ReplyEffect<Event, VehicleState> onAcknowledge(VehicleState s, Acknowledge c) {
    DomainError problem = driverProblem(s, c.driverId());
    if (problem != null) return Effect().reply(c.replyTo(), DomainError.reply(problem));
    if (c.version() > s.routeVersion()) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.Invalid(
                      "version "
                          + c.version()
                          + " was never sent; the current route version is "
                          + s.routeVersion())));
    }
    if (c.version() <= s.ackedVersion())
      return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
    return Effect()
        .persist(new RouteAcknowledged(c.version()))
        .thenReply(c.replyTo(), next -> StatusReply.success(summary(next)));
  }

  private ReplyEffect<Event, VehicleState> onIncident(VehicleState s, ReportIncident c) {
    DomainError problem = driverProblem(s, c.driverId());
    if (problem != null) return Effect().reply(c.replyTo(), DomainError.reply(problem));
    if (c.kind() == null) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(new DomainError.Invalid("incident kind must be JAM or BREAKDOWN")));
    }
    if (c.kind() == IncidentKind.JAM && (c.delayMinutes() <= 0 || c.delayMinutes() > 24 * 60)) {
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(new DomainError.Invalid("a jam needs delayMinutes in 1..1440")));
    }
    long at = c.atMs() > 0 ? c.atMs() : clock.millis();
    IncidentReported incident =
        new IncidentReported(
            c.kind(), Math.max(0, c.delayMinutes()), c.note() == null ? "" : c.note(), at);
    VehicleState after = s.apply(incident);
    List<Event> events = new ArrayList<>(List.of(incident));
    List<DelayPredicted> delays = predictDelays(after, at);
    events.addAll(delays);
    return Effect()
        .persist(events)
        .thenRun(next -> sendUpdate(next, at, delays.isEmpty() ? null : delays.get(0)))
        .thenReply(c.replyTo(), next -> StatusReply.success(summary(next)));
  }

  private ReplyEffect<Event, VehicleState> onConnect(VehicleState s, Connect c) {
    DomainError problem = driverProblem(s, c.driverId());
    if (problem != null) return Effect().reply(c.replyTo(), DomainError.reply(problem));
    // the socket re-attaches periodically, so an entity restarted on another node finds its driver
    // again
    if (!drivers.contains(c.driver())) {
      drivers.add(c.driver());
      context.watchWith(c.driver(), new DriverGone(c.driver()));
      c.driver().tell(routePush(s, "current route"));
    }
    return Effect().reply(c.replyTo(), StatusReply.success(summary(s)));
  }

  private DomainError driverProblem(VehicleState s, String driverId) {
    if (!s.registered()) return new DomainError.NotFound("no vehicle " + vehicleId);
    if (driverId != null && !driverId.equals(s.driverId())) {
      return new DomainError.Conflict("vehicle " + vehicleId + " is not driven by " + driverId);
    }
    return null;
  }

  private void push(VehicleState s, String reason) {
    RoutePush p = routePush(s, reason);
    drivers.forEach(d -> d.tell(p));
  }

  private RoutePush routePush(VehicleState s, String reason) {
    return new RoutePush(vehicleId, s.routeVersion(), reason == null ? "" : reason, views(s));
  }

  private List<StopView> views(VehicleState s) {
    Map<String, DelayPredictor.Eta> etas = new LinkedHashMap<>();
    Fix lastFix = motion.lastFix();
    motion
        .etas(s, lastFix != null ? Math.max(lastFix.atMs(), clock.millis()) : clock.millis())
        .forEach(e -> etas.put(e.stopId(), e));
    List<StopView> out = new ArrayList<>();
    for (RouteStop r : s.stops()) {
      Progress p = s.progressOf(r.stopId());
      DelayPredictor.Eta eta = etas.get(r.stopId());
      String progress =
          p.departedAtMs() != 0 ? "DEPARTED" : p.arrivedAtMs() != 0 ? "ARRIVED" : "PENDING";
      long etaMs = eta != null ? eta.etaMs() : p.arrivedAtMs();
      out.add(
          new StopView(
              r.stopId(),
              r.lat(),
              r.lng(),
              r.units(),
              r.windowStartMs(),
              r.windowEndMs(),
              r.orderIds(),
              r.plannedEtaMs(),
              etaMs,
              eta != null ? eta.latenessMs() : 0,
              progress));
    }
    return out;
  }

  private Summary summary(VehicleState s) {
    return new Summary(
        vehicleId,
        s.driverId(),
        s.regionId(),
        s.status(),
        s.capacity(),
        s.routeVersion(),
        s.ackedVersion(),
        views(s),
        motion.lastFix(),
        motion.speedKmh(),
        s.incident() == null ? "" : s.incident().name());
  }

  @Override
  public EventHandler<VehicleState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(VehicleState::apply);
  }
}
