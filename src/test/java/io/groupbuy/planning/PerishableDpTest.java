package io.groupbuy.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.forecast.Forecast;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerishableDpTest {
  @Test
  void oneDayIsTheNewsvendor() {
    // a single day: stock up to the smallest level whose demand CDF reaches u / (u + o), where a
    // unit left over costs its holding plus the share that spoils
    double[] pmf = PerishableDp.negativeBinomial(40, 5);
    ItemEconomics e = new ItemEconomics(2.0, 3.0, 0.1, 0.5);
    PerishableDp dp = PerishableDp.solve(new double[][] {pmf}, new ItemEconomics[] {e}, 300);
    // leftover after the last day costs holding and spoilage (rounded) but is then worth nothing
    double ratio = e.underage() / (e.underage() + e.holding() + e.spoilage() * e.cost());
    int expected = 0;
    double cdf = pmf[0];
    while (cdf < ratio - 0.02) cdf += pmf[++expected];
    int level = dp.targetLevel(0, 0);
    assertTrue(Math.abs(level - expected) <= 2, "level " + level + " vs newsvendor " + expected);
    // with more than the target on hand nothing is ordered
    assertEquals(level + 10, dp.targetLevel(0, level + 10));
  }

  @Test
  void theExpectedCostIsWhatItsPolicyCostsInSimulation() {
    int days = 30;
    double[][] demand = new double[days][];
    ItemEconomics[] economics = new ItemEconomics[days];
    double[] means = new double[days];
    for (int t = 0; t < days; t++) {
      means[t] = 30 + 10 * Math.sin(2 * Math.PI * t / 7);
      demand[t] = PerishableDp.negativeBinomial(means[t], 6);
      economics[t] = new ItemEconomics(1.0, 1.4, 0.02, 0.1);
    }
    PerishableDp dp = PerishableDp.solve(demand, economics, 200);
    SplittableRandom r = new SplittableRandom(5);
    int runs = 4000;
    double total = 0;
    for (int k = 0; k < runs; k++) {
      long leftover = 0;
      for (int t = 0; t < days; t++) {
        ItemEconomics e = economics[t];
        long stock = Math.max(leftover, dp.targetLevel(t, leftover));
        int d = draw(demand[t], r);
        long left = Math.max(0, stock - d);
        long spoiled = Math.round(left * e.spoilage());
        total += e.holding() * left + e.cost() * spoiled + e.underage() * Math.max(0, d - stock);
        leftover = left - spoiled;
      }
    }
    double simulated = total / runs;
    assertEquals(dp.expectedCost(), simulated, 0.03 * dp.expectedCost());
    // and no fixed order-up-to level does better in expectation
    for (int fixed = 20; fixed <= 70; fixed += 5) {
      assertTrue(costOfFixedLevel(fixed, demand, economics) >= dp.expectedCost() - 1e-6);
    }
  }

  /** The exact expected cost of always ordering up to {@code level}, by the same recursion. */
  private static double costOfFixedLevel(int level, double[][] demand, ItemEconomics[] economics) {
    int days = demand.length;
    double[] next = new double[level + 1];
    for (int t = days - 1; t >= 0; t--) {
      ItemEconomics e = economics[t];
      double[] value = new double[level + 1];
      for (int x = 0; x <= level; x++) {
        double v = 0;
        for (int d = 0; d < demand[t].length; d++) {
          int left = Math.max(0, level - d);
          int spoiled = (int) Math.round(left * e.spoilage());
          v +=
              demand[t][d]
                  * (e.holding() * left
                      + e.cost() * spoiled
                      + e.underage() * Math.max(0, d - level)
                      + next[left - spoiled]);
        }
        value[x] = v;
      }
      next = value;
    }
    return next[0];
  }

  private static int draw(double[] pmf, SplittableRandom r) {
    double u = r.nextDouble();
    double c = 0;
    for (int d = 0; d < pmf.length; d++) {
      c += pmf[d];
      if (u <= c) return d;
    }
    return pmf.length - 1;
  }

  @Test
  void theNegativeBinomialHasItsMeanAndVariance() {
    double[] pmf = PerishableDp.negativeBinomial(50, 4);
    double mean = 0;
    double square = 0;
    for (int d = 0; d < pmf.length; d++) {
      mean += d * pmf[d];
      square += (double) d * d * pmf[d];
    }
    assertEquals(1.0, Arrays.stream(pmf).sum(), 1e-9);
    assertEquals(50, mean, 0.01);
    assertEquals(50 + 50 * 50 / 4.0, square - mean * mean, 1.0);
  }

  @Test
  void dynamicBoundsFollowTheForecastTheCriticalRatioAndFreshness() {
    ItemEconomics e = new ItemEconomics(1.0, 1.5, 0.0, 0.25);
    double[] mean = {100, 100, 100, 100, 100, 100, 100};
    double[] sd = {20, 20, 20, 20, 20, 20, 20};
    Forecast f = Forecast.normal("test", 0.8, mean, sd);
    StockBounds b = DynamicBounds.of(f, e);
    double z = Forecast.normalQuantile(e.criticalRatio()); // 0.5 / 0.75: z of 2/3
    assertEquals(Math.round(100 + z * 20), b.orderUpTo());
    assertEquals(b.orderUpTo() - 1, b.reorderPoint());
    // a unit lasts 1 / 0.25 = 4 days: the shelf holds 4 days of demand plus the safety stock
    assertEquals(Math.round(400 + z * 20), b.maximum());
    assertEquals(0, b.orderFor(b.orderUpTo()));
    assertEquals(b.orderUpTo() - 10, b.orderFor(10));
    // a higher service level holds more
    assertTrue(DynamicBounds.of(f, e, 0.99).orderUpTo() > b.orderUpTo());
  }
}
