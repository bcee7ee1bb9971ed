package io.groupbuy.costs;

import io.groupbuy.costs.CostQuotes.Quote;
import io.groupbuy.forecast.AutoSarima;
import io.groupbuy.forecast.BacktestedChoice;
import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.SeasonalNaive;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Wholesale cost forecasts of a SKU from its latest quotes: the days from the first to the last
 * quote, a day without a quote carrying the last cost forward (what a buyer assumes) and scored by
 * no backtest; forecast by the seasonal ARIMA, the naive or the weekly naive method, whichever
 * forecast the last four weeks best at each step ahead, as {@code bin/forecast-eval} scores it on
 * the CUMCM prices. A forecast is made once per SKU and set of quotes (a bounded cache): a new
 * quote refreshes it.
 */
public final class CostForecasts {
  /** A forecast as served: the days after the last quote, with an interval at {@code level}. */
  public record Result(
      String sku,
      String basedOnFrom,
      String basedOnTo,
      int basedOnQuotes,
      double lastCost,
      String model,
      double level,
      List<Day> days) {}

  /** One forecast day: the expected cost and its interval. */
  public record Day(String day, double cost, double lower, double upper) {}

  /** Reads a SKU's newest quotes, oldest first. */
  @FunctionalInterface
  public interface Quotes {
    CompletionStage<List<Quote>> latest(String sku, int limit);
  }

  public static final int MAX_HORIZON = 28;
  private static final int VALIDATION_DAYS = 28;
  private static final int CACHED = 5_000;

  private final Quotes quotes;
  private final int historyDays;
  private final Executor fitting;
  private final BacktestedChoice forecaster =
      new BacktestedChoice(
          List.of(new AutoSarima(7), new SeasonalNaive(1), new SeasonalNaive(7)),
          VALIDATION_DAYS,
          MAX_HORIZON);
  private final Map<String, Result> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
          return size() > CACHED;
        }
      };

  /**
   * {@code historyDays}: the newest quotes fitted on; {@code fitting}: where models are estimated
   * (off the dispatcher that serves requests).
   */
  public CostForecasts(Quotes quotes, int historyDays, Executor fitting) {
    if (historyDays < 14) throw new IllegalArgumentException("cost history-days must be >= 14");
    this.quotes = quotes;
    this.historyDays = historyDays;
    this.fitting = fitting;
  }

  /** The forecast of the {@code horizon} days after the last quote; empty if there is none. */
  public CompletionStage<java.util.Optional<Result>> forecast(String sku, int horizon) {
    if (horizon < 1 || horizon > MAX_HORIZON)
      throw new IllegalArgumentException("horizon must be 1 to " + MAX_HORIZON);
    return quotes
        .latest(sku, historyDays)
        .thenComposeAsync(
            latest -> {
              if (latest.isEmpty())
                return CompletableFuture.completedFuture(java.util.Optional.<Result>empty());
              String key = sku + "|" + latest.hashCode();
              Result r;
              synchronized (cache) {
                r = cache.get(key);
              }
              if (r == null) {
                r = fit(sku, latest);
                synchronized (cache) {
                  cache.put(key, r);
                }
              }
              return CompletableFuture.completedFuture(java.util.Optional.of(cut(r, horizon)));
            },
            fitting);
  }

  private static Result cut(Result r, int horizon) {
    return new Result(
        r.sku(),
        r.basedOnFrom(),
        r.basedOnTo(),
        r.basedOnQuotes(),
        r.lastCost(),
        r.model(),
        r.level(),
        r.days().subList(0, horizon));
  }

  /** Fits quotes (oldest first, one per day at most) and forecasts {@value #MAX_HORIZON} days. */
  Result fit(String sku, List<Quote> quotes) {
    LocalDate first = quotes.get(0).day();
    LocalDate last = quotes.get(quotes.size() - 1).day();
    int n = (int) ChronoUnit.DAYS.between(first, last) + 1;
    double[] cost = new double[n];
    boolean[] quoted = new boolean[n];
    for (Quote q : quotes) {
      int t = (int) ChronoUnit.DAYS.between(first, q.day());
      cost[t] = q.cost();
      quoted[t] = true;
    }
    for (int t = 1; t < n; t++) if (!quoted[t]) cost[t] = cost[t - 1];
    double level = 0.8;
    Forecast f;
    String model;
    if (n < 2) {
      // one quote: the cost is taken to stay, with nothing to say how far it may move
      f = new Forecast("last quote", level, filled(cost[0]), filled(cost[0]), filled(cost[0]));
      model = "last quote (one quote only)";
    } else {
      BacktestedChoice.Choice choice = forecaster.model(cost, quoted);
      f = choice.forecast(cost, MAX_HORIZON, level).floored(0);
      model = choice.usedAt(1) + " (1 day ahead); " + choice.usedAt(7) + " (7 days ahead)";
    }
    List<Day> days = new ArrayList<>(MAX_HORIZON);
    for (int h = 0; h < MAX_HORIZON; h++)
      days.add(new Day(last.plusDays(h + 1).toString(), f.mean()[h], f.lower()[h], f.upper()[h]));
    return new Result(
        sku, first.toString(), last.toString(), quotes.size(), cost[n - 1], model, level, days);
  }

  private static double[] filled(double value) {
    double[] a = new double[MAX_HORIZON];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
