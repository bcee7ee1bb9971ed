package io.groupbuy.order;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.coupon.Campaign;
import io.groupbuy.dispatch.DispatchRegion;
import io.groupbuy.dispatch.ShardedDispatch;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Metrics;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The order saga's ports bound to the sharded entities of the features it calls. They live here,
 * with the caller, so that inventory and dispatch know nothing of orders.
 */
public final class SagaAdapters {
  private SagaAdapters() {}

  public static Order.InventoryGateway inventory(ShardedInventory inventory) {
    return new Order.InventoryGateway() {
      @Override
      public CompletionStage<Long> reserve(
          String sku, String warehouseId, String orderId, int quantity) {
        return inventory
            .reserve(sku, warehouseId, orderId, quantity)
            .thenApply(ProductInventory.Stock::priceFen);
      }

      @Override
      public CompletionStage<?> release(String sku, String warehouseId, String orderId) {
        return inventory.release(sku, warehouseId, orderId);
      }

      @Override
      public CompletionStage<?> commit(String sku, String warehouseId, String orderId) {
        return inventory.commit(sku, warehouseId, orderId);
      }
    };
  }

  /**
   * Orders hand themselves to their region (the order's warehouse), at the pickup point's
   * coordinates.
   */
  public static Order.DispatchGateway dispatch(
      ShardedDispatch dispatch, Catalog catalog, Metrics metrics) {
    return new Order.DispatchGateway() {
      @Override
      public CompletionStage<?> add(String orderId, Order.Details details, int units) {
        return counted("add", addOrder(orderId, details, units));
      }

      @Override
      public CompletionStage<?> remove(String orderId, String warehouseId, String reason) {
        return counted(
            "remove",
            dispatch
                .region(warehouseId)
                .<Done>askWithStatus(
                    r -> new DispatchRegion.RemoveOrder(orderId, reason, r), dispatch.timeout()));
      }

      private CompletionStage<?> counted(String what, CompletionStage<?> handOver) {
        return handOver.whenComplete(
            (ok, failure) -> {
              if (failure != null) metrics.dispatchHandOverFailures.labelValues(what).inc();
            });
      }

      private CompletionStage<?> addOrder(String orderId, Order.Details details, int units) {
        return catalog
            .pickupPoint(details.pickupPointId())
            .thenCompose(
                found -> {
                  var point =
                      found.orElseThrow(
                          () ->
                              new DomainError.NotFound(
                                      "no pickup point " + details.pickupPointId(), "pickupPointId")
                                  .failure());
                  return dispatch
                      .region(details.warehouseId())
                      .<Done>askWithStatus(
                          r ->
                              new DispatchRegion.AddOrder(
                                  orderId,
                                  point.id(),
                                  point.lat(),
                                  point.lng(),
                                  units,
                                  details.urgent(),
                                  r),
                          dispatch.timeout());
                });
      }
    };
  }

  /**
   * Orders redeem their customer's coupon at its campaign, the entity named by the coupon id's part
   * before its last colon ({@code campaignId:n}).
   */
  public static Order.CouponGateway coupons(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new Order.CouponGateway() {
      @Override
      public CompletionStage<Long> redeem(
          String couponId, String customerId, String orderId, long subtotalFen) {
        return sharding
            .entityRefFor(Campaign.ENTITY_KEY, campaignOf(couponId))
            .<Campaign.Coupon>askWithStatus(
                r -> new Campaign.Redeem(couponId, customerId, orderId, subtotalFen, r), timeout)
            .thenApply(Campaign.Coupon::discountFen);
      }

      @Override
      public CompletionStage<?> giveBack(String couponId, String orderId) {
        return sharding
            .entityRefFor(Campaign.ENTITY_KEY, campaignOf(couponId))
            .<Campaign.Coupon>askWithStatus(
                r -> new Campaign.Release(couponId, orderId, r), timeout);
      }
    };
  }

  static String campaignOf(String couponId) {
    int colon = couponId.lastIndexOf(':');
    return colon > 0 ? couponId.substring(0, colon) : couponId;
  }

  /** Regions tell orders how their delivery goes. */
  public static DispatchRegion.OrderUpdates deliveryUpdates(
      ActorSystem<?> system, Duration timeout) {
    Orders orders = Orders.fromConfig(system);
    return (orderId, status, regionId, vehicleId, stopId) ->
        orders.<Done>ask(
            orderId,
            r -> new Order.UpdateDelivery(orderStatus(status), vehicleId, stopId, r),
            timeout);
  }

  static Order.Status orderStatus(DispatchRegion.DeliveryStatus status) {
    return switch (status) {
      case WAVED -> Order.Status.WAVED;
      case OUT_FOR_DELIVERY -> Order.Status.OUT_FOR_DELIVERY;
      case AT_PICKUP_POINT -> Order.Status.AT_PICKUP_POINT;
    };
  }
}
