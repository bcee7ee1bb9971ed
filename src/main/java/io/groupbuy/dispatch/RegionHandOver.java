package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.DeliveryStatus;
import io.groupbuy.dispatch.DispatchRegion.Links;
import io.groupbuy.dispatch.DispatchRegion.OrderAcked;
import io.groupbuy.dispatch.DispatchRegion.OrderDelivery;
import io.groupbuy.dispatch.DispatchRegion.RouteAcked;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleUpdate;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The region entity's hand-over, at least once: routes to vehicles and delivery statuses to orders,
 * each resent until acknowledged. Part of the entity (it runs on the entity's thread and answers
 * through its mailbox); what is unacknowledged is memory only, rebuilt from the plan after a
 * restart. What was told is kept for the orders on the current plan only.
 */
final class RegionHandOver {
  private final String regionId;
  private final ActorContext<Command> context;
  private final Links links;
  private final Map<String, Long> unackedRoutes = new HashMap<>();
  private final Map<OrderDelivery, DeliveryStatus> unackedOrders = new HashMap<>();
  private final Map<OrderDelivery, DeliveryStatus> told = new HashMap<>();

  RegionHandOver(String regionId, ActorContext<Command> context, Links links) {
    this.regionId = regionId;
    this.context = context;
    this.links = links;
  }

  /** After recovery: every route and status of the plan goes out again. */
  void recovered(RegionState s, Map<String, VehicleUpdate> latest) {
    if (s.plan() == null) return;
    for (VehiclePlan v : s.plan().vehicles()) {
      unackedRoutes.put(v.vehicleId(), v.routeVersion());
      unackedOrders.putAll(RegionViews.deliveryStatuses(s, v, latest.get(v.vehicleId())));
    }
  }

  /** A new plan: changed routes go out, and every order hears of its vehicle and stop. */
  void planCommitted(RegionState s, Map<String, VehicleUpdate> latest) {
    told.keySet().removeIf(d -> !s.carries(d));
    for (VehiclePlan v : s.plan().vehicles()) {
      if (v.routeVersion() == s.planVersion()) {
        unackedRoutes.put(v.vehicleId(), v.routeVersion());
        sendRoute(s, v);
      }
      tellOrders(s, v, latest.get(v.vehicleId()));
    }
  }

  /** A vehicle reported: its orders hear of any change (departed, stop served). */
  void vehicleReported(RegionState s, VehicleUpdate u) {
    VehiclePlan v = s.planOf(u.vehicleId());
    if (v != null) tellOrders(s, v, u);
  }

  void routeAcked(RouteAcked ack) {
    unackedRoutes.remove(ack.vehicleId(), ack.version());
  }

  void orderAcked(OrderAcked ack) {
    unackedOrders.remove(ack.delivery(), ack.status());
  }

  void resend(RegionState s) {
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

  private void sendRoute(RegionState s, VehiclePlan v) {
    Vehicle.AssignRoute command =
        new Vehicle.AssignRoute(
            regionId,
            v.routeVersion(),
            v.stops().stream().filter(r -> !s.isServed(v.vehicleId(), r.stopId())).toList(),
            s.plan().cause(),
            null);
    context.pipeToSelf(
        links.assignRoute(v.vehicleId(), command),
        (ok, failure) -> new RouteAcked(v.vehicleId(), failure == null ? v.routeVersion() : -1));
  }

  private void tellOrders(RegionState s, VehiclePlan v, VehicleUpdate update) {
    RegionViews.deliveryStatuses(s, v, update)
        .forEach(
            (delivery, status) -> {
              if (status != told.get(delivery)) {
                told.put(delivery, status);
                unackedOrders.put(delivery, status);
                sendOrderStatus(delivery, status);
              }
            });
  }

  private void sendOrderStatus(OrderDelivery d, DeliveryStatus status) {
    context.pipeToSelf(
        links.deliveryStatus(d.orderId(), status, regionId, d.vehicleId(), d.stopId()),
        (ok, failure) -> new OrderAcked(d, failure == null ? status : null));
  }
}
