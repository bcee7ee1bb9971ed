package io.groupbuy.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The served ranker on made-up shoppers whose habits it must learn: half of them buy apples and
 * often pears, the rest plums and figs. Trained, saved, loaded back: the loaded ranker ranks as the
 * trained one, and it learned the habits (a plum buyer's plum outranks apples).
 */
public class LiveRankerTest {
  public static final List<String> SKUS = List.of("apple", "fig", "kiwi", "pear", "plum");

  /** Shoppers over {@link #SKUS}, seeded: histories and next baskets by sku index. */
  public static Map<Integer, List<int[]>> histories(
      Map<Integer, int[]> next, int users, long seed) {
    Random random = new Random(seed);
    Map<Integer, List<int[]>> histories = new LinkedHashMap<>();
    for (int u = 0; u < users; u++) {
      boolean apples = u % 2 == 0;
      List<int[]> baskets = new ArrayList<>();
      for (int b = 0; b < 5; b++) baskets.add(basket(apples, random));
      histories.put(u, baskets.subList(0, 4));
      next.put(u, baskets.get(4));
    }
    return histories;
  }

  private static int[] basket(boolean apples, Random random) {
    List<Integer> b = new ArrayList<>();
    if (apples) {
      b.add(0);
      if (random.nextDouble() < 0.6) b.add(3);
    } else {
      b.add(4);
      if (random.nextDouble() < 0.5) b.add(1);
    }
    if (random.nextDouble() < 0.1) b.add(2);
    return b.stream().mapToInt(Integer::intValue).toArray();
  }

  public static LiveRanker.Params small() {
    LiveRanker.Params d = LiveRanker.Params.defaults();
    return new LiveRanker.Params(
        new TifuKnn.Params(7, 0.9, 0.7, 50, 0.05),
        d.cf(),
        new WideDeep.Settings(6, 128, 0.01f, 4, 16, 42));
  }

  @Test
  void learnsTheHabitsAndTheSavedRankerRanksTheSame() throws Exception {
    Map<Integer, int[]> next = new LinkedHashMap<>();
    Map<Integer, List<int[]>> histories = histories(next, 600, 7);
    Path dir = Files.createTempDirectory("live-ranker");
    List<List<String>> plumBuyer = List.of(List.of("plum", "fig"), List.of("plum"));
    List<LiveRanker.Scored> before;
    try (LiveRanker trained =
        LiveRanker.train(SKUS, histories, next, small(), "made-up shoppers", line -> {})) {
      assertTrue(trained.quality().auc() > 0.7, "held-out AUC " + trained.quality().auc());
      before = trained.rank(plumBuyer, 5);
      trained.save(dir);
    }
    assertEquals("plum", before.get(0).sku(), before.toString());
    double apple =
        before.stream().filter(s -> s.sku().equals("apple")).findFirst().get().probability();
    assertTrue(before.get(0).probability() > apple, before.toString());
    for (int i = 1; i < before.size(); i++)
      assertTrue(before.get(i - 1).probability() >= before.get(i).probability());
    try (LiveRanker loaded = LiveRanker.load(dir)) {
      List<LiveRanker.Scored> after = loaded.rank(plumBuyer, 5);
      // served again and again, from several threads at once (a node serves requests in parallel)
      var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        List<java.util.concurrent.Future<List<LiveRanker.Scored>>> again = new ArrayList<>();
        for (int i = 0; i < 800; i++) again.add(pool.submit(() -> loaded.rank(plumBuyer, 5)));
        for (var f : again) assertEquals(after, f.get());
      } finally {
        pool.shutdown();
      }
      assertEquals(before.size(), after.size());
      for (int i = 0; i < before.size(); i++) {
        assertEquals(before.get(i).sku(), after.get(i).sku());
        assertEquals(before.get(i).probability(), after.get(i).probability(), 1e-6);
      }
      assertEquals("made-up shoppers", loaded.trainedFrom());
      // a category of plums and figs: at least as likely as either, at most certain
      double plum = loaded.probability(plumBuyer, "plum").getAsDouble();
      double fig = loaded.probability(plumBuyer, "fig").getAsDouble();
      double either = loaded.probabilityOfAny(plumBuyer, List.of("plum", "fig")).getAsDouble();
      assertEquals(1 - (1 - plum) * (1 - fig), either, 1e-6);
      assertTrue(loaded.probabilityOfAny(plumBuyer, List.of("durian")).isEmpty());
      // nothing it knows of: no ranking, the caller falls back
      assertEquals(List.of(), loaded.rank(List.of(List.of("durian")), 5));
      assertEquals(List.of(), loaded.rank(List.of(), 5));
    }
  }
}
