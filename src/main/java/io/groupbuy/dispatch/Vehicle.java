package io.groupbuy.dispatch;

import com.typesafe.config.Config;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * One delivery vehicle; entity id is the vehicle id.
 *
 * <p>Holds its driver, capacity, status, the current route (stops, planned ETAs, a version that
 * only grows) and the last GPS fix. Fixes update memory at full rate; the journal gets route
 * changes, stop events, incidents, predicted delays and a track sampled at most once per {@link
 * Settings#trackSampleInterval()}. After every fix the remaining stops' ETAs are predicted from the
 * speed the vehicle actually manages; when one will miss its window by more than {@link
 * Settings#delayThreshold()}, {@code DelayPredicted} is persisted (once per stop and route version)
 * and the vehicle's region is told, so it can move stops to other vehicles.
 *
 * <p>The driver's app is attached with {@link Connect}; route versions are pushed to it and it
 * acknowledges them.
 */
public final class Vehicle
    extends EventSourcedBehaviorWithEnforcedReplies<Vehicle.Command, Vehicle.Event, Vehicle.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Vehicle");
  public static final String DEPOT = "depot";

  public enum Status {
    OFF_DUTY,
    IDLE,
    LOADING,
    EN_ROUTE,
    RETURNING,
    BROKEN_DOWN
  }

  public enum IncidentKind {
    JAM,
    BREAKDOWN;

    /** The kind a driver's app names, or empty when it names none (the names are exact). */
    public static Optional<IncidentKind> parse(String name) {
      for (IncidentKind k : values()) if (k.name().equals(name)) return Optional.of(k);
      return Optional.empty();
    }
  }

  public enum StopEventKind {
    DEPARTED_DEPOT,
    ARRIVED,
    DEPARTED,
    RETURNED
  }

  public record Settings(
      double plannedSpeedKmh,
      double roadFactor,
      Duration delayThreshold,
      Duration trackSampleInterval,
      Duration progressInterval) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDouble("planned-speed-kmh"),
          c.getDouble("road-factor"),
          c.getDuration("delay-threshold"),
          c.getDuration("track-sample-interval"),
          c.getDuration("progress-interval"));
    }
  }

  /** Where the vehicle tells its region about progress and predicted delays. */
  public interface RegionLink {
    void update(String regionId, DispatchRegion.VehicleUpdate update);
  }

  public record Fix(double lat, double lng, double speedKmh, long atMs)
      implements CborSerializable {}

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  public record Register(
      String driverId,
      int capacity,
      String regionId,
      double depotLat,
      double depotLng,
      ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /**
   * From the region: the route to drive; an older or equal version is acknowledged without change.
   */
  public record AssignRoute(
      String regionId,
      long version,
      List<RouteStop> stops,
      String reason,
      ActorRef<StatusReply<Long>> replyTo)
      implements Command {}

  /**
   * A GPS fix, already validated at the edge ({@code receivedAtMicros}: when, in epoch
   * microseconds); older or duplicate fixes are ignored.
   */
  public record Gps(Fix fix, long receivedAtMicros, ActorRef<Command> handledTo)
      implements Command {
    public Gps(Fix fix) {
      this(fix, 0, null);
    }
  }

  /**
   * Fixes of one vehicle that arrived together at the edge (a busy socket or a gateway batch), with
   * when each was received (epoch microseconds); {@code reachedTo} hears once the entity has them.
   */
  public record GpsFixes(List<Fix> fixes, List<Long> receivedAtMicros, ActorRef<Done> reachedTo)
      implements Command {
    public GpsFixes {
      fixes = List.copyOf(fixes);
      receivedAtMicros = List.copyOf(receivedAtMicros);
    }

    Fix newest() {
      return fixes.stream().max(Comparator.comparingLong(Fix::atMs)).orElseThrow();
    }
  }

  /**
   * Internal: the persistent part has handled a fix (and written whatever it wrote); the next may
   * come.
   */
  enum GpsHandled implements Command {
    INSTANCE
  }

  public record ReportStop(
      String driverId,
      StopEventKind kind,
      String stopId,
      long atMs,
      ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Acknowledge(String driverId, long version, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /**
   * A jam ({@code delayMinutes} held up) or a breakdown (the vehicle can no longer serve its
   * stops).
   */
  public record ReportIncident(
      String driverId,
      IncidentKind kind,
      int delayMinutes,
      String note,
      long atMs,
      ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /**
   * The driver's app attaches; it receives the current route at once and every new version after.
   * Attaching again with the same app changes nothing.
   */
  public record Connect(
      String driverId, ActorRef<Push> driver, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  record DriverGone(ActorRef<Push> driver) implements Command {}

  // ---- to the driver's app ----
  public sealed interface Push extends CborSerializable {}

  /** A route version for the driver; {@code reason} says why it changed. */
  public record RoutePush(String vehicleId, long version, String reason, List<StopView> stops)
      implements Push {}

  // ---- replies ----
  public record StopView(
      String stopId,
      double lat,
      double lng,
      int units,
      long windowStartMs,
      long windowEndMs,
      List<String> orderIds,
      long plannedEtaMs,
      long etaMs,
      long latenessMs,
      String progress)
      implements CborSerializable {}

  public record Summary(
      String vehicleId,
      String driverId,
      String regionId,
      Status status,
      int capacity,
      long routeVersion,
      long ackedVersion,
      List<StopView> stops,
      Fix lastFix,
      double speedKmh,
      String incident)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  public record VehicleRegistered(
      String driverId, int capacity, String regionId, double depotLat, double depotLng)
      implements Event {}

  public record RouteAssigned(long version, String regionId, List<RouteStop> stops, long atMs)
      implements Event {
    public RouteAssigned {
      stops = List.copyOf(stops);
    }
  }

  public record RouteAcknowledged(long version) implements Event {}

  public record StopReported(StopEventKind kind, String stopId, long atMs) implements Event {}

  public record TrackSampled(Fix fix) implements Event {}

  public record IncidentReported(IncidentKind kind, int delayMinutes, String note, long atMs)
      implements Event {}

  public record DelayPredicted(
      String stopId, long routeVersion, long predictedEtaMs, long latenessSeconds)
      implements Event {}

  /** Arrival and departure times at one stop of the current route (0 = not yet). */
  public record Progress(long arrivedAtMs, long departedAtMs) {}

  public record State(
      String driverId,
      int capacity,
      String regionId,
      double depotLat,
      double depotLng,
      Status status,
      long routeVersion,
      List<RouteStop> stops,
      Map<String, Progress> progress,
      long ackedVersion,
      Fix lastTrack,
      IncidentKind incident,
      long jamUntilMs)
      implements ProtoPersisted {
    public static final State EMPTY =
        new State("", 0, "", 0, 0, Status.OFF_DUTY, 0, List.of(), Map.of(), 0, null, null, 0);

    public State {
      stops = List.copyOf(stops);
      progress = Collections.unmodifiableMap(new LinkedHashMap<>(progress));
    }

    boolean registered() {
      return !driverId.isEmpty();
    }

    RouteStop stop(String stopId) {
      return stops.stream().filter(s -> s.stopId().equals(stopId)).findFirst().orElse(null);
    }

    Progress progressOf(String stopId) {
      return progress.getOrDefault(stopId, new Progress(0, 0));
    }

    /** Stops not yet departed, in route order. */
    List<RouteStop> remaining() {
      return stops.stream().filter(s -> progressOf(s.stopId()).departedAtMs() == 0).toList();
    }

    State apply(Event event) {
      if (event instanceof VehicleRegistered e) {
        Status next = status == Status.OFF_DUTY ? Status.IDLE : status;
        return new State(
            e.driverId(),
            e.capacity(),
            e.regionId(),
            e.depotLat(),
            e.depotLng(),
            next,
            routeVersion,
            stops,
            progress,
            ackedVersion,
            lastTrack,
            incident,
            jamUntilMs);
      } else if (event instanceof RouteAssigned e) {
        // progress on stops that stay on the route is kept: a reroute does not un-serve anything
        Map<String, Progress> kept = new LinkedHashMap<>();
        e.stops()
            .forEach(
                s -> {
                  if (progress.containsKey(s.stopId()))
                    kept.put(s.stopId(), progress.get(s.stopId()));
                });
        Status next;
        if (status == Status.BROKEN_DOWN) next = status;
        else if (e.stops().isEmpty())
          next =
              status == Status.EN_ROUTE
                  ? Status.RETURNING
                  : status == Status.LOADING ? Status.IDLE : status;
        else if (status == Status.IDLE || status == Status.OFF_DUTY) next = Status.LOADING;
        else next = status == Status.RETURNING ? Status.EN_ROUTE : status;
        return new State(
            driverId,
            capacity,
            e.regionId(),
            depotLat,
            depotLng,
            next,
            e.version(),
            e.stops(),
            kept,
            ackedVersion,
            lastTrack,
            incident,
            jamUntilMs);
      } else if (event instanceof RouteAcknowledged e) {
        return new State(
            driverId,
            capacity,
            regionId,
            depotLat,
            depotLng,
            status,
            routeVersion,
            stops,
            progress,
            Math.max(ackedVersion, e.version()),
            lastTrack,
            incident,
            jamUntilMs);
      } else if (event instanceof StopReported e) {
        Map<String, Progress> p = new LinkedHashMap<>(progress);
        Status next = status;
        switch (e.kind()) {
          case DEPARTED_DEPOT -> next = Status.EN_ROUTE;
          case ARRIVED -> {
            p.put(e.stopId(), new Progress(e.atMs(), 0));
            if (status == Status.LOADING) next = Status.EN_ROUTE;
          }
          case DEPARTED -> {
            Progress before = progressOf(e.stopId());
            p.put(
                e.stopId(),
                new Progress(
                    before.arrivedAtMs() == 0 ? e.atMs() : before.arrivedAtMs(), e.atMs()));
          }
          case RETURNED -> next = Status.IDLE;
        }
        State s =
            new State(
                driverId,
                capacity,
                regionId,
                depotLat,
                depotLng,
                next,
                routeVersion,
                stops,
                p,
                ackedVersion,
                lastTrack,
                incident,
                jamUntilMs);
        if (e.kind() == StopEventKind.DEPARTED
            && s.remaining().isEmpty()
            && status != Status.BROKEN_DOWN) {
          s =
              new State(
                  driverId,
                  capacity,
                  regionId,
                  depotLat,
                  depotLng,
                  Status.RETURNING,
                  routeVersion,
                  stops,
                  p,
                  ackedVersion,
                  lastTrack,
                  incident,
                  jamUntilMs);
        }
        if (e.kind() == StopEventKind.RETURNED) {
          s =
              new State(
                  driverId,
                  capacity,
                  regionId,
                  depotLat,
                  depotLng,
                  Status.IDLE,
                  routeVersion,
                  List.of(),
                  Map.of(),
                  ackedVersion,
                  lastTrack,
                  null,
                  0);
        }
        return s;
      } else if (event instanceof TrackSampled e) {
        return new State(
            driverId,
            capacity,
            regionId,
            depotLat,
            depotLng,
            status,
            routeVersion,
            stops,
            progress,
            ackedVersion,
            e.fix(),
            incident,
            jamUntilMs);
      } else if (event instanceof IncidentReported e) {
        boolean breakdown = e.kind() == IncidentKind.BREAKDOWN;
        long jam =
            breakdown ? jamUntilMs : Math.max(jamUntilMs, e.atMs() + e.delayMinutes() * 60_000L);
        return new State(
            driverId,
            capacity,
            regionId,
            depotLat,
            depotLng,
            breakdown ? Status.BROKEN_DOWN : status,
            routeVersion,
            stops,
            progress,
            ackedVersion,
            lastTrack,
            e.kind(),
            jam);
      } else if (event instanceof DelayPredicted) {
        return this;
      }
      throw new IllegalArgumentException("unknown event " + event);
    }
  }

  public static void init(
      ActorSystem<?> system,
      Settings settings,
      RegionLink region,
      DoubleConsumer fixLatencySeconds,
      Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                ENTITY_KEY,
                ctx -> entity(ctx.getEntityId(), settings, region, fixLatencySeconds, clock)));
  }

  /** The persistent vehicle alone (behaviour tests); the cluster runs it behind {@link #entity}. */
  public static Behavior<Command> create(String vehicleId, Settings settings, RegionLink region) {
    return create(vehicleId, settings, region, Clock.systemUTC());
  }

  public static Behavior<Command> create(
      String vehicleId, Settings settings, RegionLink region, Clock clock) {
    return Behaviors.setup(ctx -> new Vehicle(vehicleId, ctx, settings, region, clock));
  }

  /**
   * The sharded entity: a small front actor that takes GPS fixes at any rate and hands them to the
   * persistent vehicle one at a time, keeping only the newest while one is being handled; every
   * other command passes straight through. Without it, fixes arriving while the vehicle writes an
   * event pile up in its stash, and replaying thousands of stashed commands that write nothing
   * recurses deep enough to overflow the stack (a known limitation of the persistence library).
   * {@code fixLatencySeconds} hears how long each fix took from the edge to the entity.
   */
  public static Behavior<Command> entity(
      String vehicleId,
      Settings settings,
      RegionLink region,
      DoubleConsumer fixLatencySeconds,
      Clock clock) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Command> vehicle =
              ctx.spawn(create(vehicleId, settings, region, clock), "state");
          ctx.watch(vehicle);
          return new GpsFront(ctx.getSelf(), vehicle, fixLatencySeconds, clock).behavior();
        });
  }

  /** The sharded entity on the system clock. */
  public static Behavior<Command> entity(
      String vehicleId, Settings settings, RegionLink region, DoubleConsumer fixLatencySeconds) {
    return entity(vehicleId, settings, region, fixLatencySeconds, Clock.systemUTC());
  }

  private final String vehicleId;
  private final ActorContext<Command> context;
  private final Settings settings;
  private final RegionLink region;
  private final Clock clock;
  private final DelayPredictor predictor;
  // Memory only: full-rate GPS, the speed the vehicle manages, attached drivers' apps, what was
  // already reported.
  private Fix lastFix;
  private double speedEwma = Double.NaN;
  private long lastProgressSentMs;
  private final Set<String> delaysPredicted = new HashSet<>();
  private final List<ActorRef<Push>> drivers = new ArrayList<>();

  private Vehicle(
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
    this.predictor = new DelayPredictor(settings.roadFactor());
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("vehicle");
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              lastFix = s.lastTrack();
              for (RouteStop stop : s.stops())
                delaysPredicted.add(delayKey(s.routeVersion(), stop.stopId()));
            })
        .build();
  }

  private static String delayKey(long version, String stopId) {
    return version + "/" + stopId;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
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

  private ReplyEffect<Event, State> onRegister(State s, Register c) {
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

  private ReplyEffect<Event, State> onAssign(State s, AssignRoute c) {
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

  private ReplyEffect<Event, State> onGps(State s, Gps c) {
    Fix fix = c.fix();
    if (!s.registered() || (lastFix != null && fix.atMs() <= lastFix.atMs())) {
      if (c.handledTo() != null) c.handledTo().tell(GpsHandled.INSTANCE);
      return Effect().noReply();
    }
    double speed = fix.speedKmh();
    if (speed < 0 && lastFix != null) {
      double hours = (fix.atMs() - lastFix.atMs()) / 3_600_000.0;
      speed = predictor.roadKm(lastFix.lat(), lastFix.lng(), fix.lat(), fix.lng()) / hours;
    }
    // standing at a stop or at the warehouse is service, not traffic: it must not slow the
    // predicted driving
    boolean serving = speed >= 0 && speed < 3 && nearStopOrDepot(s, fix);
    if (speed >= 0 && !serving)
      speedEwma = Double.isNaN(speedEwma) ? speed : 0.8 * speedEwma + 0.2 * speed;
    lastFix = fix;
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

  private boolean nearStopOrDepot(State s, Fix fix) {
    if (predictor.roadKm(fix.lat(), fix.lng(), s.depotLat(), s.depotLng()) < 0.3) return true;
    return s.remaining().stream()
        .limit(1)
        .anyMatch(r -> predictor.roadKm(fix.lat(), fix.lng(), r.lat(), r.lng()) < 0.3);
  }

  /**
   * New delays beyond the threshold on the current route; each stop reported once per route
   * version.
   */
  private List<DelayPredicted> predictDelays(State s, long nowMs) {
    if (lastFix == null || s.status() == Status.BROKEN_DOWN) return List.of();
    List<DelayPredicted> out = new ArrayList<>();
    for (DelayPredictor.Eta eta : etas(s, nowMs)) {
      if (eta.latenessMs() > settings.delayThreshold().toMillis()
          && delaysPredicted.add(delayKey(s.routeVersion(), eta.stopId()))) {
        out.add(
            new DelayPredicted(
                eta.stopId(), s.routeVersion(), eta.etaMs(), eta.latenessMs() / 1000));
      }
    }
    return out;
  }

  /**
   * Speed used for predictions: what the vehicle manages lately, never above the planned road
   * speed.
   */
  private double speedKmh() {
    double planned = settings.plannedSpeedKmh();
    if (Double.isNaN(speedEwma)) return planned;
    return Math.max(planned * 0.1, Math.min(planned, speedEwma));
  }

  private List<DelayPredictor.Eta> etas(State s, long nowMs) {
    List<RouteStop> remaining = s.remaining();
    if (remaining.isEmpty()) return List.of();
    double lat = lastFix != null ? lastFix.lat() : s.depotLat();
    double lng = lastFix != null ? lastFix.lng() : s.depotLng();
    long depart = Math.max(nowMs, s.jamUntilMs());
    return predictor.predict(lat, lng, depart, speedKmh(), remaining);
  }

  private void sendUpdate(State s, long nowMs, DelayPredicted delay) {
    lastProgressSentMs = nowMs;
    if (s.regionId().isEmpty()) return;
    double lat = lastFix != null ? lastFix.lat() : s.depotLat();
    double lng = lastFix != null ? lastFix.lng() : s.depotLng();
    List<String> remaining = s.remaining().stream().map(RouteStop::stopId).toList();
    // the stop the driver has arrived at, or is the next to reach, stays with this vehicle
    int committed = remaining.isEmpty() || s.status() == Status.LOADING ? 0 : 1;
    Map<String, Long> etas = new LinkedHashMap<>();
    etas(s, nowMs).forEach(e -> etas.put(e.stopId(), e.etaMs()));
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

  private ReplyEffect<Event, State> onReportStop(State s, ReportStop c) {
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

  private ReplyEffect<Event, State> onAcknowledge(State s, Acknowledge c) {
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

  private ReplyEffect<Event, State> onIncident(State s, ReportIncident c) {
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
    State after = s.apply(incident);
    List<Event> events = new ArrayList<>(List.of(incident));
    List<DelayPredicted> delays = predictDelays(after, at);
    events.addAll(delays);
    return Effect()
        .persist(events)
        .thenRun(next -> sendUpdate(next, at, delays.isEmpty() ? null : delays.get(0)))
        .thenReply(c.replyTo(), next -> StatusReply.success(summary(next)));
  }

  private ReplyEffect<Event, State> onConnect(State s, Connect c) {
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

  private DomainError driverProblem(State s, String driverId) {
    if (!s.registered()) return new DomainError.NotFound("no vehicle " + vehicleId);
    if (driverId != null && !driverId.equals(s.driverId())) {
      return new DomainError.Conflict("vehicle " + vehicleId + " is not driven by " + driverId);
    }
    return null;
  }

  private void push(State s, String reason) {
    RoutePush p = routePush(s, reason);
    drivers.forEach(d -> d.tell(p));
  }

  private RoutePush routePush(State s, String reason) {
    return new RoutePush(vehicleId, s.routeVersion(), reason == null ? "" : reason, views(s));
  }

  private List<StopView> views(State s) {
    Map<String, DelayPredictor.Eta> etas = new LinkedHashMap<>();
    etas(s, lastFix != null ? Math.max(lastFix.atMs(), clock.millis()) : clock.millis())
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

  private Summary summary(State s) {
    return new Summary(
        vehicleId,
        s.driverId(),
        s.regionId(),
        s.status(),
        s.capacity(),
        s.routeVersion(),
        s.ackedVersion(),
        views(s),
        lastFix,
        speedKmh(),
        s.incident() == null ? "" : s.incident().name());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }
}
