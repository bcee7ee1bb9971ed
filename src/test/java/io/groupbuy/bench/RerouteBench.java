package io.groupbuy.bench;

import com.google.ortools.constraintsolver.LocalSearchMetaheuristic;
import io.groupbuy.routing.FleetPlan;
import io.groupbuy.routing.FleetProblem;
import io.groupbuy.routing.FleetProblem.Vehicle;
import io.groupbuy.routing.FleetSolver;
import io.groupbuy.routing.RouteChecker;
import io.groupbuy.routing.VrptwProblem.Distance;
import io.groupbuy.routing.VrptwProblem.Stop;
import io.groupbuy.routing.VrptwSolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Reroute latency: how long the warm-started re-solve after a delay takes, against a cold solve of
 * the same state.
 *
 * <p>A region (pickup points around a warehouse in city coordinates, road distance = 1.3 ×
 * haversine, 30 km/h, 5 min service, delivery window of 4 hours, vehicles for about 80% of the
 * fleet's capacity) is planned once at cutoff (guided local search, 5 s). Then, for each event, the
 * day is advanced to a random time: every vehicle has served the stops its plan reaches by then and
 * is driving to its next one (committed); one vehicle on the road is hit by a jam of 45-120
 * minutes. The state is re-solved twice with the same dispatch objective and stopping rule (local
 * search to a local optimum, capped at 1 s): warm, from the current routes, and cold, from parallel
 * cheapest insertion. Both plans are verified by {@link RouteChecker}. Printed: latency p50/p99/max
 * and the mean objective of each.
 *
 * <p>{@code bench/reroute [--events N] [--seed S] [--sizes 100x10,400x40]}
 */
public final class RerouteBench {
  static final double DEPOT_LAT = 29.56;
  static final double DEPOT_LNG = 106.55;
  static final double ROAD = 1.3;
  static final double SPEED_KM_PER_MIN = 30 / 60.0;
  static final double WINDOW_MIN = 240;
  static final Distance ROAD_KM = (a, b) -> ROAD * Distance.HAVERSINE_KM.between(a, b);
  static final VrptwSolver.Options DISPATCH =
      VrptwSolver.Options.dispatch(Duration.ofSeconds(1), 30, 2)
          .withTransferPenalty(15)
          .withMetaheuristic(LocalSearchMetaheuristic.Value.GREEDY_DESCENT);

  private RerouteBench() {}

  record Region(Stop depot, List<Stop> stops, int vehicles, int capacity) {}

  record Sample(long warmMillis, long coldMillis, double warmCost, double coldCost) {}

  public static void main(String[] args) {
    int events = 100;
    long seed = 7;
    String sizes = "100x10,400x40";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--sizes" -> sizes = args[++i];
        default -> {
          System.err.println(
              "usage: bench/reroute [--events N] [--seed S] [--sizes 100x10,400x40]");
          System.exit(2);
        }
      }
    }
    System.out.printf(
        "Reroute latency, %d delay events per region, seed %d, %d cores%n",
        events, seed, Runtime.getRuntime().availableProcessors());
    System.out.println(
        "region            warm p50   warm p99   warm max | cold p50   cold p99   cold max | "
            + "cost warm/cold  checked");
    for (String size : sizes.split(",")) {
      String[] parts = size.split("x");
      run(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), events, seed);
    }
  }

  static Region region(int stops, int vehicles, Random random) {
    // radius grows with the number of points so density stays city-like
    double radiusKm = 4 * Math.sqrt(stops / 100.0) * 2;
    Stop depot = new Stop(0, DEPOT_LNG, DEPOT_LAT, 0, 0, WINDOW_MIN + 180, 0);
    List<Stop> list = new ArrayList<>();
    int demand = 0;
    for (int i = 1; i <= stops; i++) {
      double r = radiusKm * Math.sqrt(random.nextDouble());
      double a = random.nextDouble() * 2 * Math.PI;
      double lat = DEPOT_LAT + r * Math.sin(a) / 111.2;
      double lng = DEPOT_LNG + r * Math.cos(a) / (111.2 * Math.cos(Math.toRadians(DEPOT_LAT)));
      int units = 2 + random.nextInt(12);
      demand += units;
      list.add(new Stop(i, lng, lat, units, 0, WINDOW_MIN, 5));
    }
    int capacity = (int) Math.ceil(demand / (0.8 * vehicles));
    return new Region(depot, list, vehicles, capacity);
  }

  static void run(int stops, int vehicles, int events, long seed) {
    Random random = new Random(seed);
    Region region = region(stops, vehicles, random);
    List<Vehicle> fleet = new ArrayList<>();
    for (int v = 0; v < vehicles; v++)
      fleet.add(Vehicle.atDepot("v" + v, region.depot(), 0, region.capacity()));
    FleetProblem start =
        new FleetProblem(
            "cutoff", region.depot(), region.stops(), fleet, ROAD_KM, SPEED_KM_PER_MIN);
    System.err.printf("%d stops / %d vehicles: planning the cutoff (5 s) ...%n", stops, vehicles);
    FleetPlan plan =
        FleetSolver.solve(start, VrptwSolver.Options.dispatch(Duration.ofSeconds(5), 30, 2));
    List<String> problems = RouteChecker.violations(start, plan, true);
    if (!problems.isEmpty()) throw new IllegalStateException("cutoff plan infeasible: " + problems);
    List<Sample> samples = new ArrayList<>();
    int warmup = Math.max(3, events / 10);
    for (int e = 0; e < warmup + events; e++) {
      Sample s = event(region, plan, random);
      if (e >= warmup) samples.add(s);
      if ((e + 1) % 10 == 0) System.err.printf("  %d/%d events%n", e + 1, warmup + events);
    }
    long[] warm = samples.stream().mapToLong(Sample::warmMillis).sorted().toArray();
    long[] cold = samples.stream().mapToLong(Sample::coldMillis).sorted().toArray();
    double warmCost = samples.stream().mapToDouble(Sample::warmCost).average().orElse(0);
    double coldCost = samples.stream().mapToDouble(Sample::coldCost).average().orElse(0);
    System.out.printf(
        "%4d stops %3d veh  %6d ms  %6d ms  %6d ms | %6d ms  %6d ms  %6d ms | %.3f          %d/%d%n",
        stops,
        vehicles,
        pct(warm, 50),
        pct(warm, 99),
        warm[warm.length - 1],
        pct(cold, 50),
        pct(cold, 99),
        cold[cold.length - 1],
        warmCost / coldCost,
        samples.size(),
        samples.size());
  }

  static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /**
   * The state at a random time of the day after the plan, with one vehicle on the road hit by a
   * jam.
   */
  static Sample event(Region region, FleetPlan plan, Random random) {
    double now = 20 + random.nextDouble() * 100;
    Map<Integer, Stop> byId = new HashMap<>();
    region.stops().forEach(s -> byId.put(s.id(), s));
    List<Vehicle> fleet = new ArrayList<>();
    List<List<Integer>> current = new ArrayList<>();
    List<Stop> remaining = new ArrayList<>();
    List<Integer> onRoad = new ArrayList<>();
    for (FleetPlan.VehicleRoute route : plan.routes()) {
      List<FleetPlan.Visit> visits = route.visits();
      if (visits.isEmpty()) {
        fleet.add(Vehicle.atDepot(route.vehicleId(), region.depot(), now, region.capacity()));
        current.add(new ArrayList<>());
        continue;
      }
      int served = 0;
      while (served < visits.size()
          && visits.get(served).serviceStart() + byId.get(visits.get(served).stopId()).serviceTime()
              <= now) {
        served++;
      }
      List<Integer> left =
          visits.subList(served, visits.size()).stream().map(FleetPlan.Visit::stopId).toList();
      left.forEach(id -> remaining.add(byId.get(id)));
      Stop at = served == 0 ? region.depot() : byId.get(visits.get(served - 1).stopId());
      if (left.isEmpty()) { // returning to the depot: free there later, carries nothing
        fleet.add(
            new Vehicle(
                route.vehicleId(), at.x(), at.y(), now, region.capacity(), false, List.of(), 0));
      } else {
        onRoad.add(fleet.size());
        fleet.add(
            new Vehicle(route.vehicleId(), at.x(), at.y(), now, region.capacity(), false, left, 1));
      }
      current.add(new ArrayList<>(left));
    }
    if (!onRoad.isEmpty()) {
      int jammed = onRoad.get(random.nextInt(onRoad.size()));
      Vehicle v = fleet.get(jammed);
      fleet.set(
          jammed,
          new Vehicle(
              v.id(),
              v.x(),
              v.y(),
              now + 45 + random.nextInt(76),
              v.capacity(),
              false,
              v.onboard(),
              v.committed()));
    }
    FleetProblem p =
        new FleetProblem("delay", region.depot(), remaining, fleet, ROAD_KM, SPEED_KM_PER_MIN);
    long t0 = System.nanoTime();
    FleetPlan warm = FleetSolver.resolve(p, DISPATCH, current);
    long t1 = System.nanoTime();
    FleetPlan cold = FleetSolver.solve(p, DISPATCH);
    long t2 = System.nanoTime();
    for (FleetPlan candidate : List.of(warm, cold)) {
      List<String> problems = RouteChecker.violations(p, candidate, false);
      if (!problems.isEmpty())
        throw new IllegalStateException("re-plan breaks the rules: " + problems);
    }
    return new Sample((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, cost(p, warm), cost(p, cold));
  }

  /**
   * The dispatch objective in km: distance, 2 km per minute late, 30 km per vehicle sent out from
   * the depot.
   */
  static double cost(FleetProblem p, FleetPlan plan) {
    long sentOut =
        IntStream.range(0, p.vehicles().size())
            .filter(v -> p.vehicles().get(v).atDepot() && !plan.routes().get(v).visits().isEmpty())
            .count();
    return plan.distance() + 2 * plan.totalLateness() + 1e6 * plan.dropped().size() + 30 * sentOut;
  }
}
