package io.groupbuy.replenishment;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.http.ApiError;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import io.groupbuy.orderview.DemandForecasts;
import io.groupbuy.platform.GroupbuySettings;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Recomputes a SKU's bounds at a warehouse from its demand forecast and sets them on its inventory,
 * which then requests replenishment once if its stock is under the new reorder point. Refusals are
 * {@link ApiError.Failure}s: 404 for an unknown SKU or warehouse, 409 for a SKU without confirmed
 * demand or a selling price there, 422 for a loss rate outside [0, 1).
 */
public final class ForecastBoundsService {
  /** Days reviewed the first time a SKU's inventory is reviewed, and at most after a gap. */
  static final int FIRST_REVIEW_DAYS = 7;

  /** The refusal code of a SKU without confirmed demand at the warehouse. */
  public static final String NO_DEMAND = "no-demand";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /** What was set, from what, and the stock after it. */
  public record Result(ForecastBounds.Made made, ProductInventory.Stock stock) {}

  private final ShardedInventory inventory;
  private final DemandForecasts forecasts;
  private final Catalog catalog;
  private final GroupbuySettings settings;
  private final double defaultLossRate;
  private final double holdingShare;

  public ForecastBoundsService(
      ShardedInventory inventory,
      DemandForecasts forecasts,
      Catalog catalog,
      GroupbuySettings settings,
      double defaultLossRate,
      double holdingShare) {
    this.inventory = inventory;
    this.forecasts = forecasts;
    this.catalog = catalog;
    this.settings = settings;
    this.defaultLossRate = defaultLossRate;
    this.holdingShare = holdingShare;
  }

  /** With the configured loss rate when {@code requestedLossRate} is null. */
  public CompletionStage<Result> recompute(String warehouse, String sku, Double requestedLossRate) {
    if (!ID.matcher(warehouse).matches() || !ID.matcher(sku).matches())
      throw new ApiError.Failure(404, "not-found", "no such warehouse or SKU", null);
    double lossRate = requestedLossRate == null ? defaultLossRate : requestedLossRate;
    if (!(lossRate >= 0 && lossRate < 1))
      throw new ApiError.Failure(
          422, "invalid-loss-rate", "lossRate must be at least 0 and below 1", "lossRate");
    return catalog
        .sku(sku)
        .thenCombine(catalog.hasWarehouse(warehouse), java.util.Map::entry)
        .thenCompose(
            found -> {
              if (found.getKey().isEmpty())
                throw new ApiError.Failure(
                    404, "unknown-sku", "no SKU " + sku + "; see GET /catalog/skus", "sku");
              if (!found.getValue())
                throw new ApiError.Failure(
                    404, "unknown-warehouse", "no warehouse " + warehouse, "warehouseId");
              var entity = inventory.entity(sku, warehouse);
              return entity
                  .ask(ProductInventory.GetStock::new, settings.askTimeout())
                  .thenCombine(forecasts.forecast(warehouse, sku, 8), java.util.Map::entry)
                  .thenCompose(
                      both -> {
                        ProductInventory.Stock stock = both.getKey();
                        if (both.getValue().basedOnDays() == 0)
                          throw new ApiError.Failure(
                              409,
                              NO_DEMAND,
                              "no confirmed demand for the SKU here yet: nothing to forecast from",
                              "sku");
                        if (stock.priceFen() <= 0)
                          throw new ApiError.Failure(
                              409,
                              "no-price",
                              "the SKU has no selling price here yet: receive stock or set a price",
                              "sku");
                        ForecastBounds.Made made =
                            ForecastBounds.of(
                                both.getValue(),
                                found.getKey().get().cost(),
                                stock.priceFen() / 100.0,
                                lossRate,
                                holdingShare);
                        int limit = settings.maxReceiptQuantity();
                        int max = (int) Math.min(limit, made.bounds().orderUpTo());
                        int min = (int) Math.min(max, made.bounds().minimum());
                        int reorder = (int) Math.min(max, made.bounds().reorderPoint());
                        return entity
                            .<ProductInventory.Stock>askWithStatus(
                                r -> new ProductInventory.SetBounds(min, max, reorder, r),
                                settings.askTimeout())
                            .thenApply(s -> new Result(made, s));
                      });
            });
  }

  /**
   * Reviews the closed days the SKU's inventory has not reviewed yet (the last {@value
   * #FIRST_REVIEW_DAYS} the first time, at most as many after a gap), in order: each day's sales
   * against the forecast made for it. Replies with the stock after the last one.
   */
  public CompletionStage<ProductInventory.Stock> reviewClosedDays(
      String warehouse, String sku, java.time.LocalDate today) {
    var entity = inventory.entity(sku, warehouse);
    java.time.LocalDate yesterday = today.minusDays(1);
    return entity
        .ask(ProductInventory.GetStock::new, settings.askTimeout())
        .thenCompose(
            stock -> {
              java.time.LocalDate from = yesterday.minusDays(FIRST_REVIEW_DAYS - 1);
              if (stock.reviewedDay() != null) {
                java.time.LocalDate next =
                    java.time.LocalDate.parse(stock.reviewedDay()).plusDays(1);
                if (next.isAfter(from)) from = next;
              }
              if (from.isAfter(yesterday))
                return java.util.concurrent.CompletableFuture.completedFuture(stock);
              return forecasts
                  .dayChecks(warehouse, sku, from, yesterday)
                  .thenCompose(
                      checks -> {
                        CompletionStage<ProductInventory.Stock> chain =
                            java.util.concurrent.CompletableFuture.completedFuture(stock);
                        for (DemandForecasts.DayCheck c : checks) {
                          chain =
                              chain.thenCompose(
                                  s ->
                                      entity.<ProductInventory.Stock>askWithStatus(
                                          r ->
                                              new ProductInventory.ReviewDay(
                                                  c.day(), (int) c.sold(), c.forecast(), r),
                                          settings.askTimeout()));
                        }
                        return chain;
                      });
            });
  }
}
