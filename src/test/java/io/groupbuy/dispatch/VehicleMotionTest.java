package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.dispatch.Vehicle.Fix;
import io.groupbuy.dispatch.Vehicle.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VehicleMotionTest {
  static final double LAT = 30.25;
  static final double LNG = 120.15;
  static final long T0 = 1_700_000_000_000L;

  static VehicleState onRoute() {
    RouteStop far =
        new RouteStop("far", LAT + 0.1, LNG, 5, T0, T0 + 7_200_000, 300, List.of("o-1"), T0);
    return new VehicleState(
        "d1", 40, "wh-1", LAT, LNG, Status.EN_ROUTE, 1, List.of(far), Map.of(), 1, null, null, 0);
  }

  @Test
  void predictsWithThePlannedSpeedUntilTheVehicleHasMoved() {
    VehicleMotion motion = new VehicleMotion(1.3, 30);
    assertEquals(30, motion.speedKmh());
    motion.observe(onRoute(), new Fix(LAT + 0.02, LNG, 20, T0));
    assertEquals(20, motion.speedKmh(), 1e-9);
    motion.observe(onRoute(), new Fix(LAT + 0.03, LNG, 80, T0 + 60_000));
    assertEquals(30, motion.speedKmh(), 1e-9, "never above the planned speed");
  }

  @Test
  void standingAtTheDepotIsServiceNotTraffic() {
    VehicleMotion motion = new VehicleMotion(1.3, 30);
    motion.observe(onRoute(), new Fix(LAT + 0.02, LNG, 24, T0));
    motion.observe(onRoute(), new Fix(LAT, LNG, 0, T0 + 60_000));
    assertEquals(24, motion.speedKmh(), 1e-9);
    assertEquals(LAT, motion.lat(onRoute()), 1e-9);
  }

  @Test
  void lateFixesAreNotNewerAndJamsDelayEveryEta() {
    VehicleMotion motion = new VehicleMotion(1.3, 30);
    Fix fix = new Fix(LAT + 0.02, LNG, 20, T0 + 10_000);
    assertTrue(motion.isNewer(fix));
    motion.observe(onRoute(), fix);
    assertFalse(motion.isNewer(new Fix(LAT, LNG, 20, T0 + 10_000)));
    long free = motion.etas(onRoute(), T0 + 10_000).get(0).etaMs();
    VehicleState jammed =
        new VehicleState(
            "d1",
            40,
            "wh-1",
            LAT,
            LNG,
            Status.EN_ROUTE,
            1,
            onRoute().stops(),
            Map.of(),
            1,
            null,
            Vehicle.IncidentKind.JAM,
            T0 + 10_000 + 1_800_000);
    assertEquals(free + 1_800_000, motion.etas(jammed, T0 + 10_000).get(0).etaMs());
  }
}
