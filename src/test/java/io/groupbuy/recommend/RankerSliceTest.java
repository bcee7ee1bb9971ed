package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole ranker pipeline on a small slice of the Ta-Feng data (the first 1,500 users): features,
 * Wide&Deep and logistic regression trained, scored, and the trained network saved, loaded back and
 * serving the same recommendations. Proves the pipeline runs end to end, not its figures.
 */
class RankerSliceTest {
  private static final Path DATA =
      Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"), "tafeng_nbr");

  @Test
  void trainsOnASliceAndTheSavedModelServesTheSameRecommendations() throws Exception {
    Map<Integer, List<int[]>> all = BasketData.histories(DATA.resolve("history.jsonl"));
    Map<Integer, int[]> allNext = BasketData.nextBaskets(DATA.resolve("future_train_users.jsonl"));
    Map<Integer, List<int[]>> histories = new LinkedHashMap<>();
    Map<Integer, int[]> next = new LinkedHashMap<>();
    for (var e : all.entrySet()) {
      if (histories.size() == 1500) break;
      histories.put(e.getKey(), e.getValue());
      if (allNext.containsKey(e.getKey())) next.put(e.getKey(), allNext.get(e.getKey()));
    }
    int items = BasketData.itemCount(all, allNext);
    NbrEvaluation.Split split = NbrEvaluation.split(histories, next, 0.2, 42);
    WideDeep.Settings s = new WideDeep.Settings(2, 256, 0.002f, 8, 16, 42);
    List<RankerEvaluation.Outcome> outcomes =
        RankerEvaluation.run(
            histories,
            next,
            split,
            items,
            new TifuKnn.Params(7, 0.9, 0.7, 100, 0.1),
            new ItemCf.Params(0.5, 0.9, 50, 0.0),
            s);
    try {
      assertEquals(2, outcomes.size());
      for (RankerEvaluation.Outcome o : outcomes) {
        assertTrue(o.auc() > 0.5, o.ranking().name() + " AUC " + o.auc());
        assertTrue(o.ranking().at10().users() > 0);
      }
      RankerEvaluation.Ranker deep = outcomes.get(1).ranker();
      int user = split.validation().get(0);
      int[] top = deep.recommend(user, histories.get(user), 10);
      Set<Integer> distinct = new HashSet<>();
      for (int i : top) distinct.add(i);
      assertEquals(10, distinct.size(), "ten different items");

      Path dir = Files.createTempDirectory("ranker-slice");
      deep.net().save(dir);
      try (WideDeep loaded = WideDeep.load(dir, items, true, s)) {
        var again = new RankerEvaluation.Ranker(deep.features(), loaded, deep.popularity());
        assertEquals(
            java.util.Arrays.toString(top),
            java.util.Arrays.toString(again.recommend(user, histories.get(user), 10)));
      }
    } finally {
      outcomes.forEach(o -> o.ranker().close());
    }
  }
}
