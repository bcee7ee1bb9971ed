package io.groupbuy.sim.market;

import io.groupbuy.forecast.AutoSarima;
import io.groupbuy.forecast.BacktestedChoice;
import io.groupbuy.forecast.Forecast;
import io.groupbuy.forecast.Forecaster;
import io.groupbuy.forecast.MovingAverage;
import io.groupbuy.forecast.SeasonalNaive;
import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.PurchaseBySales;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Purchase by sales (以销定采) for next-day fresh goods in the market simulator: each day's demand
 * arrives as orders before the cutoff (known when buying) and late orders after it (served from
 * what is left); the purchase is made at the cutoff, loses the item's loss rate in handling, and
 * what is left after the hand-out spoils at the same rate overnight. Three ways to buy, on the same
 * orders: the confirmed orders only; those plus the handling loss; and those plus a forecast of the
 * late orders with its safety stock at the item's critical ratio (ours).
 *
 * <pre>
 * bin/purchase-eval [--prices FILE] [--loss-rates FILE] [--items FILE] [--skus 24] [--days 90]
 *                   [--history 120] [--seeds 1,2,3]
 * </pre>
 */
public final class CutoffEvaluation {
  private static final PrintStream out = System.out;
  static final List<String> WAYS =
      List.of("confirmed orders only", "+ handling loss", "+ late-order forecast (ours)");

  private CutoffEvaluation() {}

  /** What a way of buying came to over the counted days. */
  static final class Outcome {
    long confirmed;
    long confirmedShort;
    long late;
    long lateLost;
    long bought;
    long wasted;
    double spoiledCost;
    double lostMargin;
    double holding;

    void add(Outcome o) {
      confirmed += o.confirmed;
      confirmedShort += o.confirmedShort;
      late += o.late;
      lateLost += o.lateLost;
      bought += o.bought;
      wasted += o.wasted;
      spoiledCost += o.spoiledCost;
      lostMargin += o.lostMargin;
      holding += o.holding;
    }

    double totalCost() {
      return spoiledCost + lostMargin + holding;
    }
  }

  public static void main(String[] args) {
    MarketSetup setup = MarketSetup.fromArgs(args);
    long t0 = System.nanoTime();
    out.printf(
        Locale.ROOT,
        "Purchase by sales at the cutoff: %d items x %d seeds, %d days counted after %d days of"
            + " history; real wholesale costs and loss rates from %s.%n",
        setup.skus(),
        setup.seeds().length,
        setup.days(),
        setup.history(),
        setup.prices());
    List<Market.Item> items = new ArrayList<>();
    for (long seed : setup.seeds()) items.addAll(setup.items(seed));
    AtomicInteger done = new AtomicInteger();
    List<Map<String, Outcome>> results =
        items.parallelStream()
            .map(
                item -> {
                  Map<String, Outcome> r = run(item, setup.history());
                  int n = done.incrementAndGet();
                  if (n % 8 == 0 || n == items.size())
                    out.printf(
                        Locale.ROOT,
                        "  ... %d of %d item runs (%.0f s)%n",
                        n,
                        items.size(),
                        (System.nanoTime() - t0) / 1e9);
                  return r;
                })
            .toList();
    Map<String, Outcome> total = new LinkedHashMap<>();
    for (String w : WAYS) total.put(w, new Outcome());
    for (Map<String, Outcome> r : results) r.forEach((w, o) -> total.get(w).add(o));
    out.printf(
        Locale.ROOT,
        "%n%-30s %12s %11s %8s %10s %10s %9s %11s%n",
        "buying",
        "confirmed short",
        "late lost",
        "waste",
        "spoiled",
        "lost",
        "holding",
        "total cost");
    total.forEach(
        (w, o) ->
            out.printf(
                Locale.ROOT,
                "%-30s %14.2f%% %10.2f%% %7.2f%% %10.0f %10.0f %9.0f %11.0f%n",
                w,
                100.0 * o.confirmedShort / o.confirmed,
                100.0 * o.lateLost / Math.max(1, o.late),
                100.0 * o.wasted / Math.max(1, o.bought),
                o.spoiledCost,
                o.lostMargin,
                o.holding,
                o.totalCost()));
    Outcome plain = total.get(WAYS.get(1));
    Outcome ours = total.get(WAYS.get(2));
    out.printf(
        Locale.ROOT,
        "%nWith the forecast buffer against the loss buffer alone: late orders lost %.2f%% vs %.2f%%,"
            + " waste %.2f%% vs %.2f%%, total cost %+.1f%%.%nTook %.0f s.%n",
        100.0 * ours.lateLost / Math.max(1, ours.late),
        100.0 * plain.lateLost / Math.max(1, plain.late),
        100.0 * ours.wasted / ours.bought,
        100.0 * plain.wasted / plain.bought,
        100 * (ours.totalCost() / plain.totalCost() - 1),
        (System.nanoTime() - t0) / 1e9);
  }

  /** The three ways of buying over one item, on the same orders and the same handling losses. */
  static Map<String, Outcome> run(Market.Item item, int history) {
    SplittableRandom split = new SplittableRandom(item.code().hashCode() * 31L + item.days());
    int days = item.days();
    int[] confirmed = new int[days];
    int[] late = new int[days];
    for (int t = 0; t < days; t++) {
      // 70-90% of a day's orders are in by the cutoff
      double share = 0.7 + 0.2 * split.nextDouble();
      confirmed[t] = (int) Math.round(item.demand()[t] * share);
      late[t] = item.demand()[t] - confirmed[t];
    }
    long handlingSeed = split.nextLong();
    Map<String, Outcome> out = new LinkedHashMap<>();
    for (int w = 0; w < WAYS.size(); w++)
      out.put(
          WAYS.get(w), run(item, history, confirmed, late, w, new SplittableRandom(handlingSeed)));
    return out;
  }

  private static Outcome run(
      Market.Item item,
      int history,
      int[] confirmed,
      int[] late,
      int way,
      SplittableRandom handling) {
    Forecaster forecaster =
        new BacktestedChoice(
            List.of(new AutoSarima(7), new SeasonalNaive(7), new MovingAverage(7)), 28, 1);
    Forecaster.Model model = null;
    int fittedFrom = 0;
    double[] lateSeries = Arrays.stream(late).asDoubleStream().toArray();
    Outcome o = new Outcome();
    long onHand = 0;
    for (int t = history; t < item.days(); t++) {
      ItemEconomics e = item.economics()[t];
      Forecast lateForecast = null;
      if (way == 2) {
        if (model == null || (t - history) % 7 == 0) {
          fittedFrom = Math.max(0, t - history);
          model = forecaster.model(Arrays.copyOfRange(lateSeries, fittedFrom, t));
        }
        lateForecast = model.forecast(Arrays.copyOfRange(lateSeries, fittedFrom, t), 1, 0.8);
      }
      PurchaseBySales.Line line =
          PurchaseBySales.plan(
              confirmed[t],
              lateForecast,
              e.criticalRatio(),
              way == 0 ? 0 : e.spoilage(),
              onHand,
              0);
      long bought = line.quantity();
      long lostInHandling = binomial(bought, e.spoilage(), handling);
      long usable = onHand + bought - lostInHandling;
      long toConfirmed = Math.min(usable, confirmed[t]);
      long toLate = Math.min(usable - toConfirmed, late[t]);
      long left = usable - toConfirmed - toLate;
      long spoiled = Math.round(left * e.spoilage());
      o.confirmed += confirmed[t];
      o.confirmedShort += confirmed[t] - toConfirmed;
      o.late += late[t];
      o.lateLost += late[t] - toLate;
      o.bought += bought;
      o.wasted += lostInHandling + spoiled;
      o.spoiledCost += (lostInHandling + spoiled) * e.cost();
      o.lostMargin += (confirmed[t] - toConfirmed + late[t] - toLate) * e.underage();
      o.holding += left * e.holding();
      onHand = left - spoiled;
    }
    return o;
  }

  /** Units of {@code n} lost at rate {@code p} (a normal approximation, within 0..n). */
  static long binomial(long n, double p, SplittableRandom r) {
    if (n == 0 || p == 0) return 0;
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    return Math.max(0, Math.min(n, Math.round(mean + sd * Market.gaussian(r))));
  }
}
