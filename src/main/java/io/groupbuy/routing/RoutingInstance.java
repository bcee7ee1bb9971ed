package io.groupbuy.routing;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A {@link VrptwProblem} as arrays for the plain-Java searches: node 0 is the depot, 1..n the
 * customers. Times use the integer scale and rounding of {@link FleetSolver} (travel times rounded
 * up, the service time of the node left included), so a route feasible here is feasible in OR-Tools
 * and with exact times; distances are exact.
 */
final class RoutingInstance {
  final int customers;
  final long[][] time;
  final double[][] distance;
  final long[] ready;
  final long[] due;
  final int[] demand;
  final int capacity;
  final int[] ids;

  /** Each customer's other customers, nearest first. */
  final int[][] nearest;

  RoutingInstance(VrptwProblem p) {
    customers = p.customers().size();
    int n = customers + 1;
    time = new long[n][n];
    distance = new double[n][n];
    ready = new long[n];
    due = new long[n];
    demand = new int[n];
    ids = new int[n];
    for (int i = 0; i < n; i++) {
      VrptwProblem.Stop s = p.node(i);
      ready[i] = Math.round(s.readyTime() * FleetSolver.SCALE);
      due[i] = Math.round(s.dueTime() * FleetSolver.SCALE);
      demand[i] = s.demand();
      ids[i] = s.id();
      for (int j = 0; j < n; j++) {
        double d = i == j ? 0 : p.travel(i, j);
        distance[i][j] = d;
        time[i][j] =
            (long) Math.ceil(d * FleetSolver.SCALE - 1e-9)
                + Math.round(s.serviceTime() * FleetSolver.SCALE);
      }
    }
    capacity = p.capacity();
    nearest = new int[n][];
    for (int i = 1; i < n; i++) {
      final int from = i;
      nearest[i] =
          IntStream.range(1, n)
              .filter(j -> j != from)
              .boxed()
              .sorted(Comparator.comparingDouble(j -> distance[from][j]))
              .mapToInt(Integer::intValue)
              .toArray();
    }
  }

  /** Node index of each customer id. */
  Map<Integer, Integer> nodeOfId() {
    Map<Integer, Integer> out = new HashMap<>();
    for (int i = 1; i <= customers; i++) out.put(ids[i], i);
    return out;
  }
}
