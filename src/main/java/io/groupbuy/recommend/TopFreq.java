package io.groupbuy.recommend;

import java.util.List;

/**
 * The classical baselines. G-TopFreq: the most popular items for everyone. GP-TopFreq: the user's
 * own items by how many of their baskets hold them, ties broken by popularity, then the most
 * popular items the user has not bought.
 */
public final class TopFreq implements NextBasketRecommender {
  private final Popularity popularity;
  private final boolean personal;

  private TopFreq(Popularity popularity, boolean personal) {
    this.popularity = popularity;
    this.personal = personal;
  }

  public static TopFreq global(Popularity popularity) {
    return new TopFreq(popularity, false);
  }

  public static TopFreq personalThenGlobal(Popularity popularity) {
    return new TopFreq(popularity, true);
  }

  @Override
  public int[] recommend(int userId, List<int[]> history, int k) {
    if (!personal) return popularity.top(k);
    double[] scores = new double[popularity.items()];
    for (int[] basket : history) {
      for (int item : basket) if (item < scores.length) scores[item] += 1;
    }
    for (int item = 0; item < scores.length; item++) {
      if (scores[item] > 0) scores[item] += 0.5 + popularity.tieBreak(item);
    }
    // the global top fills what the user's own items leave: below any own item
    int[] top = popularity.top(k + 64);
    for (int r = 0; r < top.length; r++) {
      if (scores[top[r]] == 0) scores[top[r]] = 0.25 * (top.length - r) / (double) top.length;
    }
    return Ranking.topK(scores, k);
  }
}
