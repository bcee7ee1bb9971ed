package io.groupbuy.planning;

import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.Forecaster;
import java.util.Arrays;

/**
 * Bounds recomputed every day from a demand forecast ({@link DynamicBounds}): the forecasting
 * method is estimated on the sales so far every {@code refitEvery} days and forecasts daily from
 * the newest sales in between.
 */
public final class ForecastPolicy implements ReplenishmentPolicy {
  private final Forecaster forecaster;
  private final int refitEvery;
  private final int window;
  private final int horizon;
  private Forecaster.Model model;
  private int fittedAt = Integer.MIN_VALUE;
  private int fittedFrom;
  private final Double serviceLevel;
  private StockBounds last;

  /** The one-day-ahead forecast made for each day, to stand in for the demand of a sold-out one. */
  private double[] forecastFor;

  /**
   * {@code window}: the days of sales a model is estimated on; {@code horizon}: days forecast;
   * {@code serviceLevel}: the chance of not running out in a day to hold stock for, or {@code null}
   * for the item's critical ratio (what balances a lost margin against a unit carried over).
   */
  public ForecastPolicy(
      Forecaster forecaster, int refitEvery, int window, int horizon, Double serviceLevel) {
    this.serviceLevel = serviceLevel;
    this.forecaster = forecaster;
    this.refitEvery = refitEvery;
    this.window = window;
    this.horizon = horizon;
  }

  @Override
  public String name() {
    return serviceLevel == null
        ? "forecast bounds"
        : String.format(java.util.Locale.ROOT, "forecast bounds at %.1f%%", 100 * serviceLevel);
  }

  /**
   * The one-day-ahead forecast made for each day ordered for (0 where none was made), to score
   * against the truth where it is known.
   */
  public double[] oneDayForecasts() {
    return forecastFor == null ? new double[0] : forecastFor.clone();
  }

  /** The bounds of the last order decision. */
  public StockBounds lastBounds() {
    return last;
  }

  @Override
  public long order(int day, long leftover, SalesHistory history, ItemEconomics economics) {
    if (forecastFor == null) forecastFor = new double[history.sales().length + 1];
    double[] demand = unconstrained(history, day);
    if (model == null || day - fittedAt >= refitEvery) {
      fittedFrom = Math.max(0, day - window);
      model = forecaster.model(Arrays.copyOfRange(demand, fittedFrom, day));
      fittedAt = day;
    }
    Forecast f =
        model.forecast(Arrays.copyOfRange(demand, fittedFrom, day), horizon, 0.8).floored(0);
    if (day < forecastFor.length) forecastFor[day] = f.at(1);
    last =
        serviceLevel == null
            ? DynamicBounds.of(f, economics)
            : DynamicBounds.of(f, economics, serviceLevel);
    return last.orderFor(leftover);
  }

  /**
   * The sales with each sold-out day raised to what had been forecast for it, if that was more: the
   * demand of a day that ran out was at least its sales, and taking the sales for it would teach
   * the forecast to stock less and run out again.
   */
  private double[] unconstrained(SalesHistory history, int day) {
    double[] demand = Arrays.copyOf(history.sales(), day);
    for (int t = 0; t < day; t++)
      if (history.soldOut()[t] && forecastFor[t] > demand[t]) demand[t] = forecastFor[t];
    return demand;
  }
}
