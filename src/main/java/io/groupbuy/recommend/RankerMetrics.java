package io.groupbuy.recommend;

import java.util.Arrays;

/** Scores of probabilities against 0/1 labels. */
public final class RankerMetrics {
  private RankerMetrics() {}

  /** Area under the ROC curve, ties counted half (rank-sum form); NaN without both classes. */
  public static double auc(float[] p, float[] y) {
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Float.compare(p[a], p[b]));
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && p[order[j + 1]] == p[order[i]]) j++;
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (y[order[k]] > 0.5) {
          rankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = p.length - positives;
    if (positives == 0 || negatives == 0) return Double.NaN;
    return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
  }

  /** Mean log-loss, probabilities clipped to [1e-7, 1 - 1e-7]. */
  public static double logLoss(float[] p, float[] y) {
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
      sum += y[i] > 0.5 ? -Math.log(q) : -Math.log(1 - q);
    }
    return p.length == 0 ? Double.NaN : sum / p.length;
  }
}
