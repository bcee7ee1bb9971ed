package io.groupbuy.routing;

import java.util.List;

/**
 * A solved {@link FleetProblem}: one route per vehicle in the problem's order (possibly empty),
 * each visit with its predicted arrival and service start, the stops that could not be served, and
 * the exact total distance.
 */
public record FleetPlan(
    List<VehicleRoute> routes, List<Integer> dropped, double distance, long solveMillis) {
  public FleetPlan {
    routes = List.copyOf(routes);
    dropped = List.copyOf(dropped);
  }

  /**
   * A planned visit; {@code lateness} is how far service starts after the stop's due time (0 when
   * on time).
   */
  public record Visit(int stopId, double arrival, double serviceStart, double lateness) {}

  public record VehicleRoute(String vehicleId, List<Visit> visits, double returnTime) {
    public VehicleRoute {
      visits = List.copyOf(visits);
    }

    public List<Integer> stopIds() {
      return visits.stream().map(Visit::stopId).toList();
    }
  }

  public List<List<Integer>> stopIdsPerVehicle() {
    return routes.stream().map(VehicleRoute::stopIds).toList();
  }

  public int vehiclesUsed() {
    return (int) routes.stream().filter(r -> !r.visits().isEmpty()).count();
  }

  public double totalLateness() {
    return routes.stream().flatMap(r -> r.visits().stream()).mapToDouble(Visit::lateness).sum();
  }
}
