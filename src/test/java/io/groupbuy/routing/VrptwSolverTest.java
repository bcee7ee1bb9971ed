package io.groupbuy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.routing.VrptwProblem.Stop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VrptwSolverTest {
  private static final Path SOLOMON =
      Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"), "solomon");

  @Test
  void readsSolomonFiles() {
    VrptwProblem c101 = SolomonFormat.read(SOLOMON.resolve("C101.txt"));
    assertEquals("C101", c101.name());
    assertEquals(100, c101.customers().size());
    assertEquals(25, c101.maxVehicles());
    assertEquals(200, c101.capacity());
    assertEquals(1236, c101.depot().dueTime());
    assertEquals(90, c101.customers().get(0).serviceTime());
  }

  @Test
  void solvesC101ToTheKnownOptimumFeasibly() {
    VrptwProblem p = SolomonFormat.read(SOLOMON.resolve("C101.txt"));
    VrptwSolution s = VrptwSolver.solve(p, VrptwSolver.Options.hierarchical(Duration.ofSeconds(6)));
    assertEquals(List.of(), RouteChecker.violations(p, s));
    assertEquals(List.of(), s.dropped());
    assertEquals(10, s.vehicles());
    assertEquals(828.94, s.distance(), 0.01); // the best known (and optimal) C101 solution
  }

  @Test
  void dropsWhatCannotBeServedAndSaysSo() {
    Stop depot = new Stop(0, 0, 0, 0, 0, 100, 0);
    List<Stop> customers =
        List.of(
            new Stop(1, 10, 0, 5, 0, 50, 1),
            new Stop(2, 0, 10, 5, 0, 50, 1),
            new Stop(3, 80, 0, 5, 0, 50, 1), // cannot be reached before its due time 50
            new Stop(4, 0, -10, 50, 0, 90, 1)); // heavier than a vehicle
    VrptwProblem p =
        new VrptwProblem("tiny", depot, customers, 2, 20, VrptwProblem.Distance.EUCLIDEAN);
    VrptwSolution s = VrptwSolver.solve(p, VrptwSolver.Options.hierarchical(Duration.ofSeconds(1)));
    assertEquals(List.of(), RouteChecker.violations(p, s));
    assertEquals(List.of(3, 4), s.dropped().stream().sorted().toList());
    assertEquals(1, s.vehicles());
  }

  @Test
  void degenerateProblemsNeitherCrashNorLoseCustomers() {
    Stop depot = new Stop(0, 0, 0, 0, 0, 100, 0);
    var options = VrptwSolver.Options.hierarchical(Duration.ofMillis(300));
    VrptwProblem empty =
        new VrptwProblem("empty", depot, List.of(), 3, 10, VrptwProblem.Distance.EUCLIDEAN);
    VrptwSolution none = VrptwSolver.solve(empty, options);
    assertEquals(0, none.vehicles());
    assertEquals(List.of(), none.dropped());
    VrptwProblem one =
        new VrptwProblem(
            "one",
            depot,
            List.of(new Stop(7, 3, 4, 1, 0, 50, 1)),
            3,
            10,
            VrptwProblem.Distance.EUCLIDEAN);
    VrptwSolution single = VrptwSolver.solve(one, options);
    assertEquals(List.of(List.of(7)), single.routes());
    assertEquals(10, single.distance(), 1e-9);
    VrptwProblem hopeless =
        new VrptwProblem(
            "hopeless",
            depot,
            List.of(new Stop(1, 90, 0, 1, 0, 10, 1), new Stop(2, 1, 0, 11, 0, 50, 1)),
            3,
            10,
            VrptwProblem.Distance.EUCLIDEAN);
    VrptwSolution dropped = VrptwSolver.solve(hopeless, options);
    assertEquals(List.of(), RouteChecker.violations(hopeless, dropped));
    assertEquals(List.of(1, 2), dropped.dropped().stream().sorted().toList());
    // more customers than the fleet can take, each alone: the solver reports what it drops
    List<Stop> far = new ArrayList<>();
    for (int i = 1; i <= 4; i++)
      far.add(new Stop(i, 10 * i, 10 * (i % 2 == 0 ? 1 : -1), 8, 0, 60, 1));
    VrptwProblem tight =
        new VrptwProblem("tight", depot, far, 2, 10, VrptwProblem.Distance.EUCLIDEAN);
    VrptwSolution partial = VrptwSolver.solve(tight, options);
    assertEquals(List.of(), RouteChecker.violations(tight, partial));
    assertEquals(2, partial.vehicles());
    assertEquals(2, partial.dropped().size());
  }

  @Test
  void checkerCatchesEveryKindOfViolation() {
    Stop depot = new Stop(0, 0, 0, 0, 0, 30, 0);
    List<Stop> customers =
        List.of(
            new Stop(1, 10, 0, 15, 0, 5, 0),
            new Stop(2, 20, 0, 15, 0, 100, 0),
            new Stop(3, 5, 0, 1, 0, 100, 0));
    VrptwProblem p =
        new VrptwProblem("bad", depot, customers, 1, 20, VrptwProblem.Distance.EUCLIDEAN);
    var violations =
        RouteChecker.violations(p, new VrptwSolution(List.of(List.of(1, 2, 2)), List.of(), 0, 0));
    String all = String.join("\n", violations);
    assertTrue(all.contains("customer 1 reached at 10.000 after its due time 5.000"), all);
    assertTrue(all.contains("customer 2 visited twice"), all);
    assertTrue(all.contains("over capacity"), all);
    assertTrue(all.contains("back at the depot at"), all);
    assertTrue(all.contains("customer 3 neither routed nor reported dropped"), all);
  }

  @Test
  void warmStartFromExistingRoutesKeepsThemFeasible() {
    VrptwProblem p = SolomonFormat.read(SOLOMON.resolve("R101.txt"));
    VrptwSolution cold =
        VrptwSolver.solve(p, VrptwSolver.Options.hierarchical(Duration.ofSeconds(2)));
    assertEquals(List.of(), RouteChecker.violations(p, cold));
    List<List<Integer>> routes = new ArrayList<>(cold.routes());
    VrptwSolution warm =
        VrptwSolver.resolve(p, VrptwSolver.Options.hierarchical(Duration.ofMillis(300)), routes);
    assertEquals(List.of(), RouteChecker.violations(p, warm));
    assertTrue(
        warm.distance() <= cold.distance() + 1e-6 || warm.vehicles() < cold.vehicles(),
        "warm start does not lose the solution it starts from");
  }
}
