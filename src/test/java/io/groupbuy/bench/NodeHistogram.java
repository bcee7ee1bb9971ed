package io.groupbuy.bench;

import io.groupbuy.sim.ApiClient;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus histogram of the node's, read from {@code /metrics} before and after a window: what
 * the node itself measured in that window, to set beside what the load client saw. The bucket
 * bounds are read from the exposition, so they follow the node's.
 */
final class NodeHistogram {
  static final String RECOMMENDATION = "groupbuy_recommendation_seconds";

  private NodeHistogram() {}

  /** Cumulative count per upper bound (+Inf as infinity), as the node holds them now. */
  static TreeMap<Double, Double> read(ApiClient api, String name) {
    TreeMap<Double, Double> counts = new TreeMap<>();
    String raw = api.call("GET", "/metrics", null, null).raw();
    for (String line : raw.split("\n")) {
      if (!line.startsWith(name + "_bucket{")) continue;
      int le = line.indexOf("le=\"");
      String bound = line.substring(le + 4, line.indexOf('"', le + 4));
      counts.put(
          bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
          Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
    return counts;
  }

  /** The window's count, and the bucket bound its p50 and p99 fall under. */
  static String describe(TreeMap<Double, Double> before, TreeMap<Double, Double> after) {
    double total = inWindow(before, after, Double.POSITIVE_INFINITY);
    if (total <= 0) return "no samples";
    return String.format(
        Locale.ROOT,
        "%,.0f requests, p50 <= %s, p99 <= %s, over 20 ms: %,.0f",
        total,
        bound(before, after, total, 0.50),
        bound(before, after, total, 0.99),
        total - inWindow(before, after, 0.02));
  }

  private static double inWindow(
      TreeMap<Double, Double> before, TreeMap<Double, Double> after, double bound) {
    return after.getOrDefault(bound, 0.0) - before.getOrDefault(bound, 0.0);
  }

  private static String bound(
      TreeMap<Double, Double> before, TreeMap<Double, Double> after, double total, double q) {
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      if (e.getValue() - before.getOrDefault(e.getKey(), 0.0) >= q * total) {
        return e.getKey().isInfinite()
            ? "+Inf"
            : String.format(Locale.ROOT, "%.1f ms", e.getKey() * 1000);
      }
    }
    return "+Inf";
  }
}
