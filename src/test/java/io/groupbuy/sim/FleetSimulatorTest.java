package io.groupbuy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
  @Test
  void theDepotIsDowntownEvenWhenSomePickupPointsStraggleFarOut() {
    List<FleetSimulator.Point> points = new ArrayList<>();
    for (int i = 0; i < 9; i++) { // downtown: a 3 x 3 grid about 1 km apart
      points.add(
          new FleetSimulator.Point("pp-" + i, 29.55 + 0.01 * (i / 3), 106.50 + 0.01 * (i % 3)));
    }
    for (int i = 0; i < 6; i++) { // far suburbs, 150-250 km east
      points.add(new FleetSimulator.Point("pp-far-" + i, 29.8, 108.0 + 0.2 * i));
    }
    FleetSimulator.Point depot = FleetSimulator.depotAmong(points);
    assertTrue(!depot.id().startsWith("pp-far"), depot.toString());
    // the point nearest the centroid is out in the suburbs
    double lat = points.stream().mapToDouble(FleetSimulator.Point::lat).average().orElseThrow();
    double lng = points.stream().mapToDouble(FleetSimulator.Point::lng).average().orElseThrow();
    FleetSimulator.Point nearCentroid =
        points.stream()
            .min(
                Comparator.comparingDouble(
                    (FleetSimulator.Point p) -> SpeedProfile.km(lat, lng, p.lat(), p.lng())))
            .orElseThrow();
    assertEquals("pp-far-0", nearCentroid.id());
  }
}
