package io.groupbuy.bench;

import io.groupbuy.sim.ApiClient;
import java.util.Locale;

/**
 * A Prometheus histogram of the node's, read from {@code /metrics} before and after a window: what
 * the node itself measured in that window, to set beside what the load client saw.
 */
final class NodeHistogram {
  static final String RECOMMENDATION = "groupbuy_recommendation_seconds";

  /** The node's bucket bounds for {@link #RECOMMENDATION}, as in {@code Metrics}. */
  private static final double[] BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };

  private NodeHistogram() {}

  /** Cumulative counts per bound, then the total, as the node holds them now. */
  static double[] read(ApiClient api, String name) {
    double[] counts = new double[BOUNDS.length + 1];
    String raw = api.call("GET", "/metrics", null, null).raw();
    for (String line : raw.split("\n")) {
      if (!line.startsWith(name + "_bucket{")) continue;
      int le = line.indexOf("le=\"");
      String bound = line.substring(le + 4, line.indexOf('"', le + 4));
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (bound.equals("+Inf")) {
        counts[BOUNDS.length] = value;
        continue;
      }
      double b = Double.parseDouble(bound);
      for (int i = 0; i < BOUNDS.length; i++) if (Math.abs(BOUNDS[i] - b) < 1e-9) counts[i] = value;
    }
    return counts;
  }

  /** The window's count, and the bucket bound its p50 and p99 fall under. */
  static String describe(double[] before, double[] after, String name) {
    double total = after[BOUNDS.length] - before[BOUNDS.length];
    if (total <= 0) return "no " + name + " samples";
    return String.format(
        Locale.ROOT,
        "%,.0f requests, p50 <= %s, p99 <= %s, over 20 ms: %,.0f",
        total,
        bound(before, after, total, 0.50),
        bound(before, after, total, 0.99),
        total - (after[5] - before[5]));
  }

  private static String bound(double[] before, double[] after, double total, double q) {
    for (int i = 0; i < BOUNDS.length; i++) {
      if (after[i] - before[i] >= q * total) {
        return String.format(Locale.ROOT, "%.1f ms", BOUNDS[i] * 1000);
      }
    }
    return "> " + BOUNDS[BOUNDS.length - 1] + " s";
  }
}
