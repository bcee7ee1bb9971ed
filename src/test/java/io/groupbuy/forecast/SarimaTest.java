package io.groupbuy.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parameters of series simulated from known models are recovered; forecasts behave as they must.
 */
class SarimaTest {
  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** y_t = c + φ y_(t−1) + e_t + θ e_(t−1), burnt in. */
  private static double[] arma11(
      int n, double c, double phi, double theta, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] y = new double[n + 200];
    double previousE = 0;
    double previousY = c / (1 - phi);
    for (int t = 0; t < y.length; t++) {
      double e = sigma * gaussian(r);
      y[t] = c + phi * previousY + e + theta * previousE;
      previousY = y[t];
      previousE = e;
    }
    return java.util.Arrays.copyOfRange(y, 200, y.length);
  }

  @Test
  void recoversAnAr1AndItsMean() {
    double[] y = arma11(3000, 4.0, 0.6, 0, 1.0, 1);
    Sarima.Fitted f = Sarima.fit(y, new Sarima.Order(1, 0, 0, 0, 0, 0, 1, true));
    assertEquals(0.6, f.ar()[0], 0.05);
    assertEquals(10.0, f.mu(), 0.2);
    assertEquals(1.0, f.sigma2(), 0.08);
    // far ahead the forecast returns to the mean, and its interval to the series' spread
    Forecast far = f.forecast(60, 0.95);
    assertEquals(10.0, far.at(60), 0.2);
    double sdFar = (far.upper()[59] - far.mean()[59]) / 1.959964;
    assertEquals(1.0 / Math.sqrt(1 - 0.36), sdFar, 0.1);
    // one step ahead: φ times the last deviation
    assertEquals(f.mu() + f.ar()[0] * (y[y.length - 1] - f.mu()), f.forecast(1, 0.8).at(1), 1e-9);
  }

  @Test
  void recoversAnArma11() {
    double[] y = arma11(4000, 0, 0.5, 0.4, 2.0, 2);
    Sarima.Fitted f = Sarima.fit(y, new Sarima.Order(1, 0, 1, 0, 0, 0, 1, false));
    assertEquals(0.5, f.ar()[0], 0.06);
    assertEquals(0.4, f.ma()[0], 0.06);
    assertEquals(4.0, f.sigma2(), 0.3);
  }

  /** The airline model: (1−B)(1−B^7) y_t = (1 + θB)(1 + ΘB^7) e_t. */
  private static double[] airline(int n, double theta, double seasonalTheta, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int s = 7;
    double[] e = new double[n];
    double[] w = new double[n];
    for (int t = 0; t < n; t++) {
      e[t] = gaussian(r);
      w[t] =
          e[t]
              + (t >= 1 ? theta * e[t - 1] : 0)
              + (t >= s ? seasonalTheta * e[t - s] : 0)
              + (t >= s + 1 ? theta * seasonalTheta * e[t - s - 1] : 0);
    }
    // integrate: y_t = y_(t−1) + y_(t−7) − y_(t−8) + w_t, started from a weekly pattern
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      double v = w[t] + 50 + (t < 8 ? 5 * Math.sin(2 * Math.PI * t / 7) : 0);
      if (t >= 8) v = y[t - 1] + y[t - 7] - y[t - 8] + w[t];
      y[t] = v;
    }
    return y;
  }

  @Test
  void recoversTheSeasonalAirlineModel() {
    double[] y = airline(3000, -0.4, -0.6, 3);
    Sarima.Fitted f = Sarima.fit(y, new Sarima.Order(0, 1, 1, 0, 1, 1, 7, false));
    assertEquals(-0.4, f.ma()[0], 0.06);
    assertEquals(-0.6, f.seasonalMa()[0], 0.06);
    assertEquals(1.0, f.sigma2(), 0.1);
  }

  @Test
  void theAutomaticSearchDifferencesARandomWalkAndNotAStationarySeries() {
    SplittableRandom r = new SplittableRandom(4);
    double[] walk = new double[500];
    for (int t = 1; t < walk.length; t++) walk[t] = walk[t - 1] + gaussian(r);
    AutoSarima auto = new AutoSarima(1);
    assertEquals(1, auto.fit(walk).order().d());
    assertEquals(0, auto.fit(arma11(500, 4, 0.5, 0, 1, 5)).order().d());
    Sarima.Fitted ar = auto.fit(arma11(2000, 4, 0.7, 0, 1, 6));
    assertTrue(ar.order().p() >= 1, "an AR(1) needs an AR term: " + ar.order());
  }

  @Test
  void theAutomaticSearchTakesTheSeasonalDifferenceOfAStronglyWeeklySeries() {
    SplittableRandom r = new SplittableRandom(7);
    double[] y = new double[400];
    double[] week = {10, 12, 11, 13, 18, 25, 22};
    for (int t = 0; t < y.length; t++) y[t] = 100 + week[t % 7] + gaussian(r);
    assertTrue(AutoSarima.seasonalStrength(y, 7) > 0.9);
    Sarima.Fitted f = new AutoSarima(7).fit(y);
    assertEquals(1, f.order().sd(), f.order().toString());
    Forecast next = f.forecast(7, 0.8);
    for (int h = 1; h <= 7; h++) {
      double truth = 100 + week[(y.length + h - 1) % 7];
      assertEquals(truth, next.at(h), 1.5, "step " + h + " of " + f.order());
    }
  }

  @Test
  void intervalsCoverAboutTheirLevel() {
    // AR(1) series: fit on 400, check whether the next value falls inside the 80% interval
    int inside = 0;
    int trials = 300;
    for (int k = 0; k < trials; k++) {
      double[] y = arma11(401, 2, 0.5, 0, 1, 100 + k);
      double[] history = java.util.Arrays.copyOf(y, 400);
      Forecast f =
          Sarima.fit(history, new Sarima.Order(1, 0, 0, 0, 0, 0, 1, true)).forecast(1, 0.8);
      if (y[400] >= f.lower()[0] && y[400] <= f.upper()[0]) inside++;
    }
    double coverage = inside / (double) trials;
    assertTrue(coverage > 0.74 && coverage < 0.86, "coverage " + coverage);
  }

  @Test
  void extendingAFitForecastsFromTheLongerSeriesWithTheSameCoefficients() {
    double[] y = arma11(600, 1, 0.6, 0, 1, 8);
    double[] first = java.util.Arrays.copyOf(y, 500);
    Sarima.Fitted f = Sarima.fit(first, new Sarima.Order(1, 0, 0, 0, 0, 0, 1, true));
    Sarima.Fitted later = f.extend(y);
    assertEquals(f.mu() + f.ar()[0] * (y[599] - f.mu()), later.forecast(1, 0.8).at(1), 1e-9);
  }

  @Test
  void baselines() {
    double[] y = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    assertEquals(8, new SeasonalNaive(7).forecast(y, 7, 0.8).at(1));
    assertEquals(14, new SeasonalNaive(7).forecast(y, 7, 0.8).at(7));
    assertEquals(14, new SeasonalNaive(1).forecast(y, 3, 0.8).at(3));
    assertEquals(13, new MovingAverage(3).forecast(y, 2, 0.8).at(2));
    assertEquals(1.959964, Forecast.normalQuantile(0.975), 1e-5);
  }
}
