package io.groupbuy.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestedChoiceTest {
  private static final List<Forecaster> CANDIDATES =
      List.of(new MovingAverage(28), new SeasonalNaive(1), new SeasonalNaive(7));

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @Test
  void aRandomWalkIsForecastByTheNaiveMethodAndAWeeklySeriesByTheSeasonalOne() {
    SplittableRandom r = new SplittableRandom(1);
    double[] walk = new double[300];
    for (int t = 1; t < walk.length; t++) walk[t] = walk[t - 1] + gaussian(r);
    BacktestedChoice.Choice onWalk = new BacktestedChoice(CANDIDATES, 42, 7).model(walk);
    assertEquals("naive", onWalk.usedAt(1), onWalk.description());

    double[] weekly = new double[300];
    double[] week = {10, 30, 12, 40, 15, 60, 20};
    for (int t = 0; t < weekly.length; t++) weekly[t] = week[t % 7] + 0.5 * gaussian(r);
    BacktestedChoice.Choice onWeekly = new BacktestedChoice(CANDIDATES, 42, 7).model(weekly);
    // 7 steps ahead the naive forecast is the same weekday's value too: a tie, which the earlier
    // candidate wins
    for (int h = 1; h <= 6; h++) assertEquals("seasonal naive (7)", onWeekly.usedAt(h));
    Forecast f = onWeekly.forecast(weekly, 7, 0.8);
    for (int h = 1; h <= 7; h++) assertEquals(week[(300 + h - 1) % 7], f.at(h), 2.5);
  }

  @Test
  void onlyScoredStepsCount() {
    // the series jumps on unscored days only: scored on them the naive would look bad
    double[] y = new double[200];
    boolean[] scored = new boolean[200];
    for (int t = 0; t < y.length; t++) {
      scored[t] = t % 2 == 0;
      y[t] = scored[t] ? 100 : (t % 4 == 1 ? 0 : 200);
    }
    BacktestedChoice.Choice c =
        new BacktestedChoice(List.of(new SeasonalNaive(1), new SeasonalNaive(2)), 40, 1)
            .model(y, scored);
    assertEquals("seasonal naive (2)", c.usedAt(1));
  }

  @Test
  void theCostBacktestScoresObservedDaysOnlyAndBeatsTheSeasonalNaiveOnAWalk(@TempDir Path dir)
      throws Exception {
    // two items on a random walk, bought on most days: ours must beat the seasonal naive at 1 day
    SplittableRandom r = new SplittableRandom(2);
    List<String> lines = new ArrayList<>(List.of("date,item_code,wholesale_price_cny_per_kg"));
    LocalDate first = LocalDate.parse("2022-01-01");
    for (String item : List.of("A", "B")) {
      double p = 10;
      for (int t = 0; t < 400; t++) {
        p = Math.max(1, p + 0.3 * gaussian(r));
        if (r.nextInt(5) > 0)
          lines.add(first.plusDays(t) + "," + item + "," + String.format("%.2f", p));
      }
    }
    Path prices = dir.resolve("prices.csv");
    Files.write(prices, lines);
    var items = PriceSeries.read(prices, Map.of("A", "leafy"));
    assertEquals(2, items.size());
    assertEquals("leafy", items.get(0).category());
    LocalDate cut = first.plusDays(344);
    for (var item : items) {
      var s = CostBacktest.backtest(item, cut, 365, 7);
      var ours = s.scores().get("ours").get(1);
      var seasonalNaive = s.scores().get("seasonal naive").get(1);
      int observed = 0;
      for (int t = item.indexOf(cut); t < item.price().length; t++)
        if (item.observed()[t]) observed++;
      assertEquals(observed, ours.points, "one point per observed day after the cut");
      assertTrue(ours.wape() < seasonalNaive.wape(), ours.wape() + " vs " + seasonalNaive.wape());
    }
  }
}
