package io.groupbuy.routing;

import com.google.ortools.constraintsolver.FirstSolutionStrategy;
import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import java.util.List;

/**
 * Solves a {@link VrptwProblem} with OR-Tools' routing library: hard time windows and capacity, a fixed cost per
 * vehicle used (so fewer vehicles come first), every customer optional at a large drop penalty (so a first solution
 * always exists and unserved customers are reported, never silently lost), guided local search within a time limit.
 *
 * <p>Distances are scaled to integers for the solver; travel times are rounded <em>up</em>, so every route the solver
 * finds is also feasible with exact distances (checked by {@link RouteChecker}). Reported distances are exact.
 */
public final class VrptwSolver {
  /** How to solve. {@code vehicleFixedCost} and {@code dropPenalty} are in distance units. */
  public record Options(java.time.Duration timeLimit, double vehicleFixedCost, double dropPenalty,
                        FirstSolutionStrategy.Value firstSolution, LocalSearchMetaheuristic.Value metaheuristic,
                        double latePenalty, boolean eliminateRoutes) {
    /**
     * Vehicles first, then distance: a large fixed cost per vehicle, guided local search, and route elimination (see
     * {@link VrptwSolver#solve}).
     */
    public static Options hierarchical(java.time.Duration timeLimit) {
      return new Options(timeLimit, 10_000, 1_000_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, 0, true);
    }

    /** The plain model other VRPTW work compares with: small vehicle cost, parallel cheapest insertion + GLS. */
    public static Options plain(java.time.Duration timeLimit) {
      return new Options(timeLimit, 1, 10_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, 0, false);
    }

    /**
     * Dispatch: a vehicle costs as much as {@code vehicleFixedCost} distance units, every time unit late costs
     * {@code latePenalty} distance units (soft windows), dropping a stop costs far more than either.
     */
    public static Options dispatch(java.time.Duration timeLimit, double vehicleFixedCost, double latePenalty) {
      return new Options(timeLimit, vehicleFixedCost, 1_000_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, latePenalty, false);
    }

    /**
     * Dispatch during the day: windows become soft at {@code latePenalty} distance units per time unit late, because
     * a late delivery beats a dropped one.
     */
    public Options withLatePenalty(double latePenalty) {
      return new Options(timeLimit, vehicleFixedCost, dropPenalty, firstSolution, metaheuristic, latePenalty, eliminateRoutes);
    }

    public Options withTimeLimit(java.time.Duration limit) {
      return new Options(limit, vehicleFixedCost, dropPenalty, firstSolution, metaheuristic, latePenalty, eliminateRoutes);
    }

    public Options withMetaheuristic(LocalSearchMetaheuristic.Value value) {
      return new Options(timeLimit, vehicleFixedCost, dropPenalty, firstSolution, value, latePenalty, eliminateRoutes);
    }
  }

  private VrptwSolver() {}

  /**
   * Solves within the options' time limit. With {@code eliminateRoutes}, a third of the time finds a first solution;
   * then, while time remains, the shortest route is removed and the rest re-solved with one vehicle fewer, warm-started
   * (its customers start unserved at a high penalty, so local search works to place them); a solution that serves
   * everyone with fewer vehicles is kept, and after two failed attempts the remaining time polishes the distance. This
   * is what guided local search alone does poorly: emptying a whole route needs many moves that each cost distance.
   */
  public static VrptwSolution solve(VrptwProblem p, Options options) {
    if (!options.eliminateRoutes()) return toSolution(p, FleetSolver.solve(FleetProblem.of(p), options));
    long started = System.nanoTime();
    long limit = options.timeLimit().toNanos();
    long deadline = started + limit;
    VrptwSolution best = toSolution(p, FleetSolver.solve(FleetProblem.of(p), options.withTimeLimit(
        java.time.Duration.ofNanos(limit * 70 / 100))));
    trace(p, "first", best, started);
    int totalDemand = p.customers().stream().mapToInt(VrptwProblem.Stop::demand).sum();
    int lowerBound = Math.max(1, (int) Math.ceil(totalDemand / (double) p.capacity()));
    // Guided local search polishes a cold start far better than a warm one, so it gets the first 70%; route
    // elimination then has until 95% (each attempt at most 10%, three failures end it), and a shorter fleet gets the rest.
    long eliminationEnd = started + limit * 95 / 100;
    int failures = 0;
    boolean eliminated = false;
    while (best.dropped().isEmpty() && best.vehicles() > lowerBound && failures < 3) {
      long left = eliminationEnd - System.nanoTime();
      if (left < limit / 20) break;
      eliminated = true;
      List<List<Integer>> routes = new java.util.ArrayList<>(best.routes());
      routes.sort(java.util.Comparator.comparingInt(List::size));
      routes.remove(Math.min(failures, routes.size() - 1)); // the shortest, then the next shortest
      VrptwProblem fewer = withVehicles(p, best.vehicles() - 1);
      VrptwSolution attempt = toSolution(fewer, FleetSolver.resolveInserting(FleetProblem.of(fewer),
          options.withTimeLimit(java.time.Duration.ofNanos(Math.min(left, limit * 10 / 100))), routes));
      trace(p, "eliminate", attempt, started);
      if (attempt.dropped().isEmpty()) {
        best = attempt;
        failures = 0;
      } else {
        failures++;
      }
    }
    long left = deadline - System.nanoTime();
    if (left > limit / 50) {
      VrptwProblem fleet = withVehicles(p, Math.max(1, best.vehicles()));
      VrptwSolution polished = toSolution(fleet, FleetSolver.resolve(FleetProblem.of(fleet),
          options.withTimeLimit(java.time.Duration.ofNanos(left)), best.routes()));
      trace(p, "polish", polished, started);
      if (polished.dropped().size() <= best.dropped().size() && (polished.vehicles() < best.vehicles()
          || (polished.vehicles() == best.vehicles() && polished.distance() < best.distance()))) {
        best = polished;
      }
    }
    return new VrptwSolution(best.routes(), best.dropped(), best.distance(), (System.nanoTime() - started) / 1_000_000);
  }

  private static final boolean TRACE = Boolean.getBoolean("groupbuy.routing.trace");

  private static void trace(VrptwProblem p, String phase, VrptwSolution s, long started) {
    if (TRACE) {
      System.err.printf("  %s %-9s at %5d ms: %d vehicles, %.2f, %d dropped%n", p.name(), phase,
          (System.nanoTime() - started) / 1_000_000, s.vehicles(), s.distance(), s.dropped().size());
    }
  }

  private static VrptwProblem withVehicles(VrptwProblem p, int vehicles) {
    return new VrptwProblem(p.name(), p.depot(), p.customers(), Math.min(vehicles, p.maxVehicles()), p.capacity(),
        p.distance());
  }

  /** Re-solves starting from existing routes (customer ids per vehicle), e.g. after a small change. */
  public static VrptwSolution resolve(VrptwProblem p, Options options, List<List<Integer>> initialRoutes) {
    return toSolution(p, FleetSolver.resolve(FleetProblem.of(p), options, initialRoutes));
  }

  private static VrptwSolution toSolution(VrptwProblem p, FleetPlan plan) {
    List<List<Integer>> routes = plan.stopIdsPerVehicle();
    return new VrptwSolution(routes, plan.dropped(), RouteChecker.distance(p, routes), plan.solveMillis());
  }
}
