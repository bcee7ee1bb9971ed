package io.groupbuy.routing;

import com.google.ortools.Loader;
import com.google.ortools.constraintsolver.Assignment;
import com.google.ortools.constraintsolver.FirstSolutionStrategy;
import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import com.google.ortools.constraintsolver.RoutingDimension;
import com.google.ortools.constraintsolver.RoutingIndexManager;
import com.google.ortools.constraintsolver.RoutingModel;
import com.google.ortools.constraintsolver.RoutingSearchParameters;
import com.google.ortools.constraintsolver.main;
import com.google.protobuf.Duration;
import java.util.ArrayList;
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
  static {
    Loader.loadNativeLibraries();
  }

  /** How to solve. {@code vehicleFixedCost} and {@code dropPenalty} are in distance units. */
  public record Options(java.time.Duration timeLimit, double vehicleFixedCost, double dropPenalty,
                        FirstSolutionStrategy.Value firstSolution, LocalSearchMetaheuristic.Value metaheuristic) {
    /** Vehicles first, then distance; guided local search. */
    public static Options hierarchical(java.time.Duration timeLimit) {
      return new Options(timeLimit, 10_000, 1_000_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH);
    }

    /** The plain model other VRPTW work compares with: small vehicle cost, parallel cheapest insertion + GLS. */
    public static Options plain(java.time.Duration timeLimit) {
      return new Options(timeLimit, 1, 10_000, FirstSolutionStrategy.Value.PARALLEL_CHEAPEST_INSERTION,
          LocalSearchMetaheuristic.Value.GUIDED_LOCAL_SEARCH);
    }
  }

  /** Integer scale of distances and times inside the solver. */
  static final double SCALE = 1000;

  private VrptwSolver() {}

  public static VrptwSolution solve(VrptwProblem p, Options options) {
    return new Model(p, options).solve(null);
  }

  /** Re-solves starting from existing routes (customer ids per vehicle), e.g. after a small change. */
  public static VrptwSolution resolve(VrptwProblem p, Options options, List<List<Integer>> initialRoutes) {
    return new Model(p, options).solve(initialRoutes);
  }

  /** One OR-Tools model of a problem; not thread-safe, used once. */
  private static final class Model {
    final VrptwProblem p;
    final Options options;
    final RoutingIndexManager manager;
    final RoutingModel routing;

    Model(VrptwProblem p, Options options) {
      this.p = p;
      this.options = options;
      int n = p.nodeCount();
      manager = new RoutingIndexManager(n, p.maxVehicles(), 0);
      routing = new RoutingModel(manager);
      long[][] cost = new long[n][n];
      long[][] time = new long[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double d = i == j ? 0 : p.travel(i, j);
          cost[i][j] = Math.round(d * SCALE);
          time[i][j] = (long) Math.ceil(d * SCALE - 1e-9) + Math.round(p.node(i).serviceTime() * SCALE);
        }
      }
      // OR-Tools maps routing indices to these node-indexed matrices itself
      int costCallback = routing.registerTransitMatrix(cost);
      routing.setArcCostEvaluatorOfAllVehicles(costCallback);
      routing.setFixedCostOfAllVehicles(Math.round(options.vehicleFixedCost() * SCALE));

      long[] demand = new long[n];
      for (int node = 0; node < n; node++) demand[node] = p.node(node).demand();
      int demandCallback = routing.registerUnaryTransitVector(demand);
      long[] capacities = new long[p.maxVehicles()];
      java.util.Arrays.fill(capacities, p.capacity());
      routing.addDimensionWithVehicleCapacity(demandCallback, 0, capacities, true, "Capacity");

      long horizon = Math.round(p.depot().dueTime() * SCALE);
      int timeCallback = routing.registerTransitMatrix(time);
      routing.addDimension(timeCallback, horizon, horizon, false, "Time");
      RoutingDimension timeDim = routing.getMutableDimension("Time");
      long penalty = Math.round(options.dropPenalty() * SCALE);
      for (int node = 1; node < n; node++) {
        long index = manager.nodeToIndex(node);
        VrptwProblem.Stop s = p.node(node);
        timeDim.cumulVar(index).setRange(Math.round(s.readyTime() * SCALE), Math.round(s.dueTime() * SCALE));
        routing.addDisjunction(new long[] {index}, penalty);
      }
      long depotReady = Math.round(p.depot().readyTime() * SCALE);
      for (int v = 0; v < p.maxVehicles(); v++) {
        timeDim.cumulVar(routing.start(v)).setRange(depotReady, horizon);
        timeDim.cumulVar(routing.end(v)).setRange(depotReady, horizon);
      }
    }

    VrptwSolution solve(List<List<Integer>> initialRoutes) {
      long started = System.nanoTime();
      RoutingSearchParameters params = main.defaultRoutingSearchParameters().toBuilder()
          .setFirstSolutionStrategy(options.firstSolution())
          .setLocalSearchMetaheuristic(options.metaheuristic())
          .setTimeLimit(Duration.newBuilder().setSeconds(options.timeLimit().getSeconds())
              .setNanos(options.timeLimit().getNano()).build())
          .build();
      Assignment solution;
      if (initialRoutes == null) {
        solution = routing.solveWithParameters(params);
      } else {
        routing.closeModelWithParameters(params);
        Assignment initial = routing.readAssignmentFromRoutes(toIndexRoutes(initialRoutes), true);
        solution = initial == null ? routing.solveWithParameters(params)
            : routing.solveFromAssignmentWithParameters(initial, params);
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (solution == null) {
        // cannot happen with optional customers; report everything dropped rather than lose it
        return new VrptwSolution(List.of(), p.customers().stream().map(VrptwProblem.Stop::id).toList(),
            0, millis);
      }
      List<List<Integer>> routes = new ArrayList<>();
      java.util.Set<Integer> served = new java.util.HashSet<>();
      for (int v = 0; v < p.maxVehicles(); v++) {
        List<Integer> route = new ArrayList<>();
        long index = routing.start(v);
        index = solution.value(routing.nextVar(index));
        while (!routing.isEnd(index)) {
          int id = p.node(manager.indexToNode(index)).id();
          route.add(id);
          served.add(id);
          index = solution.value(routing.nextVar(index));
        }
        if (!route.isEmpty()) routes.add(route);
      }
      List<Integer> dropped = p.customers().stream().map(VrptwProblem.Stop::id).filter(id -> !served.contains(id))
          .toList();
      return new VrptwSolution(routes, dropped, RouteChecker.distance(p, routes), millis);
    }

    private long[][] toIndexRoutes(List<List<Integer>> routes) {
      java.util.Map<Integer, Integer> nodeOf = new java.util.HashMap<>();
      for (int i = 1; i < p.nodeCount(); i++) nodeOf.put(p.node(i).id(), i);
      long[][] out = new long[p.maxVehicles()][];
      for (int v = 0; v < p.maxVehicles(); v++) {
        List<Integer> r = v < routes.size() ? routes.get(v) : List.of();
        out[v] = r.stream().filter(nodeOf::containsKey)
            .mapToLong(id -> manager.nodeToIndex(nodeOf.get(id))).toArray();
      }
      return out;
    }
  }
}
