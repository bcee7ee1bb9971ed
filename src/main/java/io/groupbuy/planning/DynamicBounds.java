package io.groupbuy.planning;

import io.groupbuy.forecast.Forecast;

/**
 * Stock bounds from a demand forecast, its error and the item's economics. Stock ordered tonight
 * serves tomorrow; what is left over spoils at the loss rate. The order-up-to level is tomorrow's
 * forecast plus the safety stock that the critical ratio asks for (a normal quantile of the
 * forecast's own error); the reorder point sits one unit below it, because with daily delivery it
 * pays to top up every day; the minimum is the safety stock alone; the maximum is what freshness
 * allows: the demand of the days that the average unit survives at the loss rate.
 */
public final class DynamicBounds {
  private DynamicBounds() {}

  /**
   * Bounds from a forecast of the coming days (at least one), with intervals at the forecast's
   * level, for an item with {@code economics}.
   */
  public static StockBounds of(Forecast demand, ItemEconomics economics) {
    return of(demand, economics, economics.criticalRatio());
  }

  /**
   * As {@link #of(Forecast, ItemEconomics)} with a service level of the operator's choosing (the
   * probability of not running out in a day) in place of the critical ratio.
   */
  public static StockBounds of(Forecast demand, ItemEconomics economics, double serviceLevel) {
    double z = Forecast.normalQuantile(0.5 + demand.level() / 2);
    double sd = z > 0 ? (demand.upper()[0] - demand.mean()[0]) / z : 0;
    double mean = Math.max(0, demand.mean()[0]);
    double ratio = Math.min(0.999, Math.max(0.001, serviceLevel));
    double safety = Math.max(0, Forecast.normalQuantile(ratio) * Math.max(sd, 0));
    long orderUpTo = Math.round(mean + safety);
    long minimum = Math.min(orderUpTo, Math.round(safety));
    long reorderPoint = Math.max(minimum, orderUpTo - 1);
    // a unit lasts 1 / spoilage days on average; never shelve more than those days' demand
    double days = Math.min(demand.horizon(), Math.max(1, 1 / Math.max(economics.spoilage(), 1e-9)));
    double shelf = 0;
    for (int d = 0; d < Math.ceil(days); d++) shelf += Math.max(0, demand.mean()[d]);
    long maximum = Math.max(orderUpTo, Math.round(shelf + safety));
    return new StockBounds(minimum, reorderPoint, orderUpTo, maximum);
  }
}
