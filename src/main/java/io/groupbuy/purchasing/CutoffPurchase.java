package io.groupbuy.purchasing;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.catalog.CatalogData;
import io.groupbuy.forecast.Forecast;
import io.groupbuy.http.ApiError;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import io.groupbuy.orderview.DemandForecasts;
import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.PurchaseBySales;
import io.groupbuy.purchasing.PurchaseOrders.CutoffOutcome;
import io.groupbuy.purchasing.PurchaseOrders.Line;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * 以销定采 at the cutoff: for a warehouse and delivery date, every SKU's purchase is the confirmed
 * orders for that date (the read model's demand of the sales day before it), plus the orders still
 * expected before the order cutoff when the sales day is still open (what the day's demand forecast
 * has left over the confirmed units, with safety stock at the SKU's critical ratio), plus the
 * handling loss, less the free stock in the warehouse and what is already on order ({@link
 * PurchaseBySales}). ProductInventory sells only what it holds, so the orders were sold from stock:
 * the purchase replaces them. The lines go to the warehouse's {@link PurchaseOrders}, which raises
 * one order per delivery date, whoever asks how often.
 */
public final class CutoffPurchase {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /** How far ahead a cutoff may be run: delivery dates up to this many days after today's. */
  static final int DAYS_AHEAD = 7;

  /** Confirmed units per SKU at a warehouse on a sales day. */
  @FunctionalInterface
  public interface DayDemand {
    CompletionStage<Map<String, Long>> units(String warehouseId, LocalDate salesDay);
  }

  /**
   * {@code lossRate}: share of what is bought lost before the hand-out; {@code holdingShare} of the
   * cost per unit and night, for the critical ratio; {@code orderCutoff}: when a sales day stops
   * taking orders, local time.
   */
  public record Settings(
      double lossRate,
      double holdingShare,
      LocalTime orderCutoff,
      ZoneId zone,
      Duration askTimeout,
      int maxQuantity) {}

  private final ClusterSharding sharding;
  private final ShardedInventory inventory;
  private final DemandForecasts forecasts;
  private final DayDemand demand;
  private final Catalog catalog;
  private final Settings settings;
  private final Clock clock;

  public CutoffPurchase(
      ActorSystem<?> system,
      ShardedInventory inventory,
      DemandForecasts forecasts,
      DayDemand demand,
      Catalog catalog,
      Settings settings,
      Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.inventory = inventory;
    this.forecasts = forecasts;
    this.demand = demand;
    this.catalog = catalog;
    this.settings = settings;
    this.clock = clock;
  }

  public EntityRef<PurchaseOrders.Command> orders(String warehouseId) {
    return sharding.entityRefFor(PurchaseOrders.ENTITY_KEY, warehouseId);
  }

  /** The sales day taking orders now: today until the order cutoff, then tomorrow. */
  public LocalDate salesDayNow() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(settings.zone()));
    return now.toLocalTime().isBefore(settings.orderCutoff())
        ? now.toLocalDate()
        : now.toLocalDate().plusDays(1);
  }

  /** 404 unless the warehouse is in the catalog. */
  public CompletionStage<String> knownWarehouse(String warehouseId) {
    if (!ID.matcher(warehouseId).matches())
      throw new ApiError.Failure(404, "unknown-warehouse", "no warehouse " + warehouseId, null);
    return catalog
        .hasWarehouse(warehouseId)
        .thenApply(
            known -> {
              if (!known)
                throw new ApiError.Failure(
                    404,
                    "unknown-warehouse",
                    "no warehouse " + warehouseId + "; see GET /catalog/pickup-points",
                    "warehouseId");
              return warehouseId;
            });
  }

  /**
   * Runs the cutoff for the delivery date at the warehouse, or answers the one that ran before. A
   * new cutoff's delivery date must be from the one the current sales day delivers to (the day
   * after it) back one day, up to {@value #DAYS_AHEAD} days ahead.
   */
  public CompletionStage<CutoffOutcome> run(String warehouseId, LocalDate deliveryDate) {
    return knownWarehouse(warehouseId)
        .thenCompose(w -> orders(w).ask(PurchaseOrders.GetBook::new, settings.askTimeout()))
        .thenCompose(
            book -> {
              String date = deliveryDate.toString();
              if (book.cutoffs().containsKey(date))
                // a replay: the entity answers the first run's order and raises nothing
                return raise(warehouseId, deliveryDate, List.of());
              LocalDate salesDay = deliveryDate.minusDays(1);
              LocalDate current = salesDayNow();
              if (salesDay.isBefore(current.minusDays(1))
                  || salesDay.isAfter(current.plusDays(DAYS_AHEAD - 1)))
                throw new ApiError.Failure(
                    422,
                    "delivery-date-out-of-range",
                    "a cutoff can be run for delivery dates from "
                        + current
                        + " to "
                        + current.plusDays(DAYS_AHEAD)
                        + ", not "
                        + date,
                    "deliveryDate");
              boolean open = !salesDay.isBefore(current);
              return demand
                  .units(warehouseId, salesDay)
                  .thenCompose(
                      confirmed -> lines(warehouseId, salesDay, open, confirmed, book.onOrder()))
                  .thenCompose(lines -> raise(warehouseId, deliveryDate, lines));
            });
  }

  private CompletionStage<CutoffOutcome> raise(
      String warehouseId, LocalDate deliveryDate, List<Line> lines) {
    long now = clock.millis();
    return orders(warehouseId)
        .askWithStatus(
            r -> new PurchaseOrders.RaiseAtCutoff(deliveryDate.toString(), now, lines, r),
            settings.askTimeout());
  }

  /** Every SKU of the catalog, one after another. */
  private CompletionStage<List<Line>> lines(
      String warehouseId,
      LocalDate salesDay,
      boolean open,
      Map<String, Long> confirmed,
      Map<String, Long> onOrder) {
    // read afresh: a node's catalog holds only what it has looked up since it last loaded
    return catalog
        .skusAndWarehouses()
        .thenCompose(
            all -> {
              List<Line> lines = new ArrayList<>();
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (String id : all.getKey()) {
                chain =
                    chain
                        .thenCompose(v -> catalog.sku(id))
                        .thenCompose(
                            sku ->
                                sku.isEmpty()
                                    ? CompletableFuture.completedFuture(Optional.<Line>empty())
                                    : line(
                                        warehouseId,
                                        sku.get(),
                                        salesDay,
                                        open,
                                        confirmed.getOrDefault(id, 0L),
                                        onOrder.getOrDefault(id, 0L)))
                        .thenAccept(l -> l.ifPresent(lines::add));
              }
              return chain.thenApply(v -> lines);
            });
  }

  private CompletionStage<Optional<Line>> line(
      String warehouseId,
      CatalogData.Sku sku,
      LocalDate salesDay,
      boolean open,
      long confirmed,
      long onOrder) {
    CompletionStage<ProductInventory.Stock> stock =
        inventory
            .entity(sku.sku(), warehouseId)
            .ask(ProductInventory.GetStock::new, settings.askTimeout());
    int index =
        (int) ChronoUnit.DAYS.between(LocalDate.now(clock.withZone(settings.zone())), salesDay);
    CompletionStage<Optional<DemandForecasts.Result>> forecast =
        open && index >= 0 && index < 28
            ? forecasts.forecast(warehouseId, sku.sku(), index + 1).thenApply(Optional::of)
            : CompletableFuture.completedFuture(Optional.empty());
    return stock.thenCombine(
        forecast,
        (s, f) -> {
          Forecast late =
              f.filter(r -> r.basedOnDays() > 0)
                  .map(r -> lateOrders(r.days().get(index), r.level(), confirmed))
                  .orElse(null);
          if (confirmed == 0 && (late == null || late.at(1) <= 0)) return Optional.empty();
          double level = serviceLevel(sku.cost(), s.priceFen() / 100.0);
          PurchaseBySales.Line p =
              PurchaseBySales.plan(
                  confirmed, late, level, settings.lossRate(), Math.max(0, s.available()), onOrder);
          return Optional.of(
              new Line(
                  sku.sku(),
                  Math.min(p.quantity(), settings.maxQuantity()),
                  0,
                  p.confirmed(),
                  p.lateExpected(),
                  p.lateSafety(),
                  p.lossAllowance(),
                  p.available() - onOrder,
                  onOrder));
        });
  }

  /**
   * The orders still to come on an open sales day: what the day's forecast has left over the units
   * confirmed so far, with the forecast's spread shrunk to that share of the day (none left when
   * the confirmed units already reach the forecast).
   */
  static Forecast lateOrders(DemandForecasts.Day day, double level, long confirmed) {
    double mean = Math.max(0, day.mean());
    double left = Math.max(0, mean - confirmed);
    double z = Forecast.normalQuantile(0.5 + level / 2);
    double sd = Math.max(0, day.upper() - day.mean()) / z;
    double share = mean > 0 ? left / mean : 0;
    return Forecast.normal(
        "forecast less confirmed",
        level,
        new double[] {left},
        new double[] {sd * Math.sqrt(share)});
  }

  /**
   * The newsvendor's critical ratio of the SKU here: short costs its margin, over costs a night's
   * holding and the share that spoils. 0.5 when either price is unknown.
   */
  double serviceLevel(double cost, double price) {
    if (!(cost > 0) || !(price > 0)) return 0.5;
    return new ItemEconomics(cost, price, settings.holdingShare() * cost, settings.lossRate())
        .criticalRatio();
  }
}
