package io.groupbuy.session;

import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogImport;
import io.groupbuy.recommend.BasketData;
import io.groupbuy.recommend.CatalogMapping;
import io.groupbuy.recommend.LiveRanker;
import io.groupbuy.recommend.SkuRecommender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the live recommendation model over the catalog's SKUs from Ta-Feng-format baskets: the
 * catalog has no purchase history of its own at first, so shoppers' habits come from the baskets,
 * their items mapped onto the SKUs by popularity rank (the most bought item becomes the first SKU
 * in id order, and so on; items past the catalog's size are left out). The mapping is the one the
 * simulator uses, so simulated customers buy as the model expects.
 *
 * <pre>
 * bin/recommend-train [--history H.jsonl] [--future F.jsonl] [--data ../shared/data]
 *                     [--out models/recommend/sku-model.json]
 *                     [--ranker-out models/recommend/ranker | --ranker-out none]
 * </pre>
 *
 * <p>Besides the item-CF model it trains the Wide&Deep ranker served over the same SKUs ({@link
 * LiveRanker}), on the mapped histories and next baskets, and prints its held-out AUC and log-loss.
 */
public final class RecommendTraining {
  private RecommendTraining() {}

  /** Every basket, histories and next baskets, as the SKUs its items stand for. */
  public static List<List<String>> skuBaskets(
      Map<Integer, List<int[]>> histories, Map<Integer, int[]> next, CatalogMapping map) {
    List<List<String>> out = new ArrayList<>();
    List<int[]> all = new ArrayList<>();
    histories.values().forEach(all::addAll);
    all.addAll(next.values());
    for (int[] basket : all) {
      List<String> skus = map.skus(basket);
      if (!skus.isEmpty()) out.add(skus);
    }
    return out;
  }

  public static void main(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2)
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    Path data = Path.of(opts.getOrDefault("data", "../shared/data"));
    Path history = Path.of(opts.getOrDefault("history", data + "/tafeng_nbr/history.jsonl"));
    Path future =
        Path.of(opts.getOrDefault("future", data + "/tafeng_nbr/future_train_users.jsonl"));
    Path out = Path.of(opts.getOrDefault("out", "models/recommend/sku-model.json"));
    long t0 = System.nanoTime();
    List<String> skus =
        CatalogImport.skus(data.resolve("cumcm2023c_vegetables")).stream()
            .map(Sku::sku)
            .sorted(Comparator.naturalOrder())
            .toList();
    var histories = BasketData.histories(history);
    var next = BasketData.nextBaskets(future);
    CatalogMapping map = CatalogMapping.of(histories, next, skus);
    List<List<String>> baskets = skuBaskets(histories, next, map);
    System.out.printf(
        "Mapped the %d most bought items onto %d catalog SKUs: %,d baskets keep at least one.%n",
        map.size(), skus.size(), baskets.size());
    SkuRecommender.Model model =
        SkuRecommender.train(
            baskets, 30, 0.5, 0.9, history.getFileName() + " mapped onto " + skus.size() + " SKUs");
    SkuRecommender.write(model, out);
    System.out.printf(
        "Wrote %s (%d SKUs with neighbours) in %.1f s.%n",
        out, model.similar().size(), (System.nanoTime() - t0) / 1e9);
    String rankerOut = opts.getOrDefault("ranker-out", "models/recommend/ranker");
    if (rankerOut.equals("none")) return;
    Map<Integer, List<int[]>> mappedHistories = new LinkedHashMap<>();
    Map<Integer, int[]> mappedNext = new LinkedHashMap<>();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < skus.size(); i++) index.put(skus.get(i), i);
    histories.forEach(
        (user, h) -> {
          List<int[]> mapped = new ArrayList<>();
          for (int[] basket : h) {
            int[] b = indices(map.skus(basket), index);
            if (b.length > 0) mapped.add(b);
          }
          if (!mapped.isEmpty()) mappedHistories.put(user, mapped);
        });
    next.forEach((user, basket) -> mappedNext.put(user, indices(map.skus(basket), index)));
    long t1 = System.nanoTime();
    System.out.printf(
        "Training the Wide&Deep ranker on %,d users' mapped histories (seed %d) ...%n",
        mappedHistories.size(), LiveRanker.Params.defaults().net().seed());
    try (LiveRanker ranker =
        LiveRanker.train(
            skus,
            mappedHistories,
            mappedNext,
            LiveRanker.Params.defaults(),
            history.getFileName() + " mapped onto " + skus.size() + " SKUs",
            line ->
                System.out.printf(
                    Locale.ROOT, "  %s (%.0f s)%n", line, (System.nanoTime() - t1) / 1e9))) {
      ranker.save(Path.of(rankerOut));
      LiveRanker.Quality q = ranker.quality();
      System.out.printf(
          Locale.ROOT,
          "Wrote %s in %.0f s: held-out AUC %.4f, log-loss %.4f (%,d users fit, %,d held out).%n",
          rankerOut,
          (System.nanoTime() - t1) / 1e9,
          q.auc(),
          q.logLoss(),
          q.fitUsers(),
          q.heldOutUsers());
    }
  }

  private static int[] indices(List<String> skus, Map<String, Integer> index) {
    return skus.stream().mapToInt(index::get).distinct().toArray();
  }
}
