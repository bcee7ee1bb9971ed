package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.routing.FleetPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a solved problem into the region's next plan, or into nothing when no vehicle's route
 * changed: a vehicle whose remaining stops are the same keeps its route and its version (so it is
 * not sent again); one with a different route gets the new plan version; vehicles left out of the
 * problem (still delivering at a cutoff) keep their routes; vehicles out of service keep nothing. A
 * cutoff always makes a new plan. Plain Java.
 */
public final class PlanDiff {
  private PlanDiff() {}

  /**
   * The plan to commit, if anything changed.
   *
   * @param cutoffId the cutoff this solve was for, or "" for a re-plan
   */
  public static Optional<PlanCommitted> next(
      RegionState s,
      RegionProblem solved,
      FleetPlan result,
      String cause,
      String cutoffId,
      long nowMs) {
    long version = s.planVersion() + 1;
    List<VehiclePlan> vehicles = new ArrayList<>();
    if (s.plan() != null) {
      s.plan().vehicles().stream()
          .filter(
              v ->
                  !solved.vehicleIds().contains(v.vehicleId())
                      && !s.unavailable().contains(v.vehicleId()))
          .forEach(vehicles::add);
    }
    boolean changed = !cutoffId.isEmpty();
    for (int v = 0; v < solved.vehicleIds().size(); v++) {
      String vehicleId = solved.vehicleIds().get(v);
      List<RouteStop> stops = new ArrayList<>();
      for (FleetPlan.Visit visit : result.routes().get(v).visits()) {
        RouteStop stop = solved.stops().get(solved.stopOf().get(visit.stopId()));
        stops.add(stop.withPlannedEta(solved.originMs() + Math.round(visit.arrival() * 60_000)));
      }
      VehiclePlan before = s.planOf(vehicleId);
      boolean unchanged =
          before != null
              && cutoffId.isEmpty()
              && s.remainingIds(before).equals(stops.stream().map(RouteStop::stopId).toList());
      if (unchanged) {
        vehicles.add(before);
      } else if (!stops.isEmpty() || before != null) {
        vehicles.add(new VehiclePlan(vehicleId, version, stops, v + 1));
        changed = true;
      }
    }
    List<String> dropped = result.dropped().stream().map(id -> solved.stopOf().get(id)).toList();
    if (!changed
        && s.plan() != null
        && dropped.equals(s.plan().droppedStopIds())
        && vehicles.size() == s.plan().vehicles().size()) {
      return Optional.empty();
    }
    return Optional.of(new PlanCommitted(version, vehicles, dropped, cause, nowMs, cutoffId));
  }
}
