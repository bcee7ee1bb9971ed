package io.groupbuy.recommend;

import java.util.HashSet;
import java.util.Set;

/**
 * Recall@K, NDCG@K and PHR@K over users, as the next-basket reality-check paper computes them:
 * Recall = hits / |truth|; NDCG with binary gain and the ideal DCG over all |truth| items (not
 * min(K, |truth|)); PHR = the share of users with at least one hit.
 */
public final class NextBasketScores {
  private final int k;
  private double recall;
  private double ndcg;
  private int hitUsers;
  private int users;

  public NextBasketScores(int k) {
    this.k = k;
  }

  public int k() {
    return k;
  }

  /** One user's ranked prediction (its first {@code k} count) against the true next basket. */
  public void add(int[] predicted, int[] truth) {
    if (truth.length == 0) return;
    Set<Integer> wanted = new HashSet<>();
    for (int t : truth) wanted.add(t);
    int hits = 0;
    double dcg = 0;
    for (int r = 0; r < Math.min(k, predicted.length); r++) {
      if (wanted.contains(predicted[r])) {
        hits++;
        dcg += 1 / log2(r + 2);
      }
    }
    double idcg = 0;
    for (int r = 0; r < wanted.size(); r++) idcg += 1 / log2(r + 2);
    recall += hits / (double) wanted.size();
    ndcg += dcg / idcg;
    if (hits > 0) hitUsers++;
    users++;
  }

  public int users() {
    return users;
  }

  public double recall() {
    return users == 0 ? 0 : recall / users;
  }

  public double ndcg() {
    return users == 0 ? 0 : ndcg / users;
  }

  public double phr() {
    return users == 0 ? 0 : hitUsers / (double) users;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
