package io.groupbuy.routing;

import io.groupbuy.routing.VrptwProblem.Stop;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns K-Means waves into the starting routes of a fleet solve: the stops of a {@link
 * FleetProblem} are batched into waves that fit a vehicle (longitude/latitude coordinates), the
 * heaviest waves go to the largest vehicles at the depot, and each wave is ordered by the start of
 * its windows, then by distance from the depot. The solver then repairs and improves these routes;
 * waves that found no vehicle are left to its insertion.
 */
public final class KMeansWaves {
  private KMeansWaves() {}

  /**
   * Starting routes, one per vehicle in the problem's order (empty for vehicles on the road or
   * without a wave).
   */
  public static List<List<Integer>> initialRoutes(FleetProblem p, long seed) {
    List<Integer> depotVehicles = new ArrayList<>();
    for (int v = 0; v < p.vehicles().size(); v++)
      if (p.vehicles().get(v).atDepot()) depotVehicles.add(v);
    List<List<Integer>> routes = new ArrayList<>();
    p.vehicles().forEach(v -> routes.add(new ArrayList<>()));
    if (depotVehicles.isEmpty() || p.stops().isEmpty()) return routes;
    depotVehicles.sort(
        Comparator.comparingInt((Integer v) -> p.vehicles().get(v).capacity()).reversed());
    int capacity = p.vehicles().get(depotVehicles.get(depotVehicles.size() - 1)).capacity();
    Map<String, Stop> byId = new HashMap<>();
    List<KMeansBatcher.Point> points = new ArrayList<>();
    for (Stop s : p.stops()) {
      byId.put(String.valueOf(s.id()), s);
      points.add(new KMeansBatcher.Point(String.valueOf(s.id()), s.x(), s.y(), s.demand()));
    }
    List<KMeansBatcher.Wave> waves =
        new ArrayList<>(KMeansBatcher.lngLat().batch(points, capacity, seed));
    waves.sort(Comparator.comparingInt(KMeansBatcher.Wave::demand).reversed());
    for (int w = 0; w < waves.size() && w < depotVehicles.size(); w++) {
      if (waves.get(w).overCapacity()) continue;
      List<Stop> stops =
          new ArrayList<>(waves.get(w).points().stream().map(pt -> byId.get(pt.id())).toList());
      stops.sort(
          Comparator.comparingDouble(Stop::readyTime)
              .thenComparingDouble(s -> p.distance().between(p.depot(), s)));
      routes.set(depotVehicles.get(w), new ArrayList<>(stops.stream().map(Stop::id).toList()));
    }
    return routes;
  }
}
