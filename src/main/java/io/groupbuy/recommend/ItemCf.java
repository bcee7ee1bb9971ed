package io.groupbuy.recommend;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Item-based collaborative filtering over baskets. Two items are similar when baskets hold them
 * together: cosine over basket incidence, {@code together / sqrt(baskets(i) * baskets(j))}, each
 * item keeping its {@code neighbours} most similar. A user's profile is their items weighted by
 * {@code decay^age} of the baskets holding them (age 0: the latest). An item's score is {@code
 * repeatWeight} times the user's own (normalised) profile weight plus {@code 1 - repeatWeight}
 * times the normalised sum of profile weight times similarity; popularity breaks ties and fills.
 */
public final class ItemCf implements NextBasketRecommender {

  /**
   * {@code popularityExponent}: how much a similar item's own popularity counts, 0 for the
   * conditional probability P(j | i), 0.5 for the cosine.
   */
  public record Params(
      double repeatWeight, double decay, int neighbours, double popularityExponent) {
    public Params {
      if (repeatWeight < 0 || repeatWeight > 1 || decay <= 0 || decay > 1 || neighbours < 1)
        throw new IllegalArgumentException(
            "item-CF: repeat weight in [0, 1], decay in (0, 1], neighbours >= 1");
      if (popularityExponent < 0 || popularityExponent > 1)
        throw new IllegalArgumentException("item-CF: popularity exponent in [0, 1]");
    }

    @Override
    public String toString() {
      return "repeat "
          + repeatWeight
          + ", decay "
          + decay
          + ", neighbours "
          + neighbours
          + ", popularity exponent "
          + popularityExponent;
    }
  }

  private final Params params;
  private final Popularity popularity;
  // for each item, its most similar items, most similar first, with the similarity
  private final int[][] similarItems;
  private final double[][] similarities;

  /** Similarities from the baskets given (histories and any known next baskets). */
  public ItemCf(Collection<List<int[]>> baskets, Params params, Popularity popularity) {
    this.params = params;
    this.popularity = popularity;
    int items = popularity.items();
    double[] basketCount = new double[items];
    long pairs = 0;
    for (List<int[]> h : baskets) {
      for (int[] b : h) {
        for (int i : b) basketCount[i]++;
        pairs += (long) b.length * (b.length - 1);
      }
    }
    if (pairs > Integer.MAX_VALUE - 8)
      throw new IllegalArgumentException("too many item pairs for item-CF: " + pairs);
    long[] codes = new long[(int) pairs];
    int c = 0;
    for (List<int[]> h : baskets) {
      for (int[] b : h) {
        for (int x = 0; x < b.length; x++) {
          for (int y = 0; y < b.length; y++) {
            if (x != y) codes[c++] = ((long) b[x] << 32) | b[y];
          }
        }
      }
    }
    Arrays.sort(codes);
    similarItems = new int[items][];
    similarities = new double[items][];
    int start = 0;
    while (start < codes.length) {
      int item = (int) (codes[start] >>> 32);
      int end = start;
      while (end < codes.length && (int) (codes[end] >>> 32) == item) end++;
      // run-length count the co-items of this item
      int distinct = 0;
      for (int p = start; p < end; p++) if (p == start || codes[p] != codes[p - 1]) distinct++;
      int[] others = new int[distinct];
      double[] sims = new double[distinct];
      int d = -1;
      for (int p = start; p < end; p++) {
        if (p == start || codes[p] != codes[p - 1]) others[++d] = (int) codes[p];
        sims[d]++;
      }
      for (int k = 0; k < distinct; k++) {
        double a = params.popularityExponent();
        sims[k] /= Math.pow(basketCount[item], 1 - a) * Math.pow(basketCount[others[k]], a);
      }
      keepMostSimilar(item, others, sims, params.neighbours());
      start = end;
    }
    for (int i = 0; i < items; i++) {
      if (similarItems[i] == null) {
        similarItems[i] = new int[0];
        similarities[i] = new double[0];
      }
    }
  }

  private ItemCf(ItemCf same, Params params) {
    this.params = params;
    this.popularity = same.popularity;
    this.similarItems = same.similarItems;
    this.similarities = same.similarities;
  }

  /** The same similarities, with profiles decayed by {@code decay}. */
  public ItemCf withDecay(double decay) {
    return new ItemCf(
        this,
        new Params(params.repeatWeight(), decay, params.neighbours(), params.popularityExponent()));
  }

  private void keepMostSimilar(int item, int[] others, double[] sims, int keep) {
    int[] top = Ranking.topK(sims, keep);
    similarItems[item] = new int[top.length];
    similarities[item] = new double[top.length];
    for (int r = 0; r < top.length; r++) {
      similarItems[item][r] = others[top[r]];
      similarities[item][r] = sims[top[r]];
    }
  }

  @Override
  public int[] recommend(int userId, List<int[]> history, int k) {
    return Ranking.topK(scores(history, params.repeatWeight()), k);
  }

  /** The user's own profile, item by item. */
  public double[] profile(List<int[]> history) {
    double[] profile = new double[popularity.items()];
    for (int b = 0; b < history.size(); b++) {
      double w = Math.pow(params.decay(), history.size() - 1 - b);
      for (int item : history.get(b)) if (item < profile.length) profile[item] += w;
    }
    return profile;
  }

  /** What similar items add to the profile, item by item. */
  public double[] neighbourScores(double[] profile) {
    double[] s = new double[profile.length];
    for (int i = 0; i < profile.length; i++) {
      if (profile[i] == 0) continue;
      int[] others = similarItems[i];
      double[] sims = similarities[i];
      for (int n = 0; n < others.length; n++) s[others[n]] += profile[i] * sims[n];
    }
    return s;
  }

  /** Scores for a given repeat weight (tuning reuses the rest). */
  public double[] scores(List<int[]> history, double repeatWeight) {
    double[] profile = profile(history);
    return combine(profile, neighbourScores(profile), repeatWeight, popularity);
  }

  static double[] combine(
      double[] profile, double[] neighbours, double repeatWeight, Popularity popularity) {
    double maxOwn = max(profile);
    double maxNeighbours = max(neighbours);
    double[] s = new double[profile.length];
    for (int i = 0; i < s.length; i++) {
      s[i] =
          repeatWeight * (maxOwn > 0 ? profile[i] / maxOwn : 0)
              + (1 - repeatWeight) * (maxNeighbours > 0 ? neighbours[i] / maxNeighbours : 0)
              + popularity.tieBreak(i);
    }
    return s;
  }

  private static double max(double[] xs) {
    double m = 0;
    for (double x : xs) m = Math.max(m, x);
    return m;
  }
}
