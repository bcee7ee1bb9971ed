package io.groupbuy.recommend;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Basket data's items mapped onto a catalog's SKUs by popularity rank: the most bought item becomes
 * the first SKU in id order, the second the second, and so on; items past the catalog's size stand
 * for nothing. The recommendation model and the simulator use the same mapping, so simulated
 * shoppers buy as the model learned people buy.
 */
public final class CatalogMapping {
  private final Map<Integer, String> skuOf;

  private CatalogMapping(Map<Integer, String> skuOf) {
    this.skuOf = skuOf;
  }

  public static CatalogMapping of(
      Map<Integer, List<int[]>> histories, Map<Integer, int[]> next, Collection<String> skus) {
    int items = BasketData.itemCount(histories, next);
    Popularity popularity = Popularity.of(histories.values(), next.values(), items);
    List<String> ordered = skus.stream().sorted().toList();
    int[] top = popularity.top(ordered.size());
    Map<Integer, String> map = new HashMap<>();
    for (int r = 0; r < top.length; r++) map.put(top[r], ordered.get(r));
    return new CatalogMapping(map);
  }

  public int size() {
    return skuOf.size();
  }

  /** The SKUs a basket's items stand for, in order; empty if none is mapped. */
  public List<String> skus(int[] basket) {
    List<String> out = new ArrayList<>();
    for (int item : basket) {
      String sku = skuOf.get(item);
      if (sku != null) out.add(sku);
    }
    return out;
  }
}
