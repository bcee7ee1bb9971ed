package io.groupbuy.recommend;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Candidates and their features for the next-basket ranker: a user's candidates are TIFU-KNN's top
 * items and the user's own most frequent ones; each (user, item) pair is described by dense
 * features of the user's history, the item and the two models' scores, plus a cell crossing how
 * often and how lately the user bought the item (the wide part's crossed feature).
 */
public final class RankerFeatures {
  /** Dense features per pair. */
  public static final int DENSE = 15;

  /** Cells of the frequency x recency cross. */
  public static final int CROSS_CELLS = 5 * 5;

  /** One user's candidates: item ids, dense features (row-major), cross cells. */
  public record Candidates(int[] items, float[] dense, int[] cross) {
    public int size() {
      return items.length;
    }
  }

  private final TifuKnn tifu;
  private final ItemCf cf;
  private final Popularity popularity;
  private final double[] repeatShare;
  private final int fromTifu;
  private final int fromOwn;

  /**
   * {@code histories}: what the items' repurchase shares are counted on; {@code fromTifu}, {@code
   * fromOwn}: how many candidates each source gives.
   */
  public RankerFeatures(
      TifuKnn tifu,
      ItemCf cf,
      Popularity popularity,
      Collection<List<int[]>> histories,
      int fromTifu,
      int fromOwn) {
    this.tifu = tifu;
    this.cf = cf;
    this.popularity = popularity;
    this.fromTifu = fromTifu;
    this.fromOwn = fromOwn;
    // of the users who bought an item, the share who bought it on two days or more
    int n = popularity.items();
    double[] buyers = new double[n];
    double[] rebuyers = new double[n];
    for (List<int[]> h : histories) {
      java.util.Map<Integer, Integer> count = new java.util.HashMap<>();
      for (int[] b : h) for (int i : b) count.merge(i, 1, Integer::sum);
      for (var e : count.entrySet()) {
        if (e.getKey() >= n) continue;
        buyers[e.getKey()]++;
        if (e.getValue() > 1) rebuyers[e.getKey()]++;
      }
    }
    repeatShare = new double[n];
    for (int i = 0; i < n; i++) repeatShare[i] = (rebuyers[i] + 0.1) / (buyers[i] + 1);
  }

  public Candidates candidates(int userId, List<int[]> history) {
    return candidates(userId, history, new int[0]);
  }

  /** The user's candidates and, whatever the sources say, the {@code extra} items too. */
  public Candidates candidates(int userId, List<int[]> history, int[] extra) {
    TifuKnn.Neighbourhood hood = tifu.neighbourhood(userId, history);
    double[] tifuScores = hood.scores(tifu.alpha());
    double[] profile = cf.profile(history);
    double[] cfScores = cf.neighbourScores(profile);
    int n = popularity.items();
    double[] freq = new double[n];
    int[] lastSeen = new int[n];
    java.util.Arrays.fill(lastSeen, -1);
    for (int b = 0; b < history.size(); b++) {
      for (int i : history.get(b)) {
        if (i >= n) continue;
        freq[i]++;
        lastSeen[i] = b;
      }
    }
    int[] tifuTop = Ranking.topK(tifuScores, fromTifu);
    Set<Integer> chosen = new LinkedHashSet<>();
    for (int i : tifuTop) chosen.add(i);
    double[] own = new double[n];
    for (int i = 0; i < n; i++) own[i] = freq[i] > 0 ? freq[i] + popularity.tieBreak(i) : 0;
    for (int i : Ranking.topK(own, fromOwn)) chosen.add(i);
    for (int i : popularity.top(10)) chosen.add(i);
    for (int i : extra) if (i >= 0 && i < n) chosen.add(i);

    double maxTifu = max(tifuScores);
    double maxCf = max(cfScores);
    double logMaxPop =
        Math.log1p(popularity.count(popularity.top(1).length == 0 ? 0 : popularity.top(1)[0]));
    int baskets = history.size();
    double avgSize = 0;
    for (int[] b : history) avgSize += b.length;
    avgSize = baskets == 0 ? 0 : avgSize / baskets;
    // how much of each basket the user had bought before: some users mostly rebuy
    double repeatRatio = 0;
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    int counted = 0;
    for (int[] b : history) {
      if (!seen.isEmpty()) {
        int again = 0;
        for (int i : b) if (seen.contains(i)) again++;
        repeatRatio += b.length == 0 ? 0 : again / (double) b.length;
        counted++;
      }
      for (int i : b) seen.add(i);
    }
    repeatRatio = counted == 0 ? 0 : repeatRatio / counted;
    double[] recent = new double[n];
    for (int b = Math.max(0, baskets - 3); b < baskets; b++) {
      for (int i : history.get(b)) if (i < n) recent[i] += 1 / 3.0;
    }
    int[] tifuRank = new int[n];
    java.util.Arrays.fill(tifuRank, fromTifu);
    for (int r = 0; r < tifuTop.length; r++) tifuRank[tifuTop[r]] = r;

    int[] items = new int[chosen.size()];
    float[] dense = new float[chosen.size() * DENSE];
    int[] cross = new int[chosen.size()];
    int c = 0;
    for (int item : chosen) {
      items[c] = item;
      double share = baskets == 0 ? 0 : freq[item] / baskets;
      int since = lastSeen[item] < 0 ? -1 : baskets - 1 - lastSeen[item];
      double[] f = {
        maxTifu > 0 ? tifuScores[item] / maxTifu : 0,
        tifuRank[item] / (double) fromTifu,
        share,
        Math.log1p(freq[item]) / 3,
        since < 0 ? 1 : Math.min(since, 10) / 10.0,
        since == 0 ? 1 : 0,
        freq[item] > 0 ? 1 : 0,
        logMaxPop > 0 ? Math.log1p(popularity.count(item)) / logMaxPop : 0,
        maxCf > 0 ? cfScores[item] / maxCf : 0,
        Math.log1p(baskets) / 4,
        avgSize / 20,
        repeatShare[item],
        share * repeatShare[item],
        repeatRatio,
        recent[item]
      };
      for (int k = 0; k < DENSE; k++) dense[c * DENSE + k] = (float) f[k];
      cross[c] = bucket(share, 0.01, 0.2, 0.4, 0.7) * 5 + recencyBucket(since);
      c++;
    }
    return new Candidates(items, dense, cross);
  }

  private static int bucket(double x, double... bounds) {
    int b = 0;
    while (b < bounds.length && x >= bounds[b]) b++;
    return b;
  }

  private static int recencyBucket(int since) {
    if (since < 0) return 0;
    if (since == 0) return 1;
    if (since <= 2) return 2;
    if (since <= 5) return 3;
    return 4;
  }

  private static double max(double[] xs) {
    double m = 0;
    for (double x : xs) m = Math.max(m, x);
    return m;
  }

  /** The items of a candidate list found in the basket, as 0/1 labels. */
  public static float[] labels(Candidates c, int[] basket) {
    Set<Integer> wanted = new java.util.HashSet<>();
    for (int i : basket) wanted.add(i);
    float[] y = new float[c.size()];
    for (int k = 0; k < y.length; k++) y[k] = wanted.contains(c.items()[k]) ? 1 : 0;
    return y;
  }

  /** All candidates of many users, stacked. */
  public record Stacked(int[] items, float[] dense, int[] cross, float[] labels, int[] userStart) {}

  public static Stacked stack(List<Candidates> users, List<float[]> labels) {
    int rows = 0;
    for (Candidates c : users) rows += c.size();
    int[] items = new int[rows];
    float[] dense = new float[rows * DENSE];
    int[] cross = new int[rows];
    float[] y = new float[rows];
    int[] start = new int[users.size() + 1];
    int at = 0;
    for (int u = 0; u < users.size(); u++) {
      Candidates c = users.get(u);
      start[u] = at;
      System.arraycopy(c.items(), 0, items, at, c.size());
      System.arraycopy(c.dense(), 0, dense, at * DENSE, c.size() * DENSE);
      System.arraycopy(c.cross(), 0, cross, at, c.size());
      if (labels != null) System.arraycopy(labels.get(u), 0, y, at, c.size());
      at += c.size();
    }
    start[users.size()] = at;
    return new Stacked(items, dense, cross, y, start);
  }
}
