package io.groupbuy.dispatch;

import com.typesafe.config.Config;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.routing.FleetPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

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
 *
 * <p>This file is the region's protocol: its commands, replies and events. The entity is {@link
 * RegionBehavior}, its state {@link RegionState}; the solver's problem is built by {@link
 * RegionProblem} and a solution becomes a plan in {@link PlanDiff}.
 */
public final class DispatchRegion {
  private DispatchRegion() {}

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "DispatchRegion");

  public record Settings(
      Duration cutoffTimeLimit,
      Duration rerouteTimeLimit,
      double vehicleFixedCostKm,
      double latePenaltyKmPerMinute,
      double roadFactor,
      Duration shiftAfterWindow,
      Duration urgentWindow,
      double transferCostKm,
      int snapshotEvery,
      int snapshotOrdersPerEvent,
      int snapshotEveryMax) {
    public Settings {
      if (snapshotEvery < 1 || snapshotOrdersPerEvent < 1 || snapshotEveryMax < snapshotEvery) {
        throw new IllegalArgumentException(
            "groupbuy.dispatch.region: snapshot-every and snapshot-orders-per-event must be >= 1,"
                + " snapshot-every-max >= snapshot-every");
      }
    }

    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("cutoff-time-limit"),
          c.getDuration("reroute-time-limit"),
          c.getDouble("vehicle-fixed-cost-km"),
          c.getDouble("late-penalty-km-per-minute"),
          c.getDouble("road-factor"),
          c.getDuration("shift-after-window"),
          c.getDuration("urgent-window"),
          c.getDouble("transfer-cost-km"),
          c.getInt("snapshot-every"),
          c.getInt("snapshot-orders-per-event"),
          c.getInt("snapshot-every-max"));
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
        String orderId, DeliveryStatus status, String regionId, String vehicleId, String stopId);
  }

  /** How far an order's delivery has come, as the region tells it. */
  public enum DeliveryStatus {
    WAVED,
    OUT_FOR_DELIVERY,
    AT_PICKUP_POINT
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
      Vehicle.Status status,
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
      RegionProblem problem,
      FleetPlan plan,
      ActorRef<StatusReply<PlanView>> replyTo,
      Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  record Resend() implements Command {}

  /** Internal, from the region to its front: it has recovered (started, or restarted). */
  record Recovered() implements Command, NoSerializationVerificationNeeded {}

  /**
   * Internal, from the region entity to its front after every change: what plan and ETA queries are
   * answered from, so that they do not wait behind the entity's journal writes. Sent before the
   * change is acknowledged, so a query after an acknowledgement sees it.
   */
  record ViewSource(RegionState state, Map<String, VehicleUpdate> latest, long lastSolveMillis)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * Internal, from the region's front ({@link RegionFront}): orders that arrived while the last
   * batch was being written, journalled together; {@code front} hears {@link OrdersWritten} once
   * every one is acknowledged.
   */
  record AddOrders(List<AddOrder> orders, long number, ActorRef<Command> front)
      implements Command, NoSerializationVerificationNeeded {}

  /** Internal: the batch of orders of that number is written and acknowledged. */
  record OrdersWritten(long number) implements Command {}

  record RouteAcked(String vehicleId, long version) implements Command {}

  /** The order was told (or, with a null status, could not be told) its delivery status. */
  record OrderAcked(OrderDelivery delivery, DeliveryStatus status) implements Command {}

  /** One order on one vehicle's stop: what a delivery status is about. */
  record OrderDelivery(String orderId, String vehicleId, String stopId) {}

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

  /**
   * The sharded regions, each behind its {@link RegionFront}, which batches orders as {@code
   * batching} says; {@code batchSizes} hears how many orders each write carries.
   */
  public static void init(
      ActorSystem<?> system,
      Settings settings,
      Links links,
      GroupCommitFront.Settings batching,
      IntConsumer batchSizes) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                ENTITY_KEY,
                ctx ->
                    RegionFront.create(
                        ctx.getEntityId(),
                        front -> create(ctx.getEntityId(), settings, links, front),
                        batching,
                        batchSizes)));
  }

  /** The region entity alone, answering its queries itself (tests). */
  public static Behavior<Command> create(String regionId, Settings settings, Links links) {
    return create(regionId, settings, links, null);
  }

  /** The region entity behind its front, which it tells what queries are answered from. */
  static Behavior<Command> create(
      String regionId, Settings settings, Links links, ActorRef<Command> front) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new RegionBehavior(
                        regionId, ctx, timers, settings, links, Clock.systemUTC(), front)));
  }
}
