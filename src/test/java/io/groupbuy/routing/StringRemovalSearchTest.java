package io.groupbuy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringRemovalSearchTest {
  private static final Path SOLOMON =
      Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"), "solomon");

  @Test
  void shortensTightRoutesWithoutAddingAVehicle() {
    VrptwProblem p = SolomonFormat.read(SOLOMON.resolve("RC101.txt"));
    RouteMinimizer.Result fewest =
        RouteMinimizer.minimize(p, 1, System.nanoTime() + 1_000_000_000L, 3);
    double before = RouteChecker.distance(p, fewest.routes());
    List<List<Integer>> routes =
        StringRemovalSearch.improve(p, fewest.routes(), System.nanoTime() + 3_000_000_000L, 3);
    VrptwSolution s = new VrptwSolution(routes, List.of(), RouteChecker.distance(p, routes), 0);
    assertEquals(List.of(), RouteChecker.violations(p, s));
    assertTrue(s.vehicles() <= fewest.routes().size());
    // best known with 14 vehicles: 1696.95; the minimiser's routes are typically 10-15% longer
    assertTrue(s.distance() < before, s.distance() + " not below " + before);
    assertTrue(s.distance() <= 1696.95 * 1.03, s.distance() + " more than 3% over the best known");
  }
}
