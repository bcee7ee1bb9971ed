package io.groupbuy.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The wiring between dispatch regions and vehicles through cluster sharding: regions hand routes to
 * vehicles and delivery statuses to orders (through the {@link DispatchRegion.OrderUpdates} port
 * the order feature provides), vehicles report to their region.
 */
public final class ShardedDispatch implements DispatchRegion.Links, Vehicle.RegionLink {
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final DispatchRegion.OrderUpdates orders;

  public ShardedDispatch(
      ActorSystem<?> system, Duration timeout, DispatchRegion.OrderUpdates orders) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.orders = orders;
  }

  public EntityRef<DispatchRegion.Command> region(String regionId) {
    return sharding.entityRefFor(DispatchRegion.ENTITY_KEY, regionId);
  }

  public EntityRef<Vehicle.Command> vehicle(String vehicleId) {
    return sharding.entityRefFor(Vehicle.ENTITY_KEY, vehicleId);
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public CompletionStage<Long> assignRoute(String vehicleId, Vehicle.AssignRoute c) {
    return vehicle(vehicleId)
        .askWithStatus(
            r -> new Vehicle.AssignRoute(c.regionId(), c.version(), c.stops(), c.reason(), r),
            timeout);
  }

  @Override
  public CompletionStage<?> deliveryStatus(
      String orderId,
      DispatchRegion.DeliveryStatus status,
      String regionId,
      String vehicleId,
      String stopId) {
    return orders.deliveryStatus(orderId, status, regionId, vehicleId, stopId);
  }

  @Override
  public void update(String regionId, DispatchRegion.VehicleUpdate update) {
    region(regionId).tell(update);
  }
}
