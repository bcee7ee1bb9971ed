package io.groupbuy.forecast;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/**
 * Nelder–Mead simplex minimisation of a function without derivatives (the standard coefficients:
 * reflection 1, expansion 2, contraction ½, shrink ½). The likelihoods fitted here have a handful
 * of parameters, are cheap to evaluate and are not smooth enough at their bounds for a gradient
 * method to pay off.
 */
final class NelderMead {
  private NelderMead() {}

  /** Where the minimum was found, its value and the evaluations it took. */
  record Minimum(double[] point, double value, int evaluations) {}

  /**
   * Minimises {@code f} from {@code start}, each coordinate first stepped by {@code step}; stops
   * after {@code maxEvaluations} or when the simplex's values differ by less than {@code tolerance}
   * (relative, plus a small absolute floor).
   */
  static Minimum minimise(
      ToDoubleFunction<double[]> f,
      double[] start,
      double step,
      double tolerance,
      int maxEvaluations) {
    int n = start.length;
    if (n == 0) return new Minimum(start.clone(), f.applyAsDouble(start), 1);
    double[][] simplex = new double[n + 1][];
    double[] values = new double[n + 1];
    simplex[0] = start.clone();
    for (int i = 0; i < n; i++) {
      simplex[i + 1] = start.clone();
      simplex[i + 1][i] += step;
    }
    int evaluations = 0;
    for (int i = 0; i <= n; i++) {
      values[i] = f.applyAsDouble(simplex[i]);
      evaluations++;
    }
    Integer[] order = new Integer[n + 1];
    double[] centroid = new double[n];
    while (evaluations < maxEvaluations) {
      for (int i = 0; i <= n; i++) order[i] = i;
      final double[] v = values;
      Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
      int best = order[0];
      int worst = order[n];
      int secondWorst = order[n - 1];
      if (Math.abs(values[worst] - values[best])
          <= tolerance * (Math.abs(values[best]) + Math.abs(values[worst])) + 1e-12) {
        break;
      }
      Arrays.fill(centroid, 0);
      for (int i = 0; i <= n; i++) {
        if (i == worst) continue;
        for (int k = 0; k < n; k++) centroid[k] += simplex[i][k] / n;
      }
      double[] reflected = towards(centroid, simplex[worst], -1);
      double reflectedValue = f.applyAsDouble(reflected);
      evaluations++;
      if (reflectedValue < values[best]) {
        double[] expanded = towards(centroid, simplex[worst], -2);
        double expandedValue = f.applyAsDouble(expanded);
        evaluations++;
        if (expandedValue < reflectedValue) {
          simplex[worst] = expanded;
          values[worst] = expandedValue;
        } else {
          simplex[worst] = reflected;
          values[worst] = reflectedValue;
        }
      } else if (reflectedValue < values[secondWorst]) {
        simplex[worst] = reflected;
        values[worst] = reflectedValue;
      } else {
        boolean outside = reflectedValue < values[worst];
        double[] contracted =
            outside
                ? towards(centroid, simplex[worst], -0.5)
                : towards(centroid, simplex[worst], 0.5);
        double contractedValue = f.applyAsDouble(contracted);
        evaluations++;
        if (contractedValue < Math.min(reflectedValue, values[worst])) {
          simplex[worst] = contracted;
          values[worst] = contractedValue;
        } else {
          for (int i = 0; i <= n; i++) {
            if (i == best) continue;
            simplex[i] = towards(simplex[best], simplex[i], 0.5);
            values[i] = f.applyAsDouble(simplex[i]);
            evaluations++;
          }
        }
      }
    }
    int best = 0;
    for (int i = 1; i <= n; i++) if (values[i] < values[best]) best = i;
    return new Minimum(simplex[best], values[best], evaluations);
  }

  /** {@code from + t * (to - from)}. */
  private static double[] towards(double[] from, double[] to, double t) {
    double[] x = new double[from.length];
    for (int k = 0; k < x.length; k++) x[k] = from[k] + t * (to[k] - from[k]);
    return x;
  }
}
