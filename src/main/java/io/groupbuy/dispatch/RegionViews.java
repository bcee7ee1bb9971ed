package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.DeliveryStatus;
import io.groupbuy.dispatch.DispatchRegion.OrderDelivery;
import io.groupbuy.dispatch.DispatchRegion.PlanView;
import io.groupbuy.dispatch.DispatchRegion.StopEta;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleRouteView;
import io.groupbuy.dispatch.DispatchRegion.VehicleUpdate;
import io.groupbuy.platform.DomainError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a region shows and tells, computed from its state and its vehicles' latest reports. */
final class RegionViews {
  private RegionViews() {}

  static PlanView plan(
      String regionId, RegionState s, Map<String, VehicleUpdate> latest, long lastSolveMillis) {
    List<VehicleRouteView> vehicles = new ArrayList<>();
    for (String vehicleId : s.vehicles().keySet()) {
      VehiclePlan p = s.planOf(vehicleId);
      VehicleUpdate u = latest.get(vehicleId);
      String status =
          s.unavailable().contains(vehicleId)
              ? "UNAVAILABLE"
              : u == null ? "UNKNOWN" : u.status().name();
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
        s.served().stream().map(RegionState.ServedStop::stopId).distinct().toList(),
        lastSolveMillis);
  }

  /**
   * The ETA at a pickup point on a route: the vehicle's live estimate, else the plan's; or null.
   */
  static StopEta stopEta(RegionState s, Map<String, VehicleUpdate> latest, String stopId) {
    String vehicleId = s.vehicleOf(stopId);
    if (vehicleId == null) return null;
    RouteStop stop =
        s.planOf(vehicleId).stops().stream()
            .filter(r -> r.stopId().equals(stopId))
            .findFirst()
            .orElseThrow();
    VehicleUpdate u = latest.get(vehicleId);
    long eta =
        u != null && u.etas().containsKey(stopId) ? u.etas().get(stopId) : stop.plannedEtaMs();
    String status =
        s.isServed(vehicleId, stopId) ? "SERVED" : u == null ? "PLANNED" : u.status().name();
    return new StopEta(stopId, vehicleId, eta, stop.windowEndMs(), status);
  }

  static DomainError notOnRoute(String regionId, String stopId) {
    return new DomainError.NotFound(
        "pickup point " + stopId + " is not on a route of region " + regionId);
  }

  /** What each order on a vehicle's route should hear: WAVED, OUT_FOR_DELIVERY or served. */
  static Map<OrderDelivery, DeliveryStatus> deliveryStatuses(
      RegionState s, VehiclePlan v, VehicleUpdate update) {
    Map<OrderDelivery, DeliveryStatus> out = new LinkedHashMap<>();
    boolean departed =
        update != null
            && update.status() != Vehicle.Status.LOADING
            && update.status() != Vehicle.Status.IDLE;
    for (RouteStop r : v.stops()) {
      DeliveryStatus status =
          s.isServed(v.vehicleId(), r.stopId())
              ? DeliveryStatus.AT_PICKUP_POINT
              : departed ? DeliveryStatus.OUT_FOR_DELIVERY : DeliveryStatus.WAVED;
      r.orderIds().forEach(id -> out.put(new OrderDelivery(id, v.vehicleId(), r.stopId()), status));
    }
    return out;
  }
}
