package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.dispatch.DispatchRegion.Cutoff;
import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.OrderRemoved;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.StopServed;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleUpdate;
import io.groupbuy.routing.FleetPlan;
import io.groupbuy.routing.FleetProblem;
import io.groupbuy.routing.VrptwProblem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The solver's problem built from a region's state, and the plan made of a solution. */
class RegionProblemTest {
  static final long T0 = 1_700_000_000_000L;
  static final long HOUR = 3_600_000;

  static RegionState region() {
    return RegionState.EMPTY
        .apply(new RegionConfigured(30.25, 120.15, 30, 300))
        .apply(new VehicleJoined("v1", 100))
        .apply(new VehicleJoined("v2", 100))
        .apply(new OrderAdded("a1", "pp-a", 30.26, 120.16, 2))
        .apply(new OrderAdded("a2", "pp-a", 30.26, 120.16, 3))
        .apply(new OrderAdded("b1", "pp-b", 30.27, 120.17, 4))
        .apply(new OrderAdded("c1", "pp-c", 30.28, 120.18, 1));
  }

  static RouteStop stop(String id, String... orders) {
    return new RouteStop(id, 30.26, 120.16, orders.length, T0, T0 + HOUR, 300, List.of(orders), 0);
  }

  static Cutoff cutoff(String id) {
    return new Cutoff(id, T0, T0, T0 + HOUR, null);
  }

  @Test
  void aCutoffPlansOneStopPerPickupPointForTheVehiclesAtTheWarehouse() {
    RegionProblem p =
        RegionProblem.forCutoff(
            "r", region(), Map.of(), RegionStateTestSettings.SETTINGS, cutoff("d1"));
    assertTrue(p.cutoff());
    assertNull(p.initial());
    assertEquals(List.of("v1", "v2"), p.vehicleIds());
    assertEquals(List.of("pp-a", "pp-b", "pp-c"), List.copyOf(p.stops().keySet()));
    assertEquals(5, p.stops().get("pp-a").units());
    assertEquals(List.of("a1", "a2"), p.stops().get("pp-a").orderIds());
    assertEquals(T0, p.originMs());
    for (VrptwProblem.Stop s : p.problem().stops()) {
      assertEquals(0, s.readyTime());
      assertEquals(60, s.dueTime(), 1e-9);
      assertEquals(p.stops().get(p.stopOf().get(s.id())).units(), s.demand());
    }
    double shiftEnd = 60 + RegionStateTestSettings.SETTINGS.shiftAfterWindow().toMinutes();
    assertEquals(shiftEnd, p.problem().depot().dueTime(), 1e-9);
    assertTrue(p.problem().vehicles().stream().allMatch(FleetProblem.Vehicle::atDepot));
  }

  @Test
  void aReplanKeepsServedStopsOutStartsEachVehicleWhereItIsAndWarmStartsFromItsRoute() {
    RegionState s =
        region()
            .apply(
                new PlanCommitted(
                    1,
                    List.of(
                        new VehiclePlan(
                            "v1",
                            1,
                            List.of(
                                stop("pp-a", "a1", "a2"), stop("pp-b", "b1"), stop("pp-c", "c1")),
                            1)),
                    List.of(),
                    "cutoff d1",
                    T0,
                    "d1"))
            .apply(new StopServed("pp-a", "v1"))
            .apply(new OrderAdded("u1", "pp-d", 30.3, 120.2, 2, true));
    VehicleUpdate onTheRoad =
        new VehicleUpdate(
            "v1",
            Vehicle.Status.EN_ROUTE,
            1,
            30.265,
            120.165,
            T0 + 10 * 60_000,
            List.of("pp-c", "pp-b"),
            1,
            Map.of(),
            "",
            0);
    RegionProblem p =
        RegionProblem.forReplan(
            "r", s, Map.of("v1", onTheRoad), RegionStateTestSettings.SETTINGS, T0 + 5 * 60_000);
    assertFalse(p.cutoff());
    assertFalse(p.stops().containsKey("pp-a"), "served");
    assertTrue(p.stops().containsKey("pp-d~u1"), "an urgent order gets a stop of its own");
    FleetProblem.Vehicle v1 = p.problem().vehicles().get(p.vehicleIds().indexOf("v1"));
    assertFalse(v1.atDepot());
    assertEquals(120.165, v1.x(), 1e-9);
    assertEquals(5, v1.readyTime(), 1e-9, "free in 5 minutes, counted from now");
    List<String> warm =
        p.initial().get(p.vehicleIds().indexOf("v1")).stream().map(p.stopOf()::get).toList();
    assertEquals(List.of("pp-c", "pp-b"), warm, "in the order the vehicle reported");
    assertEquals(1, v1.committed());
    // a withdrawn order no longer weighs on its stop
    RegionProblem after =
        RegionProblem.forReplan(
            "r",
            s.apply(new OrderAdded("b2", "pp-b", 30.27, 120.17, 9))
                .apply(new OrderRemoved("b1", "")),
            Map.of("v1", onTheRoad),
            RegionStateTestSettings.SETTINGS,
            T0);
    assertFalse(after.stops().containsKey("pp-b"), "its only order was withdrawn");
  }

  @Test
  void aPlanChangesOnlyWhereTheRoutesChange() {
    RegionState s =
        region()
            .apply(
                new PlanCommitted(
                    1,
                    List.of(
                        new VehiclePlan("v1", 1, List.of(stop("pp-a", "a1", "a2")), 1),
                        new VehiclePlan(
                            "v2", 1, List.of(stop("pp-b", "b1"), stop("pp-c", "c1")), 2)),
                    List.of(),
                    "cutoff d1",
                    T0,
                    "d1"));
    RegionProblem p =
        RegionProblem.forReplan("r", s, Map.of(), RegionStateTestSettings.SETTINGS, T0);
    int a = idOf(p, "pp-a");
    int b = idOf(p, "pp-b");
    int c = idOf(p, "pp-c");
    // the same routes: nothing to commit
    assertEquals(
        Optional.empty(), PlanDiff.next(s, p, plan(p, List.of(a), List.of(b, c)), "x", "", T0));
    // v2 swaps its stops: only v2 gets the new version
    PlanCommitted next =
        PlanDiff.next(s, p, plan(p, List.of(a), List.of(c, b)), "delay", "", T0).orElseThrow();
    assertEquals(2, next.planVersion());
    assertEquals(1, planOf(next, "v1").routeVersion());
    assertEquals(2, planOf(next, "v2").routeVersion());
    assertEquals(
        List.of("pp-c", "pp-b"),
        planOf(next, "v2").stops().stream().map(RouteStop::stopId).toList());
    assertTrue(planOf(next, "v2").stops().get(0).plannedEtaMs() > T0);
    // a cutoff always commits, even the same routes
    assertTrue(PlanDiff.next(s, p, plan(p, List.of(a), List.of(b, c)), "c", "d2", T0).isPresent());
  }

  static int idOf(RegionProblem p, String stopId) {
    return p.stopOf().entrySet().stream()
        .filter(e -> e.getValue().equals(stopId))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  static VehiclePlan planOf(PlanCommitted plan, String vehicleId) {
    return plan.vehicles().stream()
        .filter(v -> v.vehicleId().equals(vehicleId))
        .findFirst()
        .orElseThrow();
  }

  /** A solution visiting the given stop numbers per vehicle, ten minutes apart. */
  @SafeVarargs
  static FleetPlan plan(RegionProblem p, List<Integer>... routes) {
    List<FleetPlan.VehicleRoute> out =
        IntStream.range(0, routes.length)
            .mapToObj(
                v ->
                    new FleetPlan.VehicleRoute(
                        p.vehicleIds().get(v),
                        IntStream.range(0, routes[v].size())
                            .mapToObj(
                                i -> new FleetPlan.Visit(routes[v].get(i), 10.0 * (i + 1), 0, 0))
                            .toList(),
                        60))
            .toList();
    return new FleetPlan(out, List.of(), 0, 1);
  }
}
