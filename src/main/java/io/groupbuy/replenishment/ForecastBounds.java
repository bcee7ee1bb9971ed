package io.groupbuy.replenishment;

import io.groupbuy.forecast.Forecast;
import io.groupbuy.orderview.DemandForecasts;
import io.groupbuy.planning.DynamicBounds;
import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.StockBounds;

/**
 * A SKU's stock bounds at a warehouse from its demand forecast: the forecast as served by {@code
 * GET /forecasts}, the SKU's wholesale cost, its selling price there and its loss rate make the
 * economics, and {@link DynamicBounds} the bounds.
 */
public final class ForecastBounds {
  private ForecastBounds() {}

  /** The bounds and what they were made from. */
  public record Made(
      StockBounds bounds, String model, int basedOnDays, double criticalRatio, double lossRate) {}

  /**
   * {@code cost} and {@code price} per unit in the same currency; {@code holdingShare} of the cost
   * per unit and night.
   */
  public static Made of(
      DemandForecasts.Result forecast,
      double cost,
      double price,
      double lossRate,
      double holdingShare) {
    int days = forecast.days().size();
    double[] mean = new double[days];
    double[] lower = new double[days];
    double[] upper = new double[days];
    for (int d = 0; d < days; d++) {
      mean[d] = forecast.days().get(d).mean();
      lower[d] = forecast.days().get(d).lower();
      upper[d] = forecast.days().get(d).upper();
    }
    // tomorrow is what tonight's stock serves: drop today
    Forecast f =
        new Forecast(
            forecast.model(),
            forecast.level(),
            java.util.Arrays.copyOfRange(mean, 1, days),
            java.util.Arrays.copyOfRange(lower, 1, days),
            java.util.Arrays.copyOfRange(upper, 1, days));
    ItemEconomics economics = new ItemEconomics(cost, price, holdingShare * cost, lossRate);
    return new Made(
        DynamicBounds.of(f, economics),
        forecast.model(),
        forecast.basedOnDays(),
        economics.criticalRatio(),
        lossRate);
  }
}
