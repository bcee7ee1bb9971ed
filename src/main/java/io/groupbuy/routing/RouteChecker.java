package io.groupbuy.routing;

import io.groupbuy.routing.VrptwProblem.Stop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies routes independently of any solver, with exact (unrounded) travel times: every customer
 * served at most once and either routed or reported dropped, capacity respected, service started
 * inside each window (waiting if early), back at the depot by its due time.
 */
public final class RouteChecker {
  private static final double EPS = 1e-6;

  private RouteChecker() {}

  /** What is wrong with the solution; empty when it is feasible. */
  public static List<String> violations(VrptwProblem p, VrptwSolution s) {
    List<String> problems = new ArrayList<>();
    Map<Integer, Integer> nodeOf = new HashMap<>();
    for (int i = 1; i < p.nodeCount(); i++) nodeOf.put(p.node(i).id(), i);
    Set<Integer> seen = new HashSet<>();
    if (s.vehicles() > p.maxVehicles()) {
      problems.add(s.vehicles() + " routes but only " + p.maxVehicles() + " vehicles");
    }
    for (int r = 0; r < s.routes().size(); r++) {
      List<Integer> route = s.routes().get(r);
      int load = 0;
      double time = p.depot().readyTime();
      int at = 0;
      for (int customer : route) {
        Integer node = nodeOf.get(customer);
        if (node == null) {
          problems.add("route " + (r + 1) + ": unknown customer " + customer);
          continue;
        }
        if (!seen.add(customer)) problems.add("customer " + customer + " visited twice");
        Stop stop = p.node(node);
        time += p.travel(at, node);
        if (time > stop.dueTime() + EPS) {
          problems.add(
              String.format(
                  "route %d: customer %d reached at %.3f after its due time %.3f",
                  r + 1, customer, time, stop.dueTime()));
        }
        time = Math.max(time, stop.readyTime()) + stop.serviceTime();
        load += stop.demand();
        at = node;
      }
      time += p.travel(at, 0);
      if (time > p.depot().dueTime() + EPS) {
        problems.add(
            String.format(
                "route %d: back at the depot at %.3f after %.3f",
                r + 1, time, p.depot().dueTime()));
      }
      if (load > p.capacity())
        problems.add("route " + (r + 1) + ": load " + load + " over capacity " + p.capacity());
    }
    for (int d : s.dropped()) {
      if (!nodeOf.containsKey(d)) problems.add("dropped unknown customer " + d);
      if (!seen.add(d))
        problems.add("customer " + d + " both routed and dropped, or dropped twice");
    }
    for (Stop c : p.customers()) {
      if (!seen.contains(c.id()))
        problems.add("customer " + c.id() + " neither routed nor reported dropped");
    }
    return problems;
  }

  /** Total exact distance of the routes, depot to depot. */
  public static double distance(VrptwProblem p, List<List<Integer>> routes) {
    Map<Integer, Integer> nodeOf = new HashMap<>();
    for (int i = 1; i < p.nodeCount(); i++) nodeOf.put(p.node(i).id(), i);
    double total = 0;
    for (List<Integer> route : routes) {
      int at = 0;
      for (int customer : route) {
        int node = nodeOf.get(customer);
        total += p.travel(at, node);
        at = node;
      }
      if (!route.isEmpty()) total += p.travel(at, 0);
    }
    return total;
  }

  /**
   * What is wrong with a dispatch plan, recomputed from the problem alone: each stop served once or
   * reported dropped, only by a vehicle that may serve it (a vehicle on the road only its onboard
   * stops), committed stops first and in order, capacity, and (when {@code hardWindows}) service
   * inside each window and back at the depot by its due time.
   */
  public static List<String> violations(FleetProblem p, FleetPlan plan, boolean hardWindows) {
    List<String> problems = new ArrayList<>();
    Map<Integer, Stop> byId = new HashMap<>();
    for (Stop s : p.stops()) byId.put(s.id(), s);
    if (plan.routes().size() != p.vehicles().size()) {
      problems.add(plan.routes().size() + " routes for " + p.vehicles().size() + " vehicles");
      return problems;
    }
    Set<Integer> seen = new HashSet<>();
    for (int v = 0; v < p.vehicles().size(); v++) {
      FleetProblem.Vehicle vehicle = p.vehicles().get(v);
      List<Integer> route = plan.routes().get(v).stopIds();
      if (!plan.routes().get(v).vehicleId().equals(vehicle.id())) {
        problems.add(
            "route "
                + (v + 1)
                + " is labelled "
                + plan.routes().get(v).vehicleId()
                + ", not "
                + vehicle.id());
      }
      if (route.size() < vehicle.committed()
          || !route
              .subList(0, vehicle.committed())
              .equals(vehicle.onboard().subList(0, vehicle.committed()))) {
        problems.add(
            "vehicle "
                + vehicle.id()
                + " does not start with its committed stops "
                + vehicle.onboard().subList(0, vehicle.committed()));
      }
      Stop at = new Stop(0, vehicle.x(), vehicle.y(), 0, 0, 0, 0);
      double time = vehicle.readyTime();
      int load = 0;
      for (int id : route) {
        Stop s = byId.get(id);
        if (s == null) {
          problems.add("vehicle " + vehicle.id() + ": unknown stop " + id);
          continue;
        }
        if (!seen.add(id)) problems.add("stop " + id + " visited twice");
        if (!p.mayServe(vehicle, id))
          problems.add("vehicle " + vehicle.id() + " serves stop " + id + " it does not carry");
        time += p.travelTime(p.distance().between(at, s));
        if (hardWindows && time > s.dueTime() + EPS) {
          problems.add(
              String.format(
                  "vehicle %s: stop %d reached at %.3f after its due time %.3f",
                  vehicle.id(), id, time, s.dueTime()));
        }
        time = Math.max(time, s.readyTime()) + s.serviceTime();
        load += s.demand();
        at = s;
      }
      time += p.travelTime(p.distance().between(at, p.depot()));
      if (hardWindows && !route.isEmpty() && time > p.depot().dueTime() + EPS) {
        problems.add(
            String.format(
                "vehicle %s: back at the depot at %.3f after %.3f",
                vehicle.id(), time, p.depot().dueTime()));
      }
      if (load > vehicle.capacity()) {
        problems.add(
            "vehicle " + vehicle.id() + ": load " + load + " over capacity " + vehicle.capacity());
      }
    }
    for (int d : plan.dropped()) {
      if (!byId.containsKey(d)) problems.add("dropped unknown stop " + d);
      if (!seen.add(d)) problems.add("stop " + d + " both routed and dropped, or dropped twice");
    }
    for (Stop s : p.stops()) {
      if (!seen.contains(s.id()))
        problems.add("stop " + s.id() + " neither routed nor reported dropped");
    }
    return problems;
  }
}
