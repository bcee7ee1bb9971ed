package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.OrderRemoved;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.StopServed;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The region's state holds open orders only, and nothing else grows with the days. */
class RegionStateTest {
  static RouteStop stop(String id, String... orders) {
    return new RouteStop(id, 30.3, 120.2, orders.length, 0, 60_000, 300, List.of(orders), 0);
  }

  static RegionState withTwoOrdersOnARoute() {
    return RegionState.EMPTY
        .apply(new RegionConfigured(30.25, 120.15, 30, 300))
        .apply(new VehicleJoined("v1", 100))
        .apply(new OrderAdded("o1", "pp-1", 30.3, 120.2, 2))
        .apply(new OrderAdded("o2", "pp-1", 30.3, 120.2, 3))
        .apply(new OrderAdded("o3", "pp-2", 30.4, 120.3, 1))
        .apply(
            new PlanCommitted(
                1,
                List.of(new VehiclePlan("v1", 1, List.of(stop("pp-1", "o1", "o2")), 1)),
                List.of(),
                "cutoff day-1",
                0,
                "day-1"));
  }

  @Test
  void aPlanDispatchesItsOrdersAndAServedStopDeliversThem() {
    RegionState s = withTwoOrdersOnARoute();
    assertTrue(s.orders().get("o1").dispatched());
    assertFalse(s.orders().get("o3").dispatched());
    s = s.apply(new StopServed("pp-1", "v1"));
    assertEquals(List.of("o3"), List.copyOf(s.orders().keySet()), "delivered orders leave");
    assertTrue(s.isServed("v1", "pp-1"));
    assertEquals(List.of("o1", "o2"), s.planOf("v1").stops().get(0).orderIds());
  }

  @Test
  void aWithdrawnOrderLeavesItsStop() {
    RegionState s = withTwoOrdersOnARoute().apply(new OrderRemoved("o1", "cancelled"));
    assertFalse(s.orders().containsKey("o1"));
    assertEquals(List.of("o2"), s.planOf("v1").stops().get(0).orderIds());
    assertFalse(s.hasEmptyStopAt("pp-1"));
    s = s.apply(new OrderRemoved("o2", "cancelled"));
    assertTrue(s.hasEmptyStopAt("pp-1"), "a stop with no orders left needs no visit");
  }

  @Test
  void anOrderWithdrawnWhileThePlanWasSolvedIsLeftOutOfIt() {
    RegionState s =
        RegionState.EMPTY
            .apply(new VehicleJoined("v1", 100))
            .apply(new OrderAdded("o1", "pp-1", 30.3, 120.2, 2))
            .apply(new OrderAdded("o2", "pp-1", 30.3, 120.2, 3))
            .apply(new OrderRemoved("o2", "cancelled"))
            .apply(
                new PlanCommitted(
                    1,
                    List.of(new VehiclePlan("v1", 1, List.of(stop("pp-1", "o1", "o2")), 1)),
                    List.of(),
                    "cutoff",
                    0,
                    "c"));
    assertEquals(List.of("o1"), s.planOf("v1").stops().get(0).orderIds());
    assertEquals(1, s.orders().size());
  }

  @Test
  void aNewRouteForgetsTheVehiclesServedStopsSoTheSamePointCanBeServedNextDay() {
    RegionState s = withTwoOrdersOnARoute().apply(new StopServed("pp-1", "v1"));
    s =
        s.apply(new OrderAdded("o4", "pp-1", 30.3, 120.2, 1))
            .apply(
                new PlanCommitted(
                    2,
                    List.of(new VehiclePlan("v1", 2, List.of(stop("pp-1", "o4")), 1)),
                    List.of(),
                    "cutoff day-2",
                    0,
                    "day-2"));
    assertFalse(s.isServed("v1", "pp-1"), "yesterday's visit does not serve today's orders");
    assertEquals(List.of("pp-1"), s.remainingIds(s.planOf("v1")));
    assertEquals("v1", s.vehicleOf("pp-1"));
  }

  @Test
  void onlyTheLatestCutoffIdsAreKept() {
    RegionState s = RegionState.EMPTY.apply(new VehicleJoined("v1", 10));
    for (int day = 1; day <= RegionState.CUTOFFS_KEPT + 10; day++) {
      s = s.apply(new PlanCommitted(day, List.of(), List.of(), "cutoff", 0, "day-" + day));
    }
    assertEquals(RegionState.CUTOFFS_KEPT, s.cutoffs().size());
    assertFalse(s.cutoffs().contains("day-10"));
    assertTrue(s.cutoffs().contains("day-" + (RegionState.CUTOFFS_KEPT + 10)));
  }
}
