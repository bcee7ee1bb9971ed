package io.groupbuy.sim;

import io.groupbuy.recommend.BasketData;
import io.groupbuy.recommend.CatalogMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What simulated customers buy, drawn from the Ta-Feng shoppers: customer {@code c} shops as
 * Ta-Feng user number {@code c} (in id order, wrapping round), one of their baskets after another,
 * the items mapped onto the catalog as the recommendation model maps them ({@link CatalogMapping}).
 * Without the data set, {@link #load} gives nothing and the simulator picks SKUs at random.
 */
public final class ShopperHabits {
  private final List<List<List<String>>> shoppers;

  private ShopperHabits(List<List<List<String>>> shoppers) {
    this.shoppers = shoppers;
  }

  /** From {@code dataDir/tafeng_nbr}, mapped onto {@code skus}; null if the files are missing. */
  public static ShopperHabits load(Path dataDir, List<String> skus) {
    Path dir = dataDir.resolve("tafeng_nbr");
    Path history = dir.resolve("history.jsonl");
    Path future = dir.resolve("future_train_users.jsonl");
    if (!Files.isRegularFile(history) || !Files.isRegularFile(future) || skus.isEmpty())
      return null;
    Map<Integer, List<int[]>> histories = BasketData.histories(history);
    Map<Integer, int[]> next = BasketData.nextBaskets(future);
    CatalogMapping map = CatalogMapping.of(histories, next, skus);
    List<List<List<String>>> shoppers = new ArrayList<>();
    histories.keySet().stream()
        .sorted()
        .forEach(
            user -> {
              List<List<String>> baskets = new ArrayList<>();
              for (int[] b : histories.get(user)) {
                List<String> mapped = map.skus(b);
                if (!mapped.isEmpty()) baskets.add(mapped.stream().distinct().toList());
              }
              if (!baskets.isEmpty()) shoppers.add(baskets);
            });
    return new ShopperHabits(shoppers);
  }

  public int shoppers() {
    return shoppers.size();
  }

  /** Customer {@code c}'s {@code n}-th basket (counting from 0, wrapping round their history). */
  public List<String> basket(int customer, long n) {
    List<List<String>> baskets = shoppers.get(Math.floorMod(customer, shoppers.size()));
    return baskets.get((int) Math.floorMod(n, (long) baskets.size()));
  }
}
