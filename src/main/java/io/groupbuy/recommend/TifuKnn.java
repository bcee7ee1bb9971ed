package io.groupbuy.recommend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TIFU-KNN (Hu et al., SIGIR 2020): a user is the time-decayed sum of their baskets' item vectors
 * (baskets in groups of {@code groupSize}, decayed by {@code withinDecay} inside a group and by
 * {@code groupDecay} across groups, newest weighing most); the next basket is scored by {@code
 * alpha} times the user's own vector plus {@code 1 - alpha} times the mean of the {@code k} nearest
 * users' vectors (Euclidean distance), with popularity breaking ties.
 */
public final class TifuKnn implements NextBasketRecommender {

  public record Params(int groupSize, double withinDecay, double groupDecay, int k, double alpha) {
    public Params {
      if (groupSize < 1 || k < 1 || alpha < 0 || alpha > 1)
        throw new IllegalArgumentException("TIFU-KNN: group size and k >= 1, alpha in [0, 1]");
    }

    public Params withAlpha(double a) {
      return new Params(groupSize, withinDecay, groupDecay, k, a);
    }

    @Override
    public String toString() {
      return "group "
          + groupSize
          + ", decay "
          + withinDecay
          + "/"
          + groupDecay
          + ", k "
          + k
          + ", alpha "
          + alpha;
    }
  }

  /** A sparse vector: items in ascending order with their weights. */
  record Vector(int[] items, double[] weights, double squaredNorm) {}

  private final Params params;
  private final Popularity popularity;
  private final int[] poolUsers;
  private final double[] poolNorms;
  // postings: for each item, the pool users whose vector has it, with the weight
  private final int[][] postingUsers;
  private final double[][] postingWeights;
  private final Map<Integer, Integer> poolIndex = new LinkedHashMap<>();

  /**
   * {@code pool}: the users whose histories may be neighbours (the user asked about is skipped).
   */
  public TifuKnn(Map<Integer, List<int[]>> pool, Params params, Popularity popularity) {
    this.params = params;
    this.popularity = popularity;
    int items = popularity.items();
    poolUsers = new int[pool.size()];
    poolNorms = new double[pool.size()];
    int[] postingCount = new int[items];
    List<Vector> vectors = new ArrayList<>(pool.size());
    int u = 0;
    for (var e : pool.entrySet()) {
      Vector v = vector(e.getValue(), params);
      vectors.add(v);
      poolUsers[u] = e.getKey();
      poolNorms[u] = v.squaredNorm();
      poolIndex.put(e.getKey(), u);
      for (int item : v.items()) if (item < items) postingCount[item]++;
      u++;
    }
    postingUsers = new int[items][];
    postingWeights = new double[items][];
    for (int i = 0; i < items; i++) {
      postingUsers[i] = new int[postingCount[i]];
      postingWeights[i] = new double[postingCount[i]];
    }
    int[] filled = new int[items];
    for (u = 0; u < vectors.size(); u++) {
      Vector v = vectors.get(u);
      for (int n = 0; n < v.items().length; n++) {
        int item = v.items()[n];
        if (item >= items) continue;
        postingUsers[item][filled[item]] = u;
        postingWeights[item][filled[item]++] = v.weights()[n];
      }
    }
    this.vectors = vectors;
  }

  private final List<Vector> vectors;

  /**
   * The user's decayed history vector, as the paper's code builds it: basket {@code b} of {@code n}
   * (oldest first) is its items at {@code withinDecay^(n-1-b)}; the baskets fall into {@code
   * groupSize} groups (one each when there are fewer baskets), the older groups one basket shorter
   * when they do not divide evenly; a group is the mean of its baskets, and the vector is the sum
   * of the groups at {@code groupDecay^(groupSize-1-g)}, over the number of groups.
   */
  static Vector vector(List<int[]> history, Params p) {
    int n = history.size();
    int m = p.groupSize();
    int groups = Math.min(n, m);
    int base = groups == 0 ? 0 : n / groups;
    int longer = groups == 0 ? 0 : n - base * groups; // the newest groups hold one more
    Map<Integer, Double> sum = new java.util.TreeMap<>();
    int b = 0;
    for (int g = 0; g < groups; g++) {
      int size = g < groups - longer ? base : base + 1;
      double groupWeight = Math.pow(p.groupDecay(), m - 1 - g) / groups / size;
      for (int end = b + size; b < end; b++) {
        double w = groupWeight * Math.pow(p.withinDecay(), n - 1 - b);
        for (int item : history.get(b)) sum.merge(item, w, Double::sum);
      }
    }
    int[] items = new int[sum.size()];
    double[] weights = new double[sum.size()];
    double norm = 0;
    int i = 0;
    for (var e : sum.entrySet()) {
      items[i] = e.getKey();
      weights[i] = e.getValue();
      norm += weights[i] * weights[i];
      i++;
    }
    return new Vector(items, weights, norm);
  }

  public double alpha() {
    return params.alpha();
  }

  @Override
  public int[] recommend(int userId, List<int[]> history, int k) {
    return Ranking.topK(scores(userId, history, params.alpha()), k);
  }

  /** The item scores for a given own-history weight (tuning reuses the neighbours). */
  public double[] scores(int userId, List<int[]> history, double alpha) {
    Neighbourhood n = neighbourhood(userId, history);
    return n.scores(alpha);
  }

  /** The user's own vector and the mean of the nearest users' vectors. */
  public Neighbourhood neighbourhood(int userId, List<int[]> history) {
    Vector own = vector(history, params);
    double[] dot = new double[poolUsers.length];
    for (int n = 0; n < own.items().length; n++) {
      int item = own.items()[n];
      if (item >= postingUsers.length) continue;
      double w = own.weights()[n];
      int[] users = postingUsers[item];
      double[] ws = postingWeights[item];
      for (int j = 0; j < users.length; j++) dot[users[j]] += w * ws[j];
    }
    Integer self = poolIndex.get(userId);
    double[] distance = new double[poolUsers.length];
    for (int u = 0; u < poolUsers.length; u++) {
      distance[u] = own.squaredNorm() + poolNorms[u] - 2 * dot[u];
    }
    if (self != null) distance[self] = Double.POSITIVE_INFINITY;
    int k = Math.min(params.k(), self != null ? poolUsers.length - 1 : poolUsers.length);
    int[] order = nearest(distance, k);
    double[] mean = new double[popularity.items()];
    for (int r = 0; r < k; r++) {
      Vector v = vectors.get(order[r]);
      for (int n = 0; n < v.items().length; n++) {
        if (v.items()[n] < mean.length) mean[v.items()[n]] += v.weights()[n] / k;
      }
    }
    return new Neighbourhood(own, mean, popularity);
  }

  /**
   * The {@code k} smallest distances' indices, nearest first, ties in index order: the first {@code
   * k} of a stable sort of all of them, found without sorting them all. Sorting the whole pool
   * (boxed indices and a comparator) was most of a live recommendation's time; a selection finds
   * the k-th distance in linear time and only the k nearest are sorted.
   */
  static int[] nearest(double[] distance, int k) {
    int n = distance.length;
    if (k <= 0) return new int[0];
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) keys[i] = orderedBits(distance[i]);
    long kth = k >= n ? Long.MAX_VALUE : select(keys.clone(), k - 1);
    Integer[] chosen = new Integer[Math.min(k, n)];
    int c = 0;
    for (int i = 0; i < n && c < chosen.length; i++) if (keys[i] < kth) chosen[c++] = i;
    for (int i = 0; i < n && c < chosen.length; i++) if (keys[i] == kth) chosen[c++] = i;
    // stable: among equal distances the lower index stays first
    Arrays.sort(chosen, (a, b) -> Long.compare(keys[a], keys[b]));
    int[] out = new int[chosen.length];
    for (int i = 0; i < out.length; i++) out[i] = chosen[i];
    return out;
  }

  /** A long that orders as {@link Double#compare} orders the doubles. */
  private static long orderedBits(double d) {
    long bits = Double.doubleToLongBits(d);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /** The value that would stand at {@code rank} if {@code a} were sorted (a is reordered). */
  private static long select(long[] a, int rank) {
    int lo = 0;
    int hi = a.length - 1;
    java.util.SplittableRandom pivots = new java.util.SplittableRandom(rank);
    while (lo < hi) {
      long pivot = a[lo + pivots.nextInt(hi - lo + 1)];
      // three-way partition: < pivot | == pivot | > pivot
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        if (a[i] < pivot) swap(a, lt++, i++);
        else if (a[i] > pivot) swap(a, i, gt--);
        else i++;
      }
      if (rank < lt) hi = lt - 1;
      else if (rank > gt) lo = gt + 1;
      else return pivot;
    }
    return a[lo];
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** What the scores are made of, for any alpha. */
  public record Neighbourhood(Vector own, double[] neighbourMean, Popularity popularity) {
    public double[] scores(double alpha) {
      double[] s = new double[neighbourMean.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = (1 - alpha) * neighbourMean[i] + popularity.tieBreak(i) * 1e-6;
      }
      for (int n = 0; n < own.items().length; n++) {
        if (own.items()[n] < s.length) s[own.items()[n]] += alpha * own.weights()[n];
      }
      return s;
    }
  }
}
