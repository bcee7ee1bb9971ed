package io.groupbuy.dispatch;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.http.ApiError;
import io.groupbuy.order.Order;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The wiring between orders, dispatch regions and vehicles through cluster sharding: orders hand themselves to their
 * region (the order's warehouse), regions hand routes to vehicles and delivery statuses to orders, vehicles report to
 * their region.
 */
public final class ShardedDispatch implements Order.DispatchGateway, DispatchRegion.Links, Vehicle.RegionLink {
  private final ClusterSharding sharding;
  private final Catalog catalog;
  private final Duration timeout;

  public ShardedDispatch(ActorSystem<?> system, Catalog catalog, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.catalog = catalog;
    this.timeout = timeout;
  }

  public EntityRef<DispatchRegion.Command> region(String regionId) {
    return sharding.entityRefFor(DispatchRegion.ENTITY_KEY, regionId);
  }

  public EntityRef<Vehicle.Command> vehicle(String vehicleId) {
    return sharding.entityRefFor(Vehicle.ENTITY_KEY, vehicleId);
  }

  @Override
  public CompletionStage<?> add(String orderId, Order.Details details, int units) {
    return catalog.pickupPoint(details.pickupPointId()).thenCompose(found -> {
      var point = found.orElseThrow(() -> new ApiError.Failure(422, "unknown-pickup-point",
          "no pickup point " + details.pickupPointId(), "pickupPointId"));
      return region(details.warehouseId()).<Done>askWithStatus(r -> new DispatchRegion.AddOrder(orderId, point.id(),
          point.lat(), point.lng(), units, details.urgent(), r), timeout);
    });
  }

  @Override
  public CompletionStage<?> remove(String orderId, String warehouseId, String reason) {
    return region(warehouseId).<Done>askWithStatus(r -> new DispatchRegion.RemoveOrder(orderId, reason, r), timeout);
  }

  @Override
  public CompletionStage<Long> assignRoute(String vehicleId, Vehicle.AssignRoute c) {
    return vehicle(vehicleId).askWithStatus(r -> new Vehicle.AssignRoute(c.regionId(), c.version(), c.stops(),
        c.reason(), r), timeout);
  }

  @Override
  public CompletionStage<?> deliveryStatus(String orderId, String status, String regionId, String vehicleId,
                                           String stopId) {
    return sharding.entityRefFor(Order.ENTITY_KEY, orderId).<Done>askWithStatus(r -> new Order.UpdateDelivery(
        Order.Status.valueOf(status), vehicleId, stopId, r), timeout);
  }

  @Override
  public void update(String regionId, DispatchRegion.VehicleUpdate update) {
    region(regionId).tell(update);
  }
}
