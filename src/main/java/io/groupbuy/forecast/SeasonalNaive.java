package io.groupbuy.forecast;

/**
 * Each step forecast by the value one season before it (period 1: the last value, the random walk).
 * Its intervals come from the spread of the series' own seasonal differences, widening with each
 * season ahead.
 */
public final class SeasonalNaive implements Forecaster.Stateless {
  private final int period;

  public SeasonalNaive(int period) {
    if (period < 1) throw new IllegalArgumentException("period must be >= 1");
    this.period = period;
  }

  @Override
  public String name() {
    return period == 1 ? "naive" : "seasonal naive (" + period + ")";
  }

  @Override
  public Forecast forecastFrom(double[] history, int horizon, double level) {
    int n = history.length;
    if (n == 0) throw new IllegalArgumentException("an empty history");
    int m = Math.min(period, n);
    double[] mean = new double[horizon];
    double[] sd = new double[horizon];
    double sigma = Math.sqrt(meanSquare(history, m));
    for (int h = 1; h <= horizon; h++) {
      mean[h - 1] = history[n - m + (h - 1) % m];
      sd[h - 1] = sigma * Math.sqrt((h - 1) / m + 1);
    }
    return Forecast.normal(name(), level, mean, sd);
  }

  /** The mean square of the lag-{@code lag} differences (0 when there are none). */
  static double meanSquare(double[] y, int lag) {
    double s = 0;
    int count = 0;
    for (int t = lag; t < y.length; t++) {
      double d = y[t] - y[t - lag];
      s += d * d;
      count++;
    }
    return count == 0 ? 0 : s / count;
  }
}
