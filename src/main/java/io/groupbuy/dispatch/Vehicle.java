package io.groupbuy.dispatch;

import com.typesafe.config.Config;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

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
 * <p>This file is the protocol; the state and how events change it are {@link VehicleState}, the
 * behaviour {@link VehicleBehavior}.
 *
 * <p>The driver's app is attached with {@link Connect}; route versions are pushed to it and it
 * acknowledges them.
 */
public final class Vehicle {
  private Vehicle() {}

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
    return Behaviors.setup(ctx -> new VehicleBehavior(vehicleId, ctx, settings, region, clock));
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
}
