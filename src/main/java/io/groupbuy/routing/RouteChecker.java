package io.groupbuy.routing;

import io.groupbuy.routing.VrptwProblem.Stop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies routes independently of any solver, with exact (unrounded) travel times: every customer served at most
 * once and either routed or reported dropped, capacity respected, service started inside each window (waiting if
 * early), back at the depot by its due time.
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
          problems.add(String.format("route %d: customer %d reached at %.3f after its due time %.3f", r + 1,
              customer, time, stop.dueTime()));
        }
        time = Math.max(time, stop.readyTime()) + stop.serviceTime();
        load += stop.demand();
        at = node;
      }
      time += p.travel(at, 0);
      if (time > p.depot().dueTime() + EPS) {
        problems.add(String.format("route %d: back at the depot at %.3f after %.3f", r + 1, time,
            p.depot().dueTime()));
      }
      if (load > p.capacity()) problems.add("route " + (r + 1) + ": load " + load + " over capacity " + p.capacity());
    }
    for (int d : s.dropped()) {
      if (!nodeOf.containsKey(d)) problems.add("dropped unknown customer " + d);
      if (!seen.add(d)) problems.add("customer " + d + " both routed and dropped, or dropped twice");
    }
    for (Stop c : p.customers()) {
      if (!seen.contains(c.id())) problems.add("customer " + c.id() + " neither routed nor reported dropped");
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
}
