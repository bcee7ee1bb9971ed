package io.groupbuy.routing;

import java.util.List;

/**
 * Routes as lists of customer ids in visiting order (depot implicit at both ends), customers that
 * could not be served, and the total distance measured exactly (unrounded) by the problem's metric.
 */
public record VrptwSolution(
    List<List<Integer>> routes, List<Integer> dropped, double distance, long solveMillis) {
  public VrptwSolution {
    routes = routes.stream().map(List::copyOf).filter(r -> !r.isEmpty()).toList();
    dropped = List.copyOf(dropped);
  }

  public int vehicles() {
    return routes.size();
  }

  /** The usual text form: {@code Route 1: 12 5 33}, one line per used vehicle. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < routes.size(); i++) {
      b.append("Route ").append(i + 1).append(':');
      routes.get(i).forEach(c -> b.append(' ').append(c));
      b.append('\n');
    }
    return b.toString();
  }
}
