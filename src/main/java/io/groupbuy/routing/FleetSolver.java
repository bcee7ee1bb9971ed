package io.groupbuy.routing;

import com.google.ortools.Loader;
import com.google.ortools.constraintsolver.Assignment;
import com.google.ortools.constraintsolver.RoutingDimension;
import com.google.ortools.constraintsolver.RoutingIndexManager;
import com.google.ortools.constraintsolver.RoutingModel;
import com.google.ortools.constraintsolver.RoutingSearchParameters;
import com.google.ortools.constraintsolver.main;
import com.google.protobuf.Duration;
import io.groupbuy.routing.FleetPlan.VehicleRoute;
import io.groupbuy.routing.FleetPlan.Visit;
import io.groupbuy.routing.FleetProblem.Vehicle;
import io.groupbuy.routing.VrptwProblem.Stop;
import io.groupbuy.routing.VrptwSolver.Options;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Solves a {@link FleetProblem} with OR-Tools routing: capacity, time windows (hard, or soft with a
 * lateness cost when {@link Options#latePenalty()} is positive, because during the day a late
 * delivery beats none), a fixed cost per vehicle used, every stop optional at a large drop penalty
 * so a first solution always exists and unserved stops are reported, guided local search (or
 * another metaheuristic) within a time limit, and an optional warm start.
 *
 * <p>Distances are scaled to integers; travel times are rounded up, so every plan the solver finds
 * is feasible with exact times. Visit times in the returned plan are recomputed exactly from each
 * vehicle's ready time.
 */
public final class FleetSolver {
  static {
    Loader.loadNativeLibraries();
  }

  /** Integer scale of distances and times inside the solver. */
  static final double SCALE = 1000;

  private FleetSolver() {}

  public static FleetPlan solve(FleetProblem p, Options options) {
    return new Model(p, options).solve(null);
  }

  /**
   * Starts from {@code routes} (stop ids per vehicle, in the problem's vehicle order) and improves
   * them; falls back to a cold solve when they no longer fit the problem (e.g. a stop was cancelled
   * and the route is now invalid).
   */
  public static FleetPlan resolve(FleetProblem p, Options options, List<List<Integer>> routes) {
    return new Model(p, options).solve(routes);
  }

  private static final boolean TRACE = Boolean.getBoolean("groupbuy.routing.trace");

  /** Cancels searches that run past their deadline (see {@link Model#solve}). */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "routing-deadlines");
            t.setDaemon(true);
            return t;
          });

  /** One OR-Tools model of a problem; used once. */
  private static final class Model {
    final FleetProblem p;
    final Options options;
    final List<Stop> nodes = new ArrayList<>();
    final Map<Integer, Integer> nodeOfStop = new HashMap<>();
    final RoutingIndexManager manager;
    final RoutingModel routing;

    /** When building the model began: the time limit counts from here, as the caller sees it. */
    final long constructedAt = System.nanoTime();

    Model(FleetProblem p, Options options) {
      this.p = p;
      this.options = options;
      int vehicles = p.vehicles().size();
      // node 0 depot, 1..n stops, then one start node per vehicle
      nodes.add(p.depot());
      for (Stop s : p.stops()) {
        nodeOfStop.put(s.id(), nodes.size());
        nodes.add(s);
      }
      int[] starts = new int[vehicles];
      int[] ends = new int[vehicles];
      double latest = p.depot().dueTime();
      for (int v = 0; v < vehicles; v++) {
        Vehicle vehicle = p.vehicles().get(v);
        latest = Math.max(latest, vehicle.readyTime());
        // Vehicles at the depot start from the depot node itself: separate start nodes at the same
        // place leave the
        // search measurably worse (guided local search penalises their arcs separately).
        if (vehicle.atDepot() && vehicle.x() == p.depot().x() && vehicle.y() == p.depot().y())
          continue;
        starts[v] = nodes.size();
        nodes.add(
            new Stop(
                Integer.MIN_VALUE + v,
                vehicle.x(),
                vehicle.y(),
                0,
                vehicle.readyTime(),
                vehicle.readyTime(),
                0));
      }
      for (Stop s : p.stops()) latest = Math.max(latest, s.dueTime());
      boolean soft = options.latePenalty() > 0;
      // with soft windows a vehicle may run past the shift end rather than make the model
      // infeasible
      long horizon = Math.round((soft ? 2 * latest + 1 : p.depot().dueTime()) * SCALE);

      int n = nodes.size();
      manager = new RoutingIndexManager(n, vehicles, starts, ends);
      routing = new RoutingModel(manager);
      long[][] cost = new long[n][n];
      long[][] time = new long[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double d = i == j ? 0 : p.distance().between(nodes.get(i), nodes.get(j));
          cost[i][j] = Math.round(d * SCALE);
          time[i][j] =
              (long) Math.ceil(p.travelTime(d) * SCALE - 1e-9)
                  + Math.round(nodes.get(i).serviceTime() * SCALE);
        }
      }
      routing.setArcCostEvaluatorOfAllVehicles(routing.registerTransitMatrix(cost));
      // a vehicle at the depot may take over stops another vehicle carries, at a price: their goods
      // must be picked
      // again, and the driver who has them is told to skip them
      Set<Integer> carried = new HashSet<>();
      for (Vehicle v : p.vehicles()) for (int id : v.onboard()) carried.add(nodeOfStop.get(id));
      if (options.transferPenalty() > 0 && !carried.isEmpty()) {
        long penalty = Math.round(options.transferPenalty() * SCALE);
        long[][] fromDepot = new long[n][];
        for (int i = 0; i < n; i++) {
          fromDepot[i] = cost[i].clone();
          for (int j : carried) fromDepot[i][j] += penalty;
        }
        int evaluator = routing.registerTransitMatrix(fromDepot);
        for (int v = 0; v < vehicles; v++) {
          if (p.vehicles().get(v).atDepot()) routing.setArcCostEvaluatorOfVehicle(evaluator, v);
        }
      }
      // a vehicle already on the road is in use anyway; only sending out another one costs a
      // vehicle
      for (int v = 0; v < vehicles; v++) {
        if (p.vehicles().get(v).atDepot())
          routing.setFixedCostOfVehicle(Math.round(options.vehicleFixedCost() * SCALE), v);
      }

      long[] demand = new long[n];
      for (int node = 1; node <= p.stops().size(); node++) demand[node] = nodes.get(node).demand();
      long[] capacities = p.vehicles().stream().mapToLong(Vehicle::capacity).toArray();
      routing.addDimensionWithVehicleCapacity(
          routing.registerUnaryTransitVector(demand), 0, capacities, true, "Capacity");

      routing.addDimension(routing.registerTransitMatrix(time), horizon, horizon, false, "Time");
      RoutingDimension timeDim = routing.getMutableDimension("Time");
      long dropPenalty = Math.round(options.dropPenalty() * SCALE);
      Map<Integer, Integer> carrier = new HashMap<>();
      for (int v = 0; v < vehicles; v++) {
        for (int id : p.vehicles().get(v).onboard()) carrier.put(id, v);
      }
      for (Stop s : p.stops()) {
        long index = manager.nodeToIndex(nodeOfStop.get(s.id()));
        long ready = Math.round(s.readyTime() * SCALE);
        long due = Math.round(s.dueTime() * SCALE);
        if (soft) {
          timeDim.cumulVar(index).setRange(Math.min(ready, horizon), horizon);
          timeDim.setCumulVarSoftUpperBound(index, due, Math.round(options.latePenalty()));
        } else {
          timeDim.cumulVar(index).setRange(ready, due);
        }
        routing.addDisjunction(new long[] {index}, dropPenalty);
        // only vehicles that have (or can load) the stop's goods; an inactive stop keeps vehicle
        // -1, so it stays droppable
        Integer on = carrier.get(s.id());
        long[] forbidden =
            IntStream.range(0, vehicles)
                .filter(v -> !p.vehicles().get(v).atDepot() && (on == null || v != on))
                .asLongStream()
                .toArray();
        if (forbidden.length > 0) routing.vehicleVar(index).removeValues(forbidden);
      }
      long shiftEnd = Math.round(p.depot().dueTime() * SCALE);
      for (int v = 0; v < vehicles; v++) {
        Vehicle vehicle = p.vehicles().get(v);
        long ready = Math.round(vehicle.readyTime() * SCALE);
        timeDim.cumulVar(routing.start(v)).setRange(Math.min(ready, horizon), horizon);
        timeDim.cumulVar(routing.end(v)).setRange(Math.min(ready, horizon), horizon);
        if (soft)
          timeDim.setCumulVarSoftUpperBound(
              routing.end(v), shiftEnd, Math.round(options.latePenalty()));
        long previous = routing.start(v);
        for (int k = 0; k < vehicle.committed(); k++) {
          long next = manager.nodeToIndex(nodeOfStop.get(vehicle.onboard().get(k)));
          routing.nextVar(previous).setValue(next);
          previous = next;
        }
      }
    }

    private void trace(String step) {
      if (TRACE) {
        System.err.printf(
            "    or-tools %-20s at %5d ms (%d stops, %d vehicles)%n",
            step,
            (System.nanoTime() - constructedAt) / 1_000_000,
            p.stops().size(),
            p.vehicles().size());
      }
    }

    FleetPlan solve(List<List<Integer>> initialRoutes) {
      RoutingSearchParameters.Builder params =
          main.defaultRoutingSearchParameters().toBuilder()
              .setFirstSolutionStrategy(options.firstSolution())
              .setLocalSearchMetaheuristic(options.metaheuristic())
              .setTimeLimit(
                  Duration.newBuilder()
                      .setSeconds(options.timeLimit().getSeconds())
                      .setNanos(options.timeLimit().getNano())
                      .build());
      trace("model built");
      // Routing's own time limit is checked only between steps of its local search, and on a
      // 1,000-stop problem one step ran 20 s past it; this limit asks the clock at every check,
      // and a timer cancels the search from outside at the same moment in case even that is late.
      long[] searchEnd = {Long.MAX_VALUE};
      routing.addSearchMonitor(
          routing.solver().makeCustomLimit(() -> System.nanoTime() > searchEnd[0]));
      routing.closeModelWithParameters(params.build());
      trace("model closed");
      Assignment solution;
      Assignment initial =
          initialRoutes == null
              ? null
              : routing.readAssignmentFromRoutes(toIndexRoutes(initialRoutes), true);
      // building the model and reading the warm start count against the limit, but the search
      // keeps at least a quarter of it: a very short limit must still leave time for a first
      // solution. A cancelled search keeps the warm start rather than nothing.
      trace("initial routes read");
      long limit = options.timeLimit().toNanos();
      // and it ends 1% early: reading the routes back and the caller's own steps follow it
      long left =
          Math.max(
              Math.max(1_000_000, limit / 4),
              limit - limit / 100 - (System.nanoTime() - constructedAt));
      params.setTimeLimit(
          Duration.newBuilder()
              .setSeconds(left / 1_000_000_000)
              .setNanos((int) (left % 1_000_000_000)));
      searchEnd[0] = System.nanoTime() + left;
      ScheduledFuture<?> cancel =
          DEADLINES.schedule(routing::CancelSearch, left, TimeUnit.NANOSECONDS);
      try {
        solution =
            initial == null
                ? routing.solveWithParameters(params.build())
                : routing.solveFromAssignmentWithParameters(initial, params.build());
      } finally {
        cancel.cancel(false);
      }
      if (solution == null && initial != null) solution = initial;
      trace("searched");
      long millis = (System.nanoTime() - constructedAt) / 1_000_000;
      List<List<Integer>> routes = new ArrayList<>();
      Set<Integer> served = new HashSet<>();
      for (int v = 0; v < p.vehicles().size(); v++) {
        List<Integer> route = new ArrayList<>();
        if (solution != null) {
          long index = solution.value(routing.nextVar(routing.start(v)));
          while (!routing.isEnd(index)) {
            int id = nodes.get(manager.indexToNode(index)).id();
            route.add(id);
            served.add(id);
            index = solution.value(routing.nextVar(index));
          }
        }
        routes.add(route);
      }
      List<Integer> dropped =
          p.stops().stream().map(Stop::id).filter(id -> !served.contains(id)).toList();
      return timed(p, routes, dropped, millis);
    }

    private long[][] toIndexRoutes(List<List<Integer>> routes) {
      long[][] out = new long[p.vehicles().size()][];
      for (int v = 0; v < out.length; v++) {
        List<Integer> r = v < routes.size() ? routes.get(v) : List.of();
        out[v] =
            r.stream()
                .filter(nodeOfStop::containsKey)
                .mapToLong(id -> manager.nodeToIndex(nodeOfStop.get(id)))
                .toArray();
      }
      return out;
    }
  }

  /**
   * Exact visit times of routes (stop ids per vehicle), starting each vehicle at its position and
   * ready time.
   */
  public static FleetPlan timed(
      FleetProblem p, List<List<Integer>> routes, List<Integer> dropped, long millis) {
    Map<Integer, Stop> byId = new HashMap<>();
    for (Stop s : p.stops()) byId.put(s.id(), s);
    List<VehicleRoute> out = new ArrayList<>();
    double distance = 0;
    for (int v = 0; v < p.vehicles().size(); v++) {
      Vehicle vehicle = p.vehicles().get(v);
      List<Integer> route = v < routes.size() ? routes.get(v) : List.of();
      Stop at = new Stop(0, vehicle.x(), vehicle.y(), 0, 0, 0, 0);
      double clock = vehicle.readyTime();
      List<Visit> visits = new ArrayList<>();
      for (int id : route) {
        Stop s = byId.get(id);
        if (s == null)
          throw new IllegalArgumentException(
              "route of vehicle " + vehicle.id() + ": unknown stop " + id);
        double d = p.distance().between(at, s);
        distance += d;
        clock += p.travelTime(d);
        double start = Math.max(clock, s.readyTime());
        visits.add(new Visit(id, clock, start, Math.max(0, start - s.dueTime())));
        clock = start + s.serviceTime();
        at = s;
      }
      double back = p.distance().between(at, p.depot());
      if (!route.isEmpty() || !vehicle.atDepot()) {
        distance += back;
        clock += p.travelTime(back);
      }
      out.add(new VehicleRoute(vehicle.id(), visits, clock));
    }
    return new FleetPlan(out, dropped, distance, millis);
  }
}
