package io.groupbuy.sim.market;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.forecast.PriceSeries;
import io.groupbuy.planning.StaticMinMax;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarketTest {
  /** Items with a price every day, loss rates 2%, 4%, …. */
  private static List<PriceSeries.Item> prices(int items, int days) {
    List<PriceSeries.Item> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < items; i++) {
      double[] p = new double[days];
      boolean[] seen = new boolean[days];
      for (int t = 0; t < days; t++) {
        p[t] = 4 + 0.5 * Math.sin(t / 9.0) + 0.1 * r.nextDouble();
        seen[t] = true;
      }
      out.add(
          new PriceSeries.Item("i" + i, i % 2 == 0 ? "leafy" : "pepper", LocalDate.EPOCH, p, seen));
    }
    return out;
  }

  private static Map<String, Double> losses(int items) {
    Map<String, Double> m = new HashMap<>();
    for (int i = 0; i < items; i++) m.put("i" + i, 2.0 * (i + 1));
    return m;
  }

  @Test
  void theSameSeedGivesTheSameMarketAndAnotherSeedAnother() {
    var a = Market.simulate(prices(6, 100), losses(6), 4, 100, 7, Market.Settings.defaults());
    var b = Market.simulate(prices(6, 100), losses(6), 4, 100, 7, Market.Settings.defaults());
    var c = Market.simulate(prices(6, 100), losses(6), 4, 100, 8, Market.Settings.defaults());
    assertEquals(4, a.size());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).demand(), b.get(i).demand());
    assertNotEquals(a.get(0).demand()[5], c.get(0).demand()[5] + 0.5);
    assertTrue(!java.util.Arrays.equals(a.get(0).demand(), c.get(0).demand()));
    // items are spread over the loss rates: the lowest and the highest are both taken
    assertEquals(0.02, a.get(0).lossRate(), 1e-9);
    assertEquals(0.12, a.get(a.size() - 1).lossRate(), 1e-9);
  }

  @Test
  void demandIsDrawnAroundTheTrueMeanWithItsWeeklyPattern() {
    var items = Market.simulate(prices(2, 2000), losses(2), 1, 2000, 3, Market.Settings.defaults());
    Market.Item item = items.get(0);
    double drawn = 0;
    double mean = 0;
    for (int t = 0; t < item.days(); t++) {
      drawn += item.demand()[t];
      mean += item.meanDemand()[t];
    }
    assertEquals(1.0, drawn / mean, 0.02);
    double weeklyAverage = 0;
    for (double w : item.weekly()) weeklyAverage += w / 7;
    assertEquals(1.0, weeklyAverage, 1e-9);
  }

  @Test
  void eachPickupPointHasItsOwnCustomersAndTheWarehouseSellsTheirSum() {
    var item =
        Market.simulate(prices(2, 120), losses(2), 1, 120, 5, Market.Settings.defaults()).get(0);
    assertEquals(6, item.pointMean().length);
    for (int t = 0; t < item.days(); t++) {
      int sum = 0;
      double mean = 0;
      for (int k = 0; k < item.pointDemand().length; k++) {
        sum += item.pointDemand()[k][t];
        mean += item.pointMean()[k][t];
      }
      assertEquals(item.demand()[t], sum);
      assertEquals(item.meanDemand()[t], mean, 1e-9);
    }
    // points differ by their customers and their mix of segments, so by demand per customer
    double least = Double.MAX_VALUE;
    double most = 0;
    for (double[] point : item.pointMean()) {
      least = Math.min(least, point[0]);
      most = Math.max(most, point[0]);
    }
    assertTrue(most > 1.2 * least, least + " to " + most);
    // the day's distribution is the sum's: it adds up to 1 around the true mean and spread
    double[] p = item.distribution(10);
    double total = 0;
    double mean = 0;
    double square = 0;
    for (int d = 0; d < p.length; d++) {
      total += p[d];
      mean += d * p[d];
      square += (double) d * d * p[d];
    }
    assertEquals(1, total, 1e-6);
    assertEquals(item.meanDemand()[10], mean, 1e-3 * item.meanDemand()[10]);
    assertEquals(item.sd(10), Math.sqrt(square - mean * mean), 0.01 * item.sd(10));
  }

  @Test
  void thePriceResponseFitFindsTheMarketsTrueElasticity() {
    var item =
        Market.simulate(prices(2, 1500), losses(2), 1, 1500, 11, Market.Settings.defaults()).get(0);
    int n = item.days();
    double[] demand = new double[n];
    double[] price = new double[n];
    double[] competitor = new double[n];
    double truth = 0;
    for (int t = 0; t < n; t++) {
      demand[t] = item.demand()[t];
      price[t] = item.economics()[t].price();
      competitor[t] = item.competitorPrice()[t];
      truth += item.elasticity()[t] / n;
    }
    // segments' elasticities lie from -0.35 to -4.25: the mix is well inside
    assertTrue(truth < -0.5 && truth > -4, "truth " + truth);
    double found =
        io.groupbuy.forecast.PriceResponse.fit(demand, price, competitor, 0).elasticity();
    assertEquals(truth, found, 0.25);
  }

  @Test
  void negativeBinomialDrawsHaveTheirMeanAndVariance() {
    SplittableRandom r = new SplittableRandom(9);
    int n = 40_000;
    double sum = 0;
    double square = 0;
    for (int i = 0; i < n; i++) {
      int d = Market.negativeBinomialDraw(60, 8, r);
      sum += d;
      square += (double) d * d;
    }
    double mean = sum / n;
    assertEquals(60, mean, 0.6);
    assertEquals(60 + 3600 / 8.0, square / n - mean * mean, 25);
  }

  @Test
  void aRunKeepsItsBooksAndTheOptimumCostsLeast() {
    var items = Market.simulate(prices(6, 150), losses(6), 6, 150, 4, Market.Settings.defaults());
    double fixedCost = 0;
    double optimumCost = 0;
    var priors = PolicyEvaluation.priors(items, 60);
    for (Market.Item item : items) {
      Map<String, PolicyRun.Outcome> runs =
          PolicyEvaluation.runItem(item, 60, priors.of(item.category()));
      for (PolicyRun.Outcome o : runs.values()) {
        assertEquals(o.demand, o.sold + o.lost);
        assertTrue(o.bought >= o.sold + o.spoiled, "bought covers sold and spoiled");
        assertEquals(90, o.days);
      }
      fixedCost += runs.get(PolicyEvaluation.REFERENCE).totalCost();
      optimumCost += runs.get(PolicyEvaluation.OPTIMUM).totalCost();
    }
    assertTrue(optimumCost < fixedCost, optimumCost + " vs " + fixedCost);
    // the static policy's bounds come from the history alone
    double[] history = {10, 12, 8, 10};
    assertEquals(10, StaticMinMax.fromHistory(history, 0.5).bounds().reorderPoint());
  }

  @Test
  void buyingAtTheCutoffServesConfirmedOrdersFirstAndTheForecastCoversLateOnes() {
    var items = Market.simulate(prices(4, 150), losses(4), 3, 150, 5, Market.Settings.defaults());
    CutoffEvaluation.Outcome plain = new CutoffEvaluation.Outcome();
    CutoffEvaluation.Outcome ours = new CutoffEvaluation.Outcome();
    for (Market.Item item : items) {
      Map<String, CutoffEvaluation.Outcome> r = CutoffEvaluation.run(item, 60);
      CutoffEvaluation.Outcome only = r.get(CutoffEvaluation.WAYS.get(0));
      // buying for the confirmed orders alone leaves every late order unserved
      assertEquals(only.late, only.lateLost);
      plain.add(r.get(CutoffEvaluation.WAYS.get(1)));
      ours.add(r.get(CutoffEvaluation.WAYS.get(2)));
    }
    assertTrue(ours.lateLost < plain.lateLost / 3, ours.lateLost + " vs " + plain.lateLost);
    assertTrue(ours.confirmedShort <= plain.confirmedShort);
  }
}
