package io.groupbuy.planning;

/**
 * The classic fixed policy: a minimum (a day's mean demand plus a safety stock at a service level)
 * and a maximum (a day's demand above the minimum) set once from a history of sales and kept: below
 * the minimum, order up to the maximum.
 */
public final class StaticMinMax implements ReplenishmentPolicy {
  private final StockBounds bounds;

  public StaticMinMax(StockBounds bounds) {
    this.bounds = bounds;
  }

  /** Bounds from the mean and spread of {@code sales} at a {@code serviceLevel} (e.g. 0.95). */
  public static StaticMinMax fromHistory(double[] sales, double serviceLevel) {
    double mean = 0;
    for (double s : sales) mean += s / sales.length;
    double var = 0;
    for (double s : sales) var += (s - mean) * (s - mean) / Math.max(1, sales.length - 1);
    double safety = io.groupbuy.forecast.Forecast.normalQuantile(serviceLevel) * Math.sqrt(var);
    long minimum = Math.round(mean + safety);
    long maximum = Math.round(2 * mean + safety);
    return new StaticMinMax(new StockBounds(Math.round(safety), minimum, maximum, maximum));
  }

  public StockBounds bounds() {
    return bounds;
  }

  @Override
  public String name() {
    return "static min/max";
  }

  @Override
  public long order(int day, long leftover, SalesHistory sales, ItemEconomics economics) {
    return bounds.orderFor(leftover);
  }
}
