package io.groupbuy.orderview;

import io.groupbuy.forecast.AutoSarima;
import io.groupbuy.forecast.BacktestedChoice;
import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.Forecaster;
import io.groupbuy.forecast.MovingAverage;
import io.groupbuy.forecast.SeasonalNaive;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Daily demand forecasts of a SKU at a warehouse from the confirmed-demand read model: the closed
 * days (up to yesterday) from the first with demand, at most {@code historyDays} back, forecast by
 * the seasonal ARIMA or a naive method, whichever forecast the last four weeks best. A forecast is
 * made once per SKU, warehouse and closed day, on first request, and kept (a bounded cache): it
 * refreshes when a day closes.
 */
public final class DemandForecasts {
  /** Daily confirmed units of a SKU at a warehouse, from {@code from} to {@code to} inclusive. */
  @FunctionalInterface
  public interface DailyDemand {
    CompletionStage<long[]> units(String warehouseId, String sku, LocalDate from, LocalDate to);
  }

  /** A forecast as served. */
  public record Result(
      String warehouseId,
      String sku,
      String basedOnFrom,
      String basedOnTo,
      int basedOnDays,
      long basedOnUnits,
      String model,
      double level,
      List<Day> days) {}

  /** One forecast day: the expected units and the interval at the result's level. */
  public record Day(String day, double mean, double lower, double upper) {}

  static final int MAX_HORIZON = 28;
  private static final int CACHED = 10_000;

  private final DailyDemand demand;
  private final int historyDays;
  private final ZoneId zone;
  private final Clock clock;
  private final Executor fitting;
  private final Forecaster forecaster =
      new BacktestedChoice(
          List.of(new AutoSarima(7), new SeasonalNaive(7), new MovingAverage(7)), 28, MAX_HORIZON);
  private final Map<String, CompletableFuture<Result>> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Result>> eldest) {
          return size() > CACHED;
        }
      };

  /**
   * {@code fitting}: where the models are estimated (CPU work, off the dispatcher that serves
   * requests).
   */
  public DemandForecasts(
      DailyDemand demand, int historyDays, ZoneId zone, Clock clock, Executor fitting) {
    if (historyDays < 14) throw new IllegalArgumentException("history-days must be >= 14");
    this.demand = demand;
    this.historyDays = historyDays;
    this.zone = zone;
    this.clock = clock;
    this.fitting = fitting;
  }

  /** A closed day: the units sold and what had been forecast for it from the days before. */
  public record DayCheck(String day, long sold, double forecast) {}

  /**
   * Each closed day from {@code from} to {@code to}: its confirmed units and the one-day-ahead
   * forecast from the days before it (the same method as {@link #forecast}); days before the SKU's
   * first demand are left out. Not kept: a daily job asks once.
   */
  public CompletionStage<List<DayCheck>> dayChecks(
      String warehouseId, String sku, LocalDate from, LocalDate to) {
    LocalDate start = from.minusDays(historyDays);
    return demand
        .units(warehouseId, sku, start, to)
        .thenApplyAsync(
            units -> {
              int first = 0;
              while (first < units.length && units[first] == 0) first++;
              List<DayCheck> checks = new ArrayList<>();
              int offset = (int) java.time.temporal.ChronoUnit.DAYS.between(start, from);
              for (int t = Math.max(offset, first + 1); t < units.length; t++) {
                double[] before = new double[t - first];
                for (int k = first; k < t; k++) before[k - first] = units[k];
                double f = forecaster.forecast(before, 1, 0.8).floored(0).at(1);
                checks.add(new DayCheck(start.plusDays(t).toString(), units[t], f));
              }
              return checks;
            },
            fitting);
  }

  /** The forecast of the next {@code horizon} days (1 to 28), today first. */
  public CompletionStage<Result> forecast(String warehouseId, String sku, int horizon) {
    if (horizon < 1 || horizon > MAX_HORIZON)
      throw new IllegalArgumentException("horizon must be 1 to " + MAX_HORIZON);
    LocalDate today = LocalDate.now(clock.withZone(zone));
    String key = warehouseId + "|" + sku + "|" + today;
    CompletableFuture<Result> full;
    synchronized (cache) {
      full = cache.get(key);
      if (full == null) {
        full = compute(warehouseId, sku, today).toCompletableFuture();
        cache.put(key, full);
        // a failed read is not kept: the next request tries again
        full.whenComplete(
            (r, e) -> {
              if (e != null)
                synchronized (cache) {
                  cache.remove(key);
                }
            });
      }
    }
    return full.thenApply(
        r ->
            new Result(
                r.warehouseId(),
                r.sku(),
                r.basedOnFrom(),
                r.basedOnTo(),
                r.basedOnDays(),
                r.basedOnUnits(),
                r.model(),
                r.level(),
                r.days().subList(0, horizon)));
  }

  private CompletionStage<Result> compute(String warehouseId, String sku, LocalDate today) {
    LocalDate from = today.minusDays(historyDays);
    LocalDate to = today.minusDays(1);
    return demand
        .units(warehouseId, sku, from, to)
        .thenApplyAsync(units -> fit(warehouseId, sku, from, today, units), fitting);
  }

  Result fit(String warehouseId, String sku, LocalDate from, LocalDate today, long[] units) {
    int first = 0;
    while (first < units.length && units[first] == 0) first++;
    long total = 0;
    double[] history = new double[units.length - first];
    for (int t = first; t < units.length; t++) {
      history[t - first] = units[t];
      total += units[t];
    }
    List<Day> days = new ArrayList<>();
    String model;
    double level = 0.8;
    if (history.length == 0) {
      model = "no confirmed demand yet";
      for (int h = 0; h < MAX_HORIZON; h++)
        days.add(new Day(today.plusDays(h).toString(), 0, 0, 0));
    } else {
      Forecast f = forecaster.forecast(history, MAX_HORIZON, level).floored(0);
      model = f.model();
      for (int h = 0; h < MAX_HORIZON; h++)
        days.add(new Day(today.plusDays(h).toString(), f.mean()[h], f.lower()[h], f.upper()[h]));
    }
    return new Result(
        warehouseId,
        sku,
        from.plusDays(Math.min(first, units.length)).toString(),
        today.minusDays(1).toString(),
        history.length,
        total,
        model,
        level,
        days);
  }
}
