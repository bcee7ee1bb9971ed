package io.groupbuy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.routing.FleetProblem.Vehicle;
import io.groupbuy.routing.VrptwProblem.Distance;
import io.groupbuy.routing.VrptwProblem.Stop;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetSolverTest {
  private static final Stop DEPOT = new Stop(0, 0, 0, 0, 0, 1000, 0);
  private static final VrptwSolver.Options DISPATCH =
      VrptwSolver.Options.dispatch(Duration.ofSeconds(1), 100, 50);

  // three stops east of the depot, windows closing at 60
  private static final List<Stop> EAST =
      List.of(
          new Stop(1, 20, 0, 5, 0, 60, 2),
          new Stop(2, 25, 5, 5, 0, 60, 2),
          new Stop(3, 25, -5, 5, 0, 60, 2));

  @Test
  void aJammedVehicleKeepsItsCommittedStopAndHandsTheRestToTheIdleVehicle() {
    // vehicle A is 10 east of the depot, heading to stop 1, but a jam means it is free to move only
    // at time 80
    Vehicle jammed = new Vehicle("A", 10, 0, 80, 20, false, List.of(1, 2, 3), 1);
    Vehicle idle = Vehicle.atDepot("B", DEPOT, 0, 20);
    FleetProblem p =
        new FleetProblem("jam", DEPOT, EAST, List.of(jammed, idle), Distance.EUCLIDEAN, 1);

    FleetPlan keep = FleetSolver.timed(p, List.of(List.of(1, 2, 3), List.of()), List.of(), 0);
    FleetPlan plan = FleetSolver.resolve(p, DISPATCH, keep.stopIdsPerVehicle());

    assertEquals(List.of(), RouteChecker.violations(p, plan, false));
    assertEquals(
        List.of(1), plan.routes().get(0).stopIds(), "A keeps only the stop it is heading to");
    assertEquals(List.of(2, 3), plan.routes().get(1).stopIds().stream().sorted().toList());
    assertTrue(
        plan.totalLateness() < keep.totalLateness(),
        plan.totalLateness() + " late after rerouting vs " + keep.totalLateness());
    assertEquals(
        0,
        plan.routes().get(1).visits().stream().mapToDouble(FleetPlan.Visit::lateness).sum(),
        1e-9);
  }

  @Test
  void aVehicleOnTheRoadServesOnlyWhatItCarries() {
    Vehicle onRoad = new Vehicle("A", 20, 0, 10, 20, false, List.of(1), 0);
    Vehicle idle = Vehicle.atDepot("B", DEPOT, 0, 20);
    // an urgent stop right next to A, but its goods are in the warehouse
    List<Stop> stops = List.of(EAST.get(0), new Stop(9, 21, 0, 1, 0, 500, 1));
    FleetProblem p =
        new FleetProblem("urgent", DEPOT, stops, List.of(onRoad, idle), Distance.EUCLIDEAN, 1);
    FleetPlan plan = FleetSolver.solve(p, DISPATCH);
    assertEquals(List.of(), RouteChecker.violations(p, plan, true));
    assertFalse(plan.routes().get(0).stopIds().contains(9));
    assertTrue(plan.routes().get(1).stopIds().contains(9), plan.routes().toString());
    assertEquals(List.of(), plan.dropped());
  }

  @Test
  void stopsStayOnTheVanCarryingThemUnlessMovingThemPays() {
    // A is on time, heading to stop 1 with the goods of 1, 2, 3; B leaves the depot for an urgent
    // stop 9 near 2 and 3
    Vehicle onTime = new Vehicle("A", 10, 0, 0, 20, false, List.of(1, 2, 3), 1);
    Vehicle idle = Vehicle.atDepot("B", DEPOT, 0, 20);
    List<Stop> stops =
        List.of(
            EAST.get(0),
            new Stop(2, 25, 5, 5, 0, 500, 2),
            new Stop(3, 25, -5, 5, 0, 500, 2),
            new Stop(9, 26, 0, 1, 0, 500, 1));
    FleetProblem p =
        new FleetProblem("transfer", DEPOT, stops, List.of(onTime, idle), Distance.EUCLIDEAN, 1);
    List<List<Integer>> current = List.of(List.of(1, 2, 3), List.of());

    // distance alone: B taking 2 and 3 on its way saves about 13
    FleetPlan free = FleetSolver.resolve(p, DISPATCH, current);
    assertEquals(List.of(), RouteChecker.violations(p, free, false));
    assertEquals(List.of(1), free.routes().get(0).stopIds(), free.routes().toString());

    // at 30 per stop taken over, A keeps what it carries
    FleetPlan kept = FleetSolver.resolve(p, DISPATCH.withTransferPenalty(30), current);
    assertEquals(List.of(), RouteChecker.violations(p, kept, false));
    assertEquals(
        List.of(1, 2, 3),
        kept.routes().get(0).stopIds().stream().sorted().toList(),
        kept.routes().toString());
    assertEquals(List.of(9), kept.routes().get(1).stopIds());
  }

  @Test
  void hardWindowsDropAndReportWhatCannotBeServed() {
    List<Stop> stops = List.of(new Stop(1, 10, 0, 5, 0, 50, 0), new Stop(2, 0, 90, 5, 0, 50, 0));
    FleetProblem p =
        new FleetProblem(
            "hard",
            DEPOT,
            stops,
            List.of(Vehicle.atDepot("A", DEPOT, 0, 20)),
            Distance.EUCLIDEAN,
            1);
    FleetPlan plan = FleetSolver.solve(p, VrptwSolver.Options.hierarchical(Duration.ofSeconds(1)));
    assertEquals(List.of(), RouteChecker.violations(p, plan, true));
    assertEquals(List.of(2), plan.dropped());
  }

  @Test
  void checkerCatchesADispatchPlanThatBreaksTheRules() {
    Vehicle onRoad = new Vehicle("A", 20, 0, 10, 8, false, List.of(1, 2), 1);
    Vehicle idle = Vehicle.atDepot("B", DEPOT, 0, 20);
    FleetProblem p =
        new FleetProblem("bad", DEPOT, EAST, List.of(onRoad, idle), Distance.EUCLIDEAN, 1);
    FleetPlan bad = FleetSolver.timed(p, List.of(List.of(2, 1, 3), List.of(3)), List.of(), 0);
    String all = String.join("\n", RouteChecker.violations(p, bad, true));
    assertTrue(all.contains("does not start with its committed stops [1]"), all);
    assertTrue(all.contains("serves stop 3 it does not carry"), all);
    assertTrue(all.contains("stop 3 visited twice"), all);
    assertTrue(all.contains("over capacity 8"), all);
  }

  @Test
  void speedTurnsDistanceIntoTime() {
    // 2 distance units per time unit: stop 1 at distance 20 is reached at time 10
    FleetProblem p =
        new FleetProblem(
            "speed",
            DEPOT,
            List.of(EAST.get(0)),
            List.of(Vehicle.atDepot("A", DEPOT, 0, 20)),
            Distance.EUCLIDEAN,
            2);
    FleetPlan plan = FleetSolver.solve(p, DISPATCH);
    assertEquals(10, plan.routes().get(0).visits().get(0).arrival(), 1e-9);
    assertEquals(40, plan.distance(), 1e-9);
  }
}
