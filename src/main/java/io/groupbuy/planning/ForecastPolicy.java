package io.groupbuy.planning;

import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.Forecaster;
import io.groupbuy.forecast.PriceResponse;
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
  private final boolean byPrice;
  private final PriceResponse.Prior prior;

  /** The one-day-ahead forecast made for each day, to stand in for the demand of a sold-out one. */
  private double[] forecastFor;

  /** The price elasticity of the fit each day's forecast came from (NaN where none was fitted). */
  private double[] elasticityAt;

  /**
   * {@code window}: the days of sales a model is estimated on; {@code horizon}: days forecast;
   * {@code serviceLevel}: the chance of not running out in a day to hold stock for, or {@code null}
   * for the item's critical ratio (what balances a lost margin against a unit carried over).
   */
  public ForecastPolicy(
      Forecaster forecaster, int refitEvery, int window, int horizon, Double serviceLevel) {
    this(forecaster, refitEvery, window, horizon, serviceLevel, false);
  }

  /**
   * {@code byPrice}: where the sales history has prices, forecast with {@link PriceResponse} from
   * the day's shelf price (and the competitor's last seen), refitted daily; {@code forecaster}
   * otherwise.
   */
  public ForecastPolicy(
      Forecaster forecaster,
      int refitEvery,
      int window,
      int horizon,
      Double serviceLevel,
      boolean byPrice) {
    this(forecaster, refitEvery, window, horizon, serviceLevel, byPrice, PriceResponse.Prior.NONE);
  }

  private ForecastPolicy(
      Forecaster forecaster,
      int refitEvery,
      int window,
      int horizon,
      Double serviceLevel,
      boolean byPrice,
      PriceResponse.Prior prior) {
    this.prior = prior;
    this.byPrice = byPrice;
    this.serviceLevel = serviceLevel;
    this.forecaster = forecaster;
    this.refitEvery = refitEvery;
    this.window = window;
    this.horizon = horizon;
  }

  /**
   * This policy with its price-response fits drawn towards {@code prior}: what related items show
   * of the week and of prices ({@link PriceResponse#pool}).
   */
  public ForecastPolicy pooled(PriceResponse.Prior prior) {
    return new ForecastPolicy(
        forecaster, refitEvery, window, horizon, serviceLevel, byPrice, prior);
  }

  @Override
  public String name() {
    if (byPrice) {
      String kind = prior == PriceResponse.Prior.NONE ? "price-response" : "pooled price-response";
      return serviceLevel == null
          ? kind + " bounds"
          : String.format(java.util.Locale.ROOT, "%s bounds at %.1f%%", kind, 100 * serviceLevel);
    }
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

  /**
   * For each day ordered for, the own-price elasticity of demand the price-response fit found (NaN
   * where the forecast did not come from one), to score against the truth where it is known.
   */
  public double[] elasticities() {
    return elasticityAt == null ? new double[0] : elasticityAt.clone();
  }

  /** The bounds of the last order decision. */
  public StockBounds lastBounds() {
    return last;
  }

  @Override
  public long order(int day, long leftover, SalesHistory history, ItemEconomics economics) {
    if (forecastFor == null) {
      forecastFor = new double[history.sales().length + 1];
      elasticityAt = new double[forecastFor.length];
      Arrays.fill(elasticityAt, Double.NaN);
    }
    Forecast f =
        byPrice && history.price() != null && day >= PriceResponse.MIN_DAYS
            ? byPrice(history, day)
            : univariate(unconstrained(history, day), day);
    if (day < forecastFor.length) forecastFor[day] = f.at(1);
    last =
        serviceLevel == null
            ? DynamicBounds.of(f, economics)
            : DynamicBounds.of(f, economics, serviceLevel);
    return last.orderFor(leftover);
  }

  /** The regression takes the sold-out days as censored: it needs no stand-in for them. */
  private Forecast byPrice(SalesHistory history, int day) {
    int from = Math.max(0, day - window);
    double[] competitor =
        history.competitor() == null || day < 1
            ? null
            : Arrays.copyOfRange(history.competitor(), from, day);
    // a competitor price not seen on some day leaves the competitor out
    if (competitor != null && Arrays.stream(competitor).anyMatch(q -> !(q > 0))) competitor = null;
    PriceResponse fit =
        PriceResponse.fit(
            Arrays.copyOfRange(history.sales(), from, day),
            Arrays.copyOfRange(history.soldOut(), from, day),
            Arrays.copyOfRange(history.price(), from, day),
            competitor,
            from,
            prior);
    if (day < elasticityAt.length) elasticityAt[day] = fit.elasticity();
    double[] price = new double[horizon];
    double[] rival = competitor == null ? null : new double[horizon];
    for (int h = 0; h < horizon; h++) {
      // the day's own price is set; later ones and the competitor's are taken to stay
      price[h] = history.price()[day];
      if (rival != null) rival[h] = history.competitor()[day - 1];
    }
    return fit.forecast(price, rival, 0.8);
  }

  private Forecast univariate(double[] demand, int day) {
    if (model == null || day - fittedAt >= refitEvery) {
      fittedFrom = Math.max(0, day - window);
      model = forecaster.model(Arrays.copyOfRange(demand, fittedFrom, day));
      fittedAt = day;
    }
    return model.forecast(Arrays.copyOfRange(demand, fittedFrom, day), horizon, 0.8).floored(0);
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
