package io.groupbuy.dispatch;

import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import io.groupbuy.dispatch.DispatchRegion.Cutoff;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.Settings;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleUpdate;
import io.groupbuy.dispatch.RegionState.RegionOrder;
import io.groupbuy.routing.FleetPlan;
import io.groupbuy.routing.FleetProblem;
import io.groupbuy.routing.FleetSolver;
import io.groupbuy.routing.KMeansWaves;
import io.groupbuy.routing.VrptwProblem;
import io.groupbuy.routing.VrptwSolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The solver's problem for a region at one moment: at a cutoff, the undispatched orders (one stop
 * per pickup point) for the vehicles at the warehouse, all leaving at the departure time; during
 * the day, a re-plan of the stops not yet served, each vehicle starting where it is and when it is
 * free, warm-started from the current routes, plus urgent orders on no route yet. Plain Java: built
 * from the state, the vehicles' latest reports and a clock reading, solved by {@link #solve()}.
 *
 * @param vehicleIds the vehicles planned, in the order of the problem's fleet
 * @param stopOf the problem's stop numbers to the stop ids
 * @param stops the stops by id, with their orders and windows
 * @param initial the warm start (current routes) of a re-plan; null at a cutoff
 */
public record RegionProblem(
    FleetProblem problem,
    List<String> vehicleIds,
    Map<Integer, String> stopOf,
    Map<String, RouteStop> stops,
    long originMs,
    List<List<Integer>> initial,
    VrptwSolver.Options options,
    boolean cutoff) {

  /** The problem of a cutoff: undispatched orders for the vehicles with nothing left to deliver. */
  public static RegionProblem forCutoff(
      String regionId,
      RegionState s,
      Map<String, VehicleUpdate> latest,
      Settings settings,
      Cutoff cutoff) {
    int service = s.config().serviceSeconds();
    Map<String, RouteStop> stops = new LinkedHashMap<>();
    byPickupPoint(s, o -> !o.dispatched())
        .forEach(
            (point, orders) ->
                stops.put(
                    point,
                    stopFor(point, orders, cutoff.windowStartMs(), cutoff.windowEndMs(), service)));
    long shiftEndMs = cutoff.windowEndMs() + settings.shiftAfterWindow().toMillis();
    VrptwSolver.Options options =
        VrptwSolver.Options.dispatch(
            settings.cutoffTimeLimit(),
            settings.vehicleFixedCostKm(),
            settings.latePenaltyKmPerMinute());
    return build(
        regionId,
        s,
        latest,
        settings,
        s.freeVehicles(),
        stops,
        cutoff.departAtMs(),
        shiftEndMs,
        true,
        options,
        cutoff.departAtMs());
  }

  /** The problem of a re-plan at {@code nowMs}: every active vehicle, warm-started. */
  public static RegionProblem forReplan(
      String regionId,
      RegionState s,
      Map<String, VehicleUpdate> latest,
      Settings settings,
      long nowMs) {
    Map<String, RouteStop> stops = new LinkedHashMap<>();
    long lastWindowEnd = Long.MIN_VALUE;
    for (VehiclePlan v : s.plan().vehicles()) {
      for (RouteStop r : v.stops()) {
        lastWindowEnd = Math.max(lastWindowEnd, r.windowEndMs());
        if (s.isServed(v.vehicleId(), r.stopId())) continue;
        List<String> orders = r.orderIds().stream().filter(s::isOpen).toList();
        if (orders.isEmpty()) continue;
        int units = orders.stream().mapToInt(id -> s.orders().get(id).units()).sum();
        stops.put(
            r.stopId(),
            new RouteStop(
                r.stopId(),
                r.lat(),
                r.lng(),
                units,
                r.windowStartMs(),
                r.windowEndMs(),
                r.serviceSeconds(),
                orders,
                r.plannedEtaMs()));
      }
    }
    long shiftEndMs =
        (lastWindowEnd == Long.MIN_VALUE ? nowMs : lastWindowEnd)
            + settings.shiftAfterWindow().toMillis();
    // urgent orders on no route yet: a vehicle at the warehouse may still take them now
    Map<String, List<RegionOrder>> urgent = byPickupPoint(s, o -> o.urgent() && !o.dispatched());
    long urgentEnd = nowMs + settings.urgentWindow().toMillis();
    int service = s.config().serviceSeconds();
    urgent.forEach(
        (point, orders) -> {
          // its own stop: the point's regular stop may be on a vehicle without these goods
          String stopId = point + "~" + orders.get(0).orderId();
          stops.put(stopId, stopFor(stopId, orders, nowMs, urgentEnd, service));
        });
    if (!urgent.isEmpty()) {
      shiftEndMs = Math.max(shiftEndMs, urgentEnd + settings.shiftAfterWindow().toMillis());
    }
    VrptwSolver.Options options =
        VrptwSolver.Options.dispatch(
                settings.rerouteTimeLimit(),
                settings.vehicleFixedCostKm(),
                settings.latePenaltyKmPerMinute())
            .withTransferPenalty(settings.transferCostKm())
            .withMetaheuristic(LocalSearchMetaheuristic.Value.GREEDY_DESCENT);
    return build(
        regionId,
        s,
        latest,
        settings,
        s.activeVehicles(),
        stops,
        nowMs,
        shiftEndMs,
        false,
        options,
        nowMs);
  }

  private static RegionProblem build(
      String regionId,
      RegionState s,
      Map<String, VehicleUpdate> latest,
      Settings settings,
      List<String> vehicleIds,
      Map<String, RouteStop> stops,
      long originMs,
      long shiftEndMs,
      boolean cutoff,
      VrptwSolver.Options options,
      long nowMs) {
    RegionConfigured cfg = s.config();
    Map<String, Integer> idOf = new HashMap<>();
    Map<Integer, String> stopOf = new HashMap<>();
    List<VrptwProblem.Stop> problemStops = new ArrayList<>();
    for (RouteStop r : stops.values()) {
      int id = idOf.size() + 1;
      idOf.put(r.stopId(), id);
      stopOf.put(id, r.stopId());
      problemStops.add(
          new VrptwProblem.Stop(
              id,
              r.lng(),
              r.lat(),
              r.units(),
              Math.max(0, minutes(r.windowStartMs(), originMs)),
              minutes(r.windowEndMs(), originMs),
              r.serviceSeconds() / 60.0));
    }
    VrptwProblem.Stop depot =
        new VrptwProblem.Stop(
            0, cfg.depotLng(), cfg.depotLat(), 0, 0, minutes(shiftEndMs, originMs), 0);
    List<FleetProblem.Vehicle> fleet = new ArrayList<>();
    List<List<Integer>> warm = cutoff ? null : new ArrayList<>();
    for (String vehicleId : vehicleIds) {
      int capacity = s.vehicles().get(vehicleId);
      VehicleUpdate u = latest.get(vehicleId);
      VehiclePlan plan = s.planOf(vehicleId);
      List<Integer> current = new ArrayList<>();
      if (plan != null && !cutoff) {
        List<String> order =
            u != null && u.routeVersion() == plan.routeVersion()
                ? u.remainingStopIds()
                : plan.stops().stream().map(RouteStop::stopId).toList();
        order.stream().filter(idOf::containsKey).forEach(id -> current.add(idOf.get(id)));
      }
      boolean onRoad =
          u != null
              && !cutoff
              && (u.status() == Vehicle.Status.EN_ROUTE || u.status() == Vehicle.Status.RETURNING);
      if (onRoad) {
        int committed = Math.min(u.committed(), current.size());
        if (committed > 0 && u.remainingStopIds().isEmpty()) committed = 0;
        // committed stops must lead the onboard list in the vehicle's own order
        fleet.add(
            new FleetProblem.Vehicle(
                vehicleId,
                u.lng(),
                u.lat(),
                minutes(Math.max(u.readyAtMs(), nowMs), originMs),
                capacity,
                false,
                current,
                committed));
      } else {
        long ready = cutoff ? originMs : Math.max(nowMs, u != null ? u.readyAtMs() : nowMs);
        fleet.add(
            new FleetProblem.Vehicle(
                vehicleId,
                cfg.depotLng(),
                cfg.depotLat(),
                minutes(ready, originMs),
                capacity,
                true,
                List.of(),
                0));
      }
      if (warm != null) warm.add(current);
    }
    double roadFactor = settings.roadFactor();
    VrptwProblem.Distance road =
        (a, b) -> roadFactor * VrptwProblem.Distance.HAVERSINE_KM.between(a, b);
    FleetProblem problem =
        new FleetProblem(regionId, depot, problemStops, fleet, road, cfg.speedKmh() / 60.0);
    return new RegionProblem(problem, vehicleIds, stopOf, stops, originMs, warm, options, cutoff);
  }

  /** Solves it: a cutoff seeds the solver with K-Means waves, a re-plan with the current routes. */
  public FleetPlan solve() {
    List<List<Integer>> start = cutoff ? KMeansWaves.initialRoutes(problem, 0x5eedL) : initial;
    return FleetSolver.resolve(problem, options, start);
  }

  private static Map<String, List<RegionOrder>> byPickupPoint(
      RegionState s, Predicate<RegionOrder> which) {
    Map<String, List<RegionOrder>> out = new LinkedHashMap<>();
    s.orders().values().stream()
        .filter(which)
        .forEach(o -> out.computeIfAbsent(o.pickupPointId(), k -> new ArrayList<>()).add(o));
    return out;
  }

  /** One stop delivering {@code orders} (all at the same pickup point). */
  private static RouteStop stopFor(
      String stopId, List<RegionOrder> orders, long windowStartMs, long windowEndMs, int service) {
    return new RouteStop(
        stopId,
        orders.get(0).lat(),
        orders.get(0).lng(),
        orders.stream().mapToInt(RegionOrder::units).sum(),
        windowStartMs,
        windowEndMs,
        service,
        orders.stream().map(RegionOrder::orderId).toList(),
        0);
  }

  private static double minutes(long ms, long originMs) {
    return (ms - originMs) / 60_000.0;
  }
}
