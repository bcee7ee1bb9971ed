package io.groupbuy.purchasing;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.platform.DailyJob;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The purchase cutoff on schedule: once a day every warehouse of the catalog raises its purchase
 * order for the delivery date of the sales day taking orders. A {@link DailyJob}, so one node runs
 * it; a second run the same day finds the cutoff done and raises nothing.
 */
public final class DailyPurchaseCutoff {
  private DailyPurchaseCutoff() {}

  public static void start(
      ActorSystem<?> system,
      CutoffPurchase purchasing,
      Catalog catalog,
      DailyJob.Schedule schedule) {
    DailyJob.start(system, "daily-purchase-cutoff", schedule, () -> runOnce(purchasing, catalog));
  }

  /** Every warehouse, one after another; answers what each came to. */
  static CompletionStage<String> runOnce(CutoffPurchase purchasing, Catalog catalog) {
    return catalog.skusAndWarehouses().thenCompose(all -> runFor(all.getValue(), purchasing));
  }

  private static CompletionStage<String> runFor(
      java.util.List<String> warehouses, CutoffPurchase purchasing) {
    StringBuilder summary = new StringBuilder();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String warehouse : warehouses) {
      chain =
          chain.thenCompose(
              v ->
                  purchasing
                      .run(warehouse, purchasing.salesDayNow().plusDays(1))
                      .handle(
                          (o, e) -> {
                            summary.append(summary.isEmpty() ? "" : "; ").append(warehouse);
                            if (e != null) summary.append(" failed: ").append(e.getMessage());
                            else if (o.purchaseOrder() == null)
                              summary
                                  .append(" ")
                                  .append(o.deliveryDate())
                                  .append(" nothing to buy");
                            else
                              summary
                                  .append(o.raisedNow() ? " raised " : " had ")
                                  .append(o.poId())
                                  .append(" (")
                                  .append(o.purchaseOrder().lines().size())
                                  .append(" lines)");
                            return null;
                          }));
    }
    return chain.thenApply(v -> summary.isEmpty() ? "no warehouses" : summary.toString());
  }
}
