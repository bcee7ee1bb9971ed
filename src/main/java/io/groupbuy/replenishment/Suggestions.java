package io.groupbuy.replenishment;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.http.ApiError;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the warehouse's stock suggests doing now, from every SKU's inventory: the open replenishment
 * requests (stock under the reorder point, or sales ahead of forecast), and the discounts the daily
 * review suggested for slow stock that are still running (for pricing, or an operator, to act on).
 */
public final class Suggestions {
  /** An open replenishment request. */
  public record Replenish(String sku, int units, int available, int reorderPoint) {}

  /** A discount suggested for slow stock, running until {@code until} (inclusive). */
  public record Discount(String sku, int percent, String until, int available) {}

  /** A warehouse's suggestions as of {@code day}. */
  public record View(
      String warehouseId, String day, List<Replenish> replenish, List<Discount> discount) {}

  /** SKUs asked at once: a warehouse's few hundred SKUs without flooding the shards. */
  private static final int IN_FLIGHT = 16;

  private final ShardedInventory inventory;
  private final Catalog catalog;
  private final Duration timeout;

  public Suggestions(ShardedInventory inventory, Catalog catalog, Duration timeout) {
    this.inventory = inventory;
    this.catalog = catalog;
    this.timeout = timeout;
  }

  /** {@code today}: the day discounts must still run on to be listed. */
  public CompletionStage<View> of(String warehouse, LocalDate today) {
    return catalog
        .skusAndWarehouses()
        .thenCompose(
            known -> {
              if (!known.getValue().contains(warehouse))
                throw new ApiError.Failure(
                    404,
                    "not-found",
                    "no warehouse " + warehouse + " in the catalog",
                    "warehouseId");
              return stocks(warehouse, known.getKey(), 0, new ArrayList<>());
            })
        .thenApply(stocks -> view(warehouse, today, stocks));
  }

  /** Asks the SKUs from {@code from} on, {@value #IN_FLIGHT} at a time. */
  private CompletionStage<List<ProductInventory.Stock>> stocks(
      String warehouse, List<String> skus, int from, List<ProductInventory.Stock> found) {
    if (from >= skus.size()) return CompletableFuture.completedFuture(found);
    List<CompletableFuture<ProductInventory.Stock>> asks = new ArrayList<>();
    for (String sku : skus.subList(from, Math.min(skus.size(), from + IN_FLIGHT)))
      asks.add(
          inventory
              .entity(sku, warehouse)
              .ask(ProductInventory.GetStock::new, timeout)
              .toCompletableFuture());
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              asks.forEach(a -> found.add(a.join()));
              return stocks(warehouse, skus, from + IN_FLIGHT, found);
            });
  }

  static View view(String warehouse, LocalDate today, List<ProductInventory.Stock> stocks) {
    List<Replenish> replenish = new ArrayList<>();
    List<Discount> discount = new ArrayList<>();
    for (ProductInventory.Stock s : stocks) {
      if (s.replenishmentOpen() > 0)
        replenish.add(
            new Replenish(s.sku(), s.replenishmentOpen(), s.available(), s.reorderPoint()));
      String until = s.promotionSuggestedUntil();
      if (until != null && !LocalDate.parse(until).isBefore(today))
        discount.add(new Discount(s.sku(), s.promotionPercent(), until, s.available()));
    }
    return new View(warehouse, today.toString(), replenish, discount);
  }
}
