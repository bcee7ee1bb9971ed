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
                        double latePenalty) {
    /** Vehicles first, then distance; guided local search. */
    public static Options hierarchical(java.time.Duration timeLimit) {
      return new Options(timeLimit, 10_000, 1_000_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, 0);
    }

    /** The plain model other VRPTW work compares with: small vehicle cost, parallel cheapest insertion + GLS. */
    public static Options plain(java.time.Duration timeLimit) {
      return new Options(timeLimit, 1, 10_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, 0);
    }

    /**
     * Dispatch: a vehicle costs as much as {@code vehicleFixedCost} distance units, every time unit late costs
     * {@code latePenalty} distance units (soft windows), dropping a stop costs far more than either.
     */
    public static Options dispatch(java.time.Duration timeLimit, double vehicleFixedCost, double latePenalty) {
      return new Options(timeLimit, vehicleFixedCost, 1_000_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH, latePenalty);
    }

    /**
     * Dispatch during the day: windows become soft at {@code latePenalty} distance units per time unit late, because
     * a late delivery beats a dropped one.
     */
    public Options withLatePenalty(double latePenalty) {
      return new Options(timeLimit, vehicleFixedCost, dropPenalty, firstSolution, metaheuristic, latePenalty);
    }

    public Options withTimeLimit(java.time.Duration limit) {
      return new Options(limit, vehicleFixedCost, dropPenalty, firstSolution, metaheuristic, latePenalty);
    }

    public Options withMetaheuristic(LocalSearchMetaheuristic.Value value) {
      return new Options(timeLimit, vehicleFixedCost, dropPenalty, firstSolution, value, latePenalty);
    }
  }

  private VrptwSolver() {}

  public static VrptwSolution solve(VrptwProblem p, Options options) {
    return toSolution(p, FleetSolver.solve(FleetProblem.of(p), options));
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
