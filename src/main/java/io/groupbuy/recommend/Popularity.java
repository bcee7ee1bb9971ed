package io.groupbuy.recommend;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** How many baskets hold each item, and the items ranked by it (ties: lower id first). */
public final class Popularity {
  private final double[] baskets;
  private final int[] ranked;

  private Popularity(double[] baskets) {
    this.baskets = baskets;
    this.ranked = Ranking.topK(baskets, baskets.length);
  }

  /** Counted over the histories and the next baskets given. */
  public static Popularity of(
      Collection<List<int[]>> histories, Collection<int[]> next, int items) {
    double[] counts = new double[items];
    for (List<int[]> h : histories) for (int[] b : h) for (int i : b) counts[i]++;
    for (int[] b : next) for (int i : b) counts[i]++;
    return new Popularity(counts);
  }

  public double count(int item) {
    return item < baskets.length ? baskets[item] : 0;
  }

  /** The most popular items, most first. */
  public int[] top(int k) {
    return Arrays.copyOf(ranked, Math.min(k, ranked.length));
  }

  public int items() {
    return baskets.length;
  }

  /** A score in (0, 1) that orders items by popularity, small enough to break ties only. */
  public double tieBreak(int item) {
    double most = ranked.length == 0 ? 0 : baskets[ranked[0]];
    return count(item) / (1.0 + most) * 1e-6;
  }
}
