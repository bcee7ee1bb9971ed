package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics, the baselines and the two models on baskets small enough to check by hand. */
class NextBasketTest {
  private static final double LOG2_3 = Math.log(3) / Math.log(2);

  @Test
  void metricsFollowThePapersDefinitions() {
    NextBasketScores s = new NextBasketScores(2);
    // truth {1, 2, 3}; predicted 1 (hit at rank 1), 9 (miss): recall 1/3, one hit
    s.add(new int[] {1, 9, 2}, new int[] {1, 2, 3});
    // no hit in the first 2
    s.add(new int[] {7, 8, 1}, new int[] {1});
    assertEquals((1 / 3.0 + 0) / 2, s.recall(), 1e-12);
    assertEquals(0.5, s.phr(), 1e-12);
    // IDCG over all 3 truth items, not min(k, 3)
    double idcg = 1 + 1 / LOG2_3 + 0.5;
    assertEquals((1 / idcg + 0) / 2, s.ndcg(), 1e-12);
  }

  private static final Map<Integer, List<int[]>> HISTORIES =
      Map.of(
          1, List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {0}),
          2, List.of(new int[] {3, 4}, new int[] {3}),
          3, List.of(new int[] {0, 3}));

  @Test
  void gpTopFreqRanksOwnItemsByFrequencyThenPopularityThenFillsWithTheGlobalTop() {
    Popularity pop = Popularity.of(HISTORIES.values(), List.of(), 5);
    // popularity: 0 in 4 baskets, 3 in 3, then 1, 2, 4 once each
    assertArrayEquals(new int[] {0, 3, 1, 2, 4}, pop.top(5));
    assertArrayEquals(new int[] {0, 3}, TopFreq.global(pop).recommend(9, List.of(), 2));
    // user 2: 3 twice, 4 once, then the global top it has not bought: 0
    assertArrayEquals(
        new int[] {3, 4, 0}, TopFreq.personalThenGlobal(pop).recommend(2, HISTORIES.get(2), 3));
  }

  @Test
  void tifuVectorsDecayBasketsAndGroupsAsThePapersCode() {
    // 3 baskets, 2 groups: the older group one basket, the newer two
    TifuKnn.Params p = new TifuKnn.Params(2, 0.5, 0.25, 1, 1.0);
    TifuKnn.Vector v = TifuKnn.vector(HISTORIES.get(1), p);
    // item 0 in all three: group 0 (basket 0): 0.25^1 * 0.5^2 / 2 groups / 1 basket
    //                      group 1 (baskets 1, 2): 0.25^0 * (0.5^1 + 0.5^0) / 2 groups / 2 baskets
    double item0 = 0.25 * 0.25 / 2 + (0.5 + 1) / 2 / 2;
    assertEquals(0, v.items()[0]);
    assertEquals(item0, v.weights()[0], 1e-12);
    assertEquals(0.25 * 0.25 / 2, v.weights()[1], 1e-12); // item 1, basket 0 only
    assertEquals(0.5 / 2 / 2, v.weights()[2], 1e-12); // item 2, basket 1 only
  }

  @Test
  void tifuWithAlphaZeroRecommendsWhatTheNearestUserBuys() {
    Popularity pop = Popularity.of(HISTORIES.values(), List.of(), 5);
    TifuKnn knn = new TifuKnn(HISTORIES, new TifuKnn.Params(7, 0.9, 0.7, 1, 0.0), pop);
    // a user who bought 3 and 4 is nearest to user 2, whose items are 3 and 4
    int[] top = knn.recommend(99, List.of(new int[] {3, 4}), 2);
    assertEquals(List.of(3, 4), List.of(top[0], top[1]));
  }

  @Test
  void itemCfScoresItemsBoughtWithTheUsersItems() {
    Popularity pop = Popularity.of(HISTORIES.values(), List.of(), 5);
    ItemCf cf = new ItemCf(HISTORIES.values(), new ItemCf.Params(0.0, 1.0, 10, 0.0), pop);
    // someone who bought 4: 4 was only ever bought with 3
    int[] top = cf.recommend(99, List.of(new int[] {4}), 1);
    assertArrayEquals(new int[] {3}, top);
  }
}
