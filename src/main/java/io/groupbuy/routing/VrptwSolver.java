package io.groupbuy.routing;

import com.google.ortools.Loader;
import com.google.ortools.constraintsolver.FirstSolutionStrategy;
import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Solves a {@link VrptwProblem} with OR-Tools' routing library: hard time windows and capacity, a
 * fixed cost per vehicle used (so fewer vehicles come first), every customer optional at a large
 * drop penalty (so a first solution always exists and unserved customers are reported, never
 * silently lost), guided local search within a time limit. The hierarchical options put two
 * plain-Java phases first ({@link RouteMinimizer}, {@link StringRemovalSearch}), because guided
 * local search alone leaves vehicles to spare on tight instances.
 *
 * <p>Distances are scaled to integers for the solver; travel times are rounded <em>up</em>, so
 * every route the solver finds is also feasible with exact distances (checked by {@link
 * RouteChecker}). Reported distances are exact.
 */
public final class VrptwSolver {
  /** How to solve. {@code vehicleFixedCost} and {@code dropPenalty} are in distance units. */
  public record Options(
      Duration timeLimit,
      double vehicleFixedCost,
      double dropPenalty,
      FirstSolutionStrategy.Value firstSolution,
      LocalSearchMetaheuristic.Value metaheuristic,
      double latePenalty,
      boolean eliminateRoutes,
      double transferPenalty) {
    /**
     * Vehicles first, then distance, as VRPTW results are judged: route minimisation, then
     * string-removal search at that fleet size, then guided local search with a large fixed cost
     * per vehicle (see {@link VrptwSolver#solve}).
     */
    public static Options hierarchical(Duration timeLimit) {
      return new Options(
          timeLimit,
          10_000,
          1_000_000,
          FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH,
          0,
          true,
          0);
    }

    /**
     * The plain model other VRPTW work compares with: small vehicle cost, parallel cheapest
     * insertion + GLS.
     */
    public static Options plain(Duration timeLimit) {
      return new Options(
          timeLimit,
          1,
          10_000,
          FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH,
          0,
          false,
          0);
    }

    /**
     * The plain model given the objective VRPTW results are judged by, as one would configure it in
     * practice: the same fixed cost per vehicle as {@link #hierarchical} (so fewer vehicles come
     * first) and a drop penalty far above it, parallel cheapest insertion + GLS, no extra phases.
     */
    public static Options plainVehiclesFirst(Duration timeLimit) {
      return new Options(
          timeLimit,
          10_000,
          1_000_000,
          FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH,
          0,
          false,
          0);
    }

    /**
     * Dispatch: a vehicle costs as much as {@code vehicleFixedCost} distance units, every time unit
     * late costs {@code latePenalty} distance units (soft windows), dropping a stop costs far more
     * than either.
     */
    public static Options dispatch(
        Duration timeLimit, double vehicleFixedCost, double latePenalty) {
      return new Options(
          timeLimit,
          vehicleFixedCost,
          1_000_000,
          FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH,
          latePenalty,
          false,
          0);
    }

    /**
     * Dispatch during the day: windows become soft at {@code latePenalty} distance units per time
     * unit late, because a late delivery beats a dropped one.
     */
    public Options withLatePenalty(double latePenalty) {
      return new Options(
          timeLimit,
          vehicleFixedCost,
          dropPenalty,
          firstSolution,
          metaheuristic,
          latePenalty,
          eliminateRoutes,
          transferPenalty);
    }

    public Options withTimeLimit(Duration limit) {
      return new Options(
          limit,
          vehicleFixedCost,
          dropPenalty,
          firstSolution,
          metaheuristic,
          latePenalty,
          eliminateRoutes,
          transferPenalty);
    }

    /**
     * Dispatch during the day: a vehicle at the depot taking over a stop whose goods another
     * vehicle carries costs this many distance units (the goods must be picked again), so stops
     * move only when it is worth it.
     */
    public Options withTransferPenalty(double penalty) {
      return new Options(
          timeLimit,
          vehicleFixedCost,
          dropPenalty,
          firstSolution,
          metaheuristic,
          latePenalty,
          eliminateRoutes,
          penalty);
    }

    public Options withMetaheuristic(LocalSearchMetaheuristic.Value value) {
      return new Options(
          timeLimit,
          vehicleFixedCost,
          dropPenalty,
          firstSolution,
          value,
          latePenalty,
          eliminateRoutes,
          transferPenalty);
    }
  }

  static {
    // loading the native solver takes about half a second: not inside the first call's time limit
    Loader.loadNativeLibraries();
  }

  private VrptwSolver() {}

  /**
   * Solves within the options' time limit. With {@code eliminateRoutes} it works in three phases:
   * the fewest routes first ({@link RouteMinimizer}, up to a quarter of the time), then shorter
   * routes with that many vehicles ({@link StringRemovalSearch}), then guided local search in
   * OR-Tools, warm-started from the result, for the last tenth. Guided local search alone leaves
   * vehicles to spare: emptying a whole route needs many moves that each cost distance.
   */
  public static VrptwSolution solve(VrptwProblem p, Options options) {
    if (!options.eliminateRoutes())
      return toSolution(p, FleetSolver.solve(FleetProblem.of(p), options));
    long started = System.nanoTime();
    long limit = options.timeLimit().toNanos();
    long deadline = started + limit;
    int totalDemand = p.customers().stream().mapToInt(VrptwProblem.Stop::demand).sum();
    int lowerBound = Math.max(1, (int) Math.ceil(totalDemand / (double) p.capacity()));
    RouteMinimizer.Result fewest =
        RouteMinimizer.minimize(p, lowerBound, started + limit * MINIMIZE_SHARE / 100, SEED);
    List<List<Integer>> routes = fewest.routes();
    List<Integer> unreachable = fewest.unreachable();
    VrptwSolution best =
        new VrptwSolution(routes, unreachable, RouteChecker.distance(p, routes), 0);
    trace(p, "minimize", best, started);
    if (best.vehicles() > p.maxVehicles()) {
      // more routes than vehicles even at their fewest: let OR-Tools decide what to drop
      return toSolution(
          p,
          FleetSolver.solve(
              FleetProblem.of(p),
              options.withTimeLimit(
                  Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))));
    }
    VrptwProblem served = withoutCustomers(p, unreachable);
    if (routes.isEmpty())
      return new VrptwSolution(routes, unreachable, 0, (System.nanoTime() - started) / 1_000_000);
    routes =
        StringRemovalSearch.improve(
            served, best.routes(), started + limit * SEARCH_END / 100, SEED);
    best = new VrptwSolution(routes, unreachable, RouteChecker.distance(p, routes), 0);
    trace(p, "shorten", best, started);
    long left = deadline - System.nanoTime();
    if (left > limit / 50) {
      VrptwProblem fleet = withVehicles(served, Math.max(1, best.vehicles()));
      VrptwSolution polished =
          toSolution(
              fleet,
              FleetSolver.resolve(
                  FleetProblem.of(fleet),
                  options.withTimeLimit(Duration.ofNanos(left)),
                  best.routes()));
      trace(p, "polish", polished, started);
      if (polished.dropped().isEmpty()
          && polished.vehicles() <= best.vehicles()
          && polished.distance() < best.distance()) {
        best = new VrptwSolution(polished.routes(), unreachable, polished.distance(), 0);
      }
    }
    return new VrptwSolution(
        best.routes(), best.dropped(), best.distance(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Percent of the time limit for route minimisation, and where the string-removal search ends. */
  private static final int MINIMIZE_SHARE = 25;

  private static final int SEARCH_END = 90;
  private static final long SEED = 20_260_101L;

  private static VrptwProblem withoutCustomers(VrptwProblem p, List<Integer> ids) {
    if (ids.isEmpty()) return p;
    Set<Integer> gone = new HashSet<>(ids);
    return new VrptwProblem(
        p.name(),
        p.depot(),
        p.customers().stream().filter(c -> !gone.contains(c.id())).toList(),
        p.maxVehicles(),
        p.capacity(),
        p.distance());
  }

  private static final boolean TRACE = Boolean.getBoolean("groupbuy.routing.trace");

  private static void trace(VrptwProblem p, String phase, VrptwSolution s, long started) {
    if (TRACE) {
      System.err.printf(
          "  %s %-9s at %5d ms: %d vehicles, %.2f, %d dropped%n",
          p.name(),
          phase,
          (System.nanoTime() - started) / 1_000_000,
          s.vehicles(),
          s.distance(),
          s.dropped().size());
    }
  }

  private static VrptwProblem withVehicles(VrptwProblem p, int vehicles) {
    return new VrptwProblem(
        p.name(),
        p.depot(),
        p.customers(),
        Math.min(vehicles, p.maxVehicles()),
        p.capacity(),
        p.distance());
  }

  /**
   * Re-solves starting from existing routes (customer ids per vehicle), e.g. after a small change.
   */
  public static VrptwSolution resolve(
      VrptwProblem p, Options options, List<List<Integer>> initialRoutes) {
    return toSolution(p, FleetSolver.resolve(FleetProblem.of(p), options, initialRoutes));
  }

  private static VrptwSolution toSolution(VrptwProblem p, FleetPlan plan) {
    List<List<Integer>> routes = plan.stopIdsPerVehicle();
    return new VrptwSolution(
        routes, plan.dropped(), RouteChecker.distance(p, routes), plan.solveMillis());
  }
}
