package io.groupbuy.recommend;

import java.util.List;

/** Ranks items for a user's next basket from the user's past baskets. */
public interface NextBasketRecommender {
  /**
   * The {@code k} items most likely in the next basket, best first ({@code history}: oldest first).
   */
  int[] recommend(int userId, List<int[]> history, int k);
}
