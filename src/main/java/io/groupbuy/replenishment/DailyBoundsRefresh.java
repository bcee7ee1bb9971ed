package io.groupbuy.replenishment;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.http.ApiError;
import io.groupbuy.platform.DailyJob;
import io.groupbuy.platform.Failures;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Once a day, after the day has closed, goes over every SKU at every warehouse, one pair at a time:
 * its inventory reviews the closed days it has not seen (sales against forecast: replenishment at
 * once when ahead for days in a row, a discount suggested when stock turns over slowly), then its
 * bounds are recomputed from its demand forecast. A {@link DailyJob}, so one node does it; pairs
 * without demand or without a price are skipped and counted.
 */
public final class DailyBoundsRefresh {
  private DailyBoundsRefresh() {}

  /** What a run came to. */
  public record Summary(int set, int withoutDemand, int refused, int failed) {
    @Override
    public String toString() {
      return set
          + " set, "
          + withoutDemand
          + " without demand, "
          + refused
          + " refused (no price or unknown), "
          + failed
          + " failed";
    }
  }

  /** Starts the job on this node's cluster. */
  public static void start(
      ActorSystem<?> system,
      ForecastBoundsService service,
      Catalog catalog,
      DailyJob.Schedule schedule) {
    DailyJob.start(
        system,
        "daily-bounds-refresh",
        schedule,
        () -> runOnce(service, catalog, schedule.zone()).thenApply(Summary::toString));
  }

  /** Every SKU at every warehouse, one after another. */
  static CompletionStage<Summary> runOnce(
      ForecastBoundsService service, Catalog catalog, ZoneId zone) {
    return catalog
        .skusAndWarehouses()
        .thenCompose(
            all -> {
              int[] counts = new int[4];
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (String warehouse : all.getValue()) {
                for (String sku : all.getKey()) {
                  chain =
                      chain.thenCompose(
                          v ->
                              service
                                  .reviewClosedDays(warehouse, sku, today(zone))
                                  .handle((stock, e) -> null)
                                  .thenCompose(r -> service.recompute(warehouse, sku, null))
                                  .handle(
                                      (r, e) -> {
                                        counts[outcome(r, e)]++;
                                        return null;
                                      }));
                }
              }
              return chain.thenApply(v -> new Summary(counts[0], counts[1], counts[2], counts[3]));
            });
  }

  private static int outcome(ForecastBoundsService.Result r, Throwable e) {
    if (e == null) return 0;
    if (!(Failures.unwrap(e) instanceof ApiError.Failure f)) return 3;
    return f.error.code().equals(ForecastBoundsService.NO_DEMAND) ? 1 : 2;
  }

  private static java.time.LocalDate today(ZoneId zone) {
    return java.time.LocalDate.now(zone);
  }
}
