package io.groupbuy.sim.market;

import io.groupbuy.forecast.AutoSarima;
import io.groupbuy.forecast.BacktestedChoice;
import io.groupbuy.forecast.CategoryPriors;
import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.MovingAverage;
import io.groupbuy.forecast.PriceResponse;
import io.groupbuy.forecast.SeasonalNaive;
import io.groupbuy.planning.DynamicBounds;
import io.groupbuy.planning.ForecastPolicy;
import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.PerishableDp;
import io.groupbuy.planning.ReplenishmentPolicy;
import io.groupbuy.planning.SalesHistory;
import io.groupbuy.planning.StaticMinMax;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inventory policy evaluation: over a seeded market ({@link Market}), each item is run under
 * the static min/max policy, the forecast-driven bounds and the optimal policy of a dynamic
 * programme that knows the simulator's demand distribution, on the same demand; stockouts, waste,
 * costs and profit printed side by side, in total and by loss-rate band.
 *
 * <pre>
 * bin/policy-eval [--prices FILE] [--loss-rates FILE] [--items FILE] [--skus 24] [--days 90]
 *                 [--history 120] [--seeds 1,2,3]
 * </pre>
 */
public final class PolicyEvaluation {
  private static final PrintStream out = System.out;

  /** Service levels the static policy is run at; 95% is its usual setting and the reference. */
  static final double[] STATIC_LEVELS = {0.90, 0.95, 0.99};

  /** Service levels the forecast policy is also run at, to compare at equal stockouts. */
  static final double[] FORECAST_LEVELS = {0.95, 0.98, 0.99, 0.995, 0.999};

  static final String REFERENCE = staticName(0.95);
  static final String OURS = "forecast bounds";
  static final String OPTIMUM = "DP optimum";
  static final String ORACLE = "true-demand bounds";
  static final String PRICED = "price-response bounds";
  static final String POOLED = "pooled price-response bounds";

  static String pooledName(double level) {
    return String.format(Locale.ROOT, "pooled price-response bounds at %.1f%%", 100 * level);
  }

  static String pricedName(double level) {
    return String.format(Locale.ROOT, "price-response bounds at %.1f%%", 100 * level);
  }

  static String staticName(double level) {
    return String.format(Locale.ROOT, "static min/max at %.1f%%", 100 * level);
  }

  static String forecastName(double level) {
    return String.format(Locale.ROOT, "forecast bounds at %.1f%%", 100 * level);
  }

  private PolicyEvaluation() {}

  public static void main(String[] args) {
    MarketSetup setup = MarketSetup.fromArgs(args);
    int skus = setup.skus();
    int days = setup.days();
    int history = setup.history();
    long[] seeds = setup.seeds();
    Path prices = setup.prices();
    long t0 = System.nanoTime();
    out.printf(
        Locale.ROOT,
        "Inventory policies over a simulated market: %d items x %d seeds, %d days counted after %d days of"
            + " history; real wholesale costs and loss rates from %s.%n",
        skus,
        seeds.length,
        days,
        history,
        prices);
    Map<String, Map<String, PolicyRun.Outcome>> byBand = new LinkedHashMap<>();
    AtomicInteger done = new AtomicInteger();
    int total = skus * seeds.length;
    List<Object[]> runs = new ArrayList<>();
    for (long seed : seeds) {
      List<Market.Item> items = setup.items(seed);
      CategoryPriors priors = priors(items, history);
      for (Market.Item item : items)
        runs.add(new Object[] {seed, item, priors.of(item.category())});
    }
    List<Map<String, PolicyRun.Outcome>> results =
        runs.parallelStream()
            .map(
                r -> {
                  Map<String, PolicyRun.Outcome> m =
                      runItem((Market.Item) r[1], history, (PriceResponse.Prior) r[2]);
                  int n = done.incrementAndGet();
                  if (n % 8 == 0 || n == total)
                    out.printf(
                        Locale.ROOT,
                        "  ... %d of %d item runs (%.0f s)%n",
                        n,
                        total,
                        (System.nanoTime() - t0) / 1e9);
                  return m;
                })
            .toList();
    for (int i = 0; i < runs.size(); i++) {
      Market.Item item = (Market.Item) runs.get(i)[1];
      for (String band : List.of(band(item.lossRate()), "total")) {
        Map<String, PolicyRun.Outcome> b = byBand.computeIfAbsent(band, k -> new LinkedHashMap<>());
        results
            .get(i)
            .forEach(
                (p, outcome) -> b.computeIfAbsent(p, k -> new PolicyRun.Outcome()).add(outcome));
      }
    }
    report(byBand);
    out.printf(Locale.ROOT, "Took %.0f s.%n", (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Priors pooled from every item's fit over the history days: what the platform knows of its items
   * before the counted days begin.
   */
  static CategoryPriors priors(List<Market.Item> items, int history) {
    Map<String, List<PriceResponse>> fits = new java.util.TreeMap<>();
    for (Market.Item item : items) {
      double[] demand = new double[history];
      double[] price = new double[history];
      double[] competitor = new double[history];
      for (int t = 0; t < history; t++) {
        demand[t] = item.demand()[t];
        price[t] = item.economics()[t].price();
        competitor[t] = item.competitorPrice()[t];
      }
      fits.computeIfAbsent(item.category(), c -> new ArrayList<>())
          .add(PriceResponse.fit(demand, price, competitor, 0));
    }
    return new CategoryPriors(fits);
  }

  static Map<String, PolicyRun.Outcome> runItem(
      Market.Item item, int history, PriceResponse.Prior prior) {
    Map<String, PolicyRun.Outcome> out = new LinkedHashMap<>();
    double[] past = Arrays.stream(Arrays.copyOf(item.demand(), history)).asDoubleStream().toArray();
    double[] recent = Arrays.copyOfRange(past, Math.max(0, history - 28), history);
    for (double level : STATIC_LEVELS)
      out.put(
          staticName(level), PolicyRun.run(item, StaticMinMax.fromHistory(recent, level), history));
    out.put(OURS, scored(item, forecastPolicy(history, null, false), history));
    out.put(PRICED, scored(item, forecastPolicy(history, null, true), history));
    for (double level : FORECAST_LEVELS)
      out.put(
          pricedName(level), PolicyRun.run(item, forecastPolicy(history, level, true), history));
    out.put(POOLED, scored(item, forecastPolicy(history, null, true).pooled(prior), history));
    for (double level : FORECAST_LEVELS)
      out.put(
          pooledName(level),
          PolicyRun.run(item, forecastPolicy(history, level, true).pooled(prior), history));
    out.put(ORACLE, PolicyRun.run(item, oracle(item), history));
    for (double level : FORECAST_LEVELS)
      out.put(
          forecastName(level), PolicyRun.run(item, forecastPolicy(history, level, false), history));
    int days = item.days() - history;
    double[][] demand = new double[days][];
    int maxDemand = 0;
    for (int t = 0; t < days; t++) {
      demand[t] = item.distribution(history + t);
      maxDemand = Math.max(maxDemand, demand[t].length);
    }
    PerishableDp dp =
        PerishableDp.solve(
            demand, Arrays.copyOfRange(item.economics(), history, item.days()), 2 * maxDemand);
    out.put(OPTIMUM, PolicyRun.run(item, dp.policy(history), history));
    return out;
  }

  /**
   * The same bounds as ours from the simulator's true demand distribution instead of a forecast:
   * what separates ours from it is forecast error, what separates it from the optimum is the form
   * of the policy.
   */
  private static ReplenishmentPolicy oracle(Market.Item item) {
    return new ReplenishmentPolicy() {
      @Override
      public String name() {
        return ORACLE;
      }

      @Override
      public long order(int day, long leftover, SalesHistory sales, ItemEconomics economics) {
        int horizon = Math.min(7, item.days() - day);
        double[] mean = new double[horizon];
        double[] sd = new double[horizon];
        for (int h = 0; h < horizon; h++) {
          mean[h] = item.meanDemand()[day + h];
          sd[h] = item.sd(day + h);
        }
        return DynamicBounds.of(Forecast.normal(ORACLE, 0.8, mean, sd), economics)
            .orderFor(leftover);
      }
    };
  }

  /**
   * The run of a forecast policy, with the one-day forecasts it acted on scored against the
   * simulator's true mean demand.
   */
  private static PolicyRun.Outcome scored(Market.Item item, ForecastPolicy policy, int history) {
    PolicyRun.Outcome outcome = PolicyRun.run(item, policy, history);
    double[] made = policy.oneDayForecasts();
    double[] elasticities = policy.elasticities();
    for (int t = history; t < item.days() && t < made.length; t++) {
      outcome.forecastError += Math.abs(made[t] - item.meanDemand()[t]);
      outcome.trueMean += item.meanDemand()[t];
      outcome.trueSd += item.sd(t);
      if (!Double.isNaN(elasticities[t])) {
        outcome.elasticityError += Math.abs(elasticities[t] - item.elasticity()[t]);
        outcome.trueElasticity += item.elasticity()[t];
        outcome.elasticityDays++;
      }
    }
    return outcome;
  }

  /** {@code byPrice}: price-response forecasts; otherwise the univariate choice. */
  private static ForecastPolicy forecastPolicy(int history, Double level, boolean byPrice) {
    return new ForecastPolicy(
        new BacktestedChoice(
            List.of(new AutoSarima(7), new SeasonalNaive(7), new MovingAverage(7)), 28, 7),
        7,
        history,
        7,
        level,
        byPrice);
  }

  static String band(double lossRate) {
    if (lossRate < 0.08) return "loss < 8%";
    if (lossRate < 0.13) return "loss 8-13%";
    return "loss >= 13%";
  }

  private static void report(Map<String, Map<String, PolicyRun.Outcome>> byBand) {
    String header =
        String.format(
            Locale.ROOT,
            "%-12s %-38s %9s %9s %8s %9s %9s %9s %10s %10s",
            "items",
            "policy",
            "stockout",
            "stk days",
            "waste",
            "holding",
            "spoiled",
            "lost",
            "total cost",
            "profit");
    out.println();
    out.println(
        "All items, every policy (stockout: share of demand lost; stk days: days with a stockout;");
    out.println("waste: share of what was bought that spoiled; costs in CNY):");
    out.println(header);
    Map<String, PolicyRun.Outcome> t = byBand.get("total");
    t.forEach((p, o) -> row("total", p, o));
    out.println();
    out.println("By loss rate:");
    out.println(header);
    for (String band : List.of("loss < 8%", "loss 8-13%", "loss >= 13%")) {
      Map<String, PolicyRun.Outcome> b = byBand.get(band);
      if (b == null) continue;
      for (String p : List.of(REFERENCE, OURS, PRICED, POOLED, ORACLE, OPTIMUM))
        row(band, p, b.get(p));
    }
    out.println();
    for (double level : STATIC_LEVELS) {
      PolicyRun.Outcome fixed = t.get(staticName(level));
      String match = null;
      for (var e : t.entrySet()) {
        // forecast or price-response bounds at any setting
        if (!e.getKey().startsWith(OURS)
            && !e.getKey().startsWith(PRICED)
            && !e.getKey().startsWith(POOLED)) continue;
        PolicyRun.Outcome o = e.getValue();
        if (o.stockoutRate() <= fixed.stockoutRate()
            && (match == null || o.wasteShare() < t.get(match).wasteShare())) match = e.getKey();
      }
      String verdict;
      if (match == null) {
        verdict = "no forecast setting ran out as rarely";
      } else {
        PolicyRun.Outcome o = t.get(match);
        double cut = 1 - o.wasteShare() / fixed.wasteShare();
        verdict =
            String.format(
                Locale.ROOT,
                "%s: waste %.2f%% vs %.2f%%, %.1f%% less, stockouts %.2f%% vs %.2f%%",
                match,
                100 * o.wasteShare(),
                100 * fixed.wasteShare(),
                100 * cut,
                100 * o.stockoutRate(),
                100 * fixed.stockoutRate());
        if (level == 0.95)
          verdict +=
              cut >= 0.15 ? " -> goal (>= 15% less waste) met" : " -> goal (>= 15% less) not met";
      }
      out.printf(
          Locale.ROOT,
          "Against %s, the least waste at no more stockouts: %s%n",
          staticName(level),
          verdict);
    }
    PolicyRun.Outcome best = t.get(OPTIMUM);
    for (String name : List.of(OURS, PRICED, POOLED)) {
      PolicyRun.Outcome ours = t.get(name);
      double overOptimum = ours.totalCost() / best.totalCost() - 1;
      out.printf(
          Locale.ROOT,
          "Goal: total cost within 10%% of the DP optimum: %s %.0f vs %.0f (%+.1f%%) -> %s; profit %.0f vs"
              + " %.0f%n",
          name,
          ours.totalCost(),
          best.totalCost(),
          100 * overOptimum,
          overOptimum <= 0.10 ? "met" : "not met",
          ours.profit(),
          best.profit());
      out.printf(
          Locale.ROOT,
          "  its one-day demand forecasts against the simulator's true mean: mean absolute error %.1f%%"
              + " of the mean (the daily noise alone has a coefficient of variation of %.2f at the"
              + " mean).%n",
          100 * ours.forecastError / ours.trueMean,
          ours.trueSd / ours.trueMean);
      if (ours.elasticityDays > 0)
        out.printf(
            Locale.ROOT,
            "  its fits' own-price elasticities against the simulator's true one: mean absolute error"
                + " %.2f (the truth averages %.2f)%n",
            ours.elasticityError / ours.elasticityDays,
            ours.trueElasticity / ours.elasticityDays);
    }
  }

  private static void row(String band, String policy, PolicyRun.Outcome o) {
    out.printf(
        Locale.ROOT,
        "%-12s %-38s %8.2f%% %8.2f%% %7.2f%% %9.0f %9.0f %9.0f %10.0f %10.0f%n",
        band,
        policy,
        100 * o.stockoutRate(),
        100.0 * o.stockoutDays / o.days,
        100 * o.wasteShare(),
        o.holding,
        o.spoiledCost,
        o.lostMargin,
        o.totalCost(),
        o.profit());
  }
}
