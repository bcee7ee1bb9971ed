package io.groupbuy.forecast;

/**
 * Every step forecast by the mean of the last {@code window} values; its intervals from the spread
 * of the series around its own trailing means.
 */
public final class MovingAverage implements Forecaster.Stateless {
  private final int window;

  public MovingAverage(int window) {
    if (window < 1) throw new IllegalArgumentException("window must be >= 1");
    this.window = window;
  }

  @Override
  public String name() {
    return "moving average (" + window + ")";
  }

  @Override
  public Forecast forecastFrom(double[] history, int horizon, double level) {
    int n = history.length;
    if (n == 0) throw new IllegalArgumentException("an empty history");
    int w = Math.min(window, n);
    double level0 = 0;
    for (int t = n - w; t < n; t++) level0 += history[t] / w;
    // one-step errors of the trailing mean over the history
    double s = 0;
    int count = 0;
    for (int t = w; t < n; t++) {
      double m = 0;
      for (int k = t - w; k < t; k++) m += history[k] / w;
      s += (history[t] - m) * (history[t] - m);
      count++;
    }
    double sigma = count == 0 ? 0 : Math.sqrt(s / count);
    double[] mean = new double[horizon];
    double[] sd = new double[horizon];
    for (int h = 0; h < horizon; h++) {
      mean[h] = level0;
      sd[h] = sigma;
    }
    return Forecast.normal(name(), level, mean, sd);
  }
}
