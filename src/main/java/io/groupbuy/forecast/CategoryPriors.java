package io.groupbuy.forecast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Priors for the price-response fits of a warehouse's items, pooled from fits of all of them: the
 * weekly pattern from every item (shoppers keep one week, whatever they buy), the response to the
 * shelf price and to the competitor's from the items of the same category (where it has 3 or more
 * items; from every item otherwise).
 */
public final class CategoryPriors {
  private final PriceResponse.Prior weekly;
  private final PriceResponse.Prior prices;
  private final Map<String, PriceResponse.Prior> byCategory = new TreeMap<>();

  /** {@code fits}: one fit per item of the warehouse, by the item's category. */
  public CategoryPriors(Map<String, List<PriceResponse>> fits) {
    List<PriceResponse> all = new ArrayList<>();
    fits.values().forEach(all::addAll);
    weekly = PriceResponse.pool(all, PriceResponse.WEEKDAYS);
    prices = PriceResponse.pool(all, PriceResponse.PRICE, PriceResponse.COMPETITOR);
    fits.forEach(
        (category, inCategory) -> {
          if (inCategory.size() >= 3)
            byCategory.put(
                category,
                PriceResponse.pool(inCategory, PriceResponse.PRICE, PriceResponse.COMPETITOR));
        });
  }

  /** The prior for an item of {@code category}. */
  public PriceResponse.Prior of(String category) {
    return weekly.and(byCategory.getOrDefault(category, prices));
  }
}
