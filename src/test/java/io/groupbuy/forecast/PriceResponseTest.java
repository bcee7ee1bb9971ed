package io.groupbuy.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The regression recovers a known price response from Poisson draws around it. */
class PriceResponseTest {
  private static final double[] WEEKLY = {0.9, 0.85, 0.9, 0.95, 1.1, 1.25, 1.15};

  private static double truth(int day, double price, double competitor) {
    // elasticity -1.5 of its own price, -0.8 more against the competitor's
    return 40 * WEEKLY[day % 7] * Math.pow(price / 10, -1.5) * Math.pow(price / competitor, -0.8);
  }

  private static int poisson(double lambda, SplittableRandom r) {
    double l = Math.exp(-lambda);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }

  @Test
  void recoversTheElasticityAndForecastsFromTheNewPrice() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 150;
    double[] y = new double[n];
    double[] price = new double[n];
    double[] competitor = new double[n];
    for (int t = 0; t < n; t++) {
      price[t] = 10 * (0.75 + 0.5 * r.nextDouble());
      competitor[t] = 10 * (0.9 + 0.2 * r.nextDouble());
      y[t] = poisson(truth(t, price[t], competitor[t]), r);
    }
    PriceResponse fit = PriceResponse.fit(y, price, competitor, 0);
    assertEquals(-2.3, fit.elasticity(), 0.25);
    // a price cut the history never forecast by itself: tomorrow at 7.5 against a rival at 10
    Forecast f = fit.forecast(new double[] {7.5}, new double[] {10}, 0.8);
    double expected = truth(n, 7.5, 10);
    assertEquals(expected, f.at(1), 0.1 * expected);
    assertTrue(f.lower()[0] < expected && expected < f.upper()[0], f.toString());
  }

  @Test
  void withoutACompetitorAFlatPriceStillFits() {
    double[] y = new double[42];
    double[] price = new double[42];
    for (int t = 0; t < y.length; t++) {
      y[t] = 20 * WEEKLY[t % 7];
      price[t] = 5;
    }
    PriceResponse fit = PriceResponse.fit(y, price, null, 0);
    Forecast f = fit.forecast(new double[] {5, 5}, null, 0.8);
    assertEquals(20 * WEEKLY[42 % 7], f.at(1), 0.5);
    assertEquals(20 * WEEKLY[43 % 7], f.at(2), 0.5);
  }

  @Test
  void soldOutDaysCountAsDemandAtLeastTheSales() {
    // Poisson(30) demand with 28 units in stock: about a third of the days sell out
    SplittableRandom r = new SplittableRandom(11);
    int n = 120;
    double[] sales = new double[n];
    boolean[] soldOut = new boolean[n];
    double[] price = new double[n];
    for (int t = 0; t < n; t++) {
      int demand = poisson(30, r);
      sales[t] = Math.min(demand, 28);
      soldOut[t] = demand > 28;
      price[t] = 4;
    }
    PriceResponse naive = PriceResponse.fit(sales, price, null, 0);
    PriceResponse censored = PriceResponse.fit(sales, soldOut, price, null, 0);
    // the level over the days fitted (at the end a trend fitted to the noise weighs in too)
    double naiveLevel = 0;
    double censoredLevel = 0;
    for (int t = 0; t < n; t++) {
      naiveLevel += naive.mean(t, 4, 0) / n;
      censoredLevel += censored.mean(t, 4, 0) / n;
    }
    assertTrue(naiveLevel < 28, "the sales alone understate the demand: " + naiveLevel);
    assertEquals(30, censoredLevel, 1.0);
  }

  @Test
  void theMeanAboveAFloorMatchesTheSum() {
    double mu = 12;
    double p = Math.exp(-mu);
    double above = 0;
    double weight = 0;
    for (int v = 0; v < 200; v++) {
      if (v >= 15) {
        above += v * p;
        weight += p;
      }
      p *= mu / (v + 1);
    }
    assertEquals(above / weight, PriceResponse.meanAtLeast(15, mu, 0), 1e-6);
    // over-dispersed: a heavier tail, a higher mean above the same floor
    assertTrue(PriceResponse.meanAtLeast(15, mu, 0.2) > above / weight);
    assertEquals(mu, PriceResponse.meanAtLeast(0, mu, 0.2), 1e-12);
  }

  /** Series of {@code n} days around {@code level}, with the shared week and this elasticity. */
  private static PriceResponse series(
      double level, double elasticity, int n, SplittableRandom r, PriceResponse.Prior prior) {
    double[] y = new double[n];
    double[] price = new double[n];
    double[] competitor = new double[n];
    for (int t = 0; t < n; t++) {
      price[t] = 10 * (0.85 + 0.3 * r.nextDouble());
      competitor[t] = 10 * (0.95 + 0.1 * r.nextDouble());
      y[t] = poisson(level * WEEKLY[t % 7] * Math.pow(price[t] / 10, elasticity), r);
    }
    return PriceResponse.fit(y, null, price, competitor, 0, prior);
  }

  @Test
  void poolingRelatedSeriesRecoversTheirSharedResponseBetterThanEachAlone() {
    int items = 10;
    double alone = 0;
    double pooled = 0;
    java.util.List<PriceResponse> fits = new java.util.ArrayList<>();
    for (int i = 0; i < items; i++)
      fits.add(
          series(8 + 3 * i, -2.0, 56, new SplittableRandom(100 + i), PriceResponse.Prior.NONE));
    PriceResponse.Prior prior =
        PriceResponse.pool(
            fits, PriceResponse.PRICE, PriceResponse.COMPETITOR, PriceResponse.WEEKDAYS[4]);
    // the two price terms share the elasticity between them (the price against the competitor's
    // moves mostly with the price)
    assertEquals(
        -2.0, prior.mean()[PriceResponse.PRICE] + prior.mean()[PriceResponse.COMPETITOR], 0.3);
    // weekday 5 against weekday 0, the baseline: log(1.25 / 0.9)
    assertEquals(Math.log(1.25 / 0.9), prior.mean()[PriceResponse.WEEKDAYS[4]], 0.1);
    for (int i = 0; i < items; i++) {
      // the same draws again, now with the prior
      PriceResponse with = series(8 + 3 * i, -2.0, 56, new SplittableRandom(100 + i), prior);
      alone += Math.pow(fits.get(i).elasticity() + 2.0, 2);
      pooled += Math.pow(with.elasticity() + 2.0, 2);
    }
    assertTrue(pooled < 0.5 * alone, "squared error pooled " + pooled + " vs alone " + alone);
  }

  @Test
  void seriesThatDifferGetAWeakPrior() {
    java.util.List<PriceResponse> alike = new java.util.ArrayList<>();
    java.util.List<PriceResponse> unlike = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      alike.add(series(30, -1.5, 84, new SplittableRandom(i), PriceResponse.Prior.NONE));
      unlike.add(
          series(
              30, i % 2 == 0 ? -0.5 : -3.5, 84, new SplittableRandom(i), PriceResponse.Prior.NONE));
    }
    double strong = PriceResponse.pool(alike, PriceResponse.PRICE).precision()[PriceResponse.PRICE];
    double weak = PriceResponse.pool(unlike, PriceResponse.PRICE).precision()[PriceResponse.PRICE];
    // between-series sd about 1.5 against about 0.02 to 0.3
    assertTrue(weak < 1, "precision " + weak);
    assertTrue(strong > 10 * weak, strong + " vs " + weak);
    // too few series: no prior
    assertEquals(
        0,
        PriceResponse.pool(alike.subList(0, 2), PriceResponse.PRICE)
            .precision()[PriceResponse.PRICE]);
  }
}
