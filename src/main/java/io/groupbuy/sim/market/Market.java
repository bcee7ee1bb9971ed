package io.groupbuy.sim.market;

import io.groupbuy.forecast.PriceSeries;
import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.PerishableDp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded market for fresh items at one warehouse: customers at pickup points, in segments with
 * their own price elasticities per category, buy each item at a daily rate with a weekly pattern
 * and a trend; the selling price follows the item's real wholesale cost (CUMCM) at a markup, and a
 * competitor's price wanders around it, which price-sensitive customers compare against. Daily
 * demand is negative binomial around the resulting mean. The ground truth (elasticities, means) is
 * here for scoring estimators; the policies only see what was sold.
 */
public final class Market {
  /** A customer segment: its share of customers and its price elasticity by category. */
  public record Segment(String name, double share, Map<String, Double> elasticity) {}

  /** One item's truth over the simulated days. */
  public record Item(
      String code,
      String category,
      double lossRate,
      double[] meanDemand,
      double shape,
      int[] demand,
      ItemEconomics[] economics,
      double[] competitorPrice,
      double[] weekly,
      double trendPerDay) {
    public int days() {
      return demand.length;
    }

    /** The demand distribution of {@code day} as the simulator draws it. */
    public double[] distribution(int day) {
      return PerishableDp.negativeBinomial(meanDemand[day], shape);
    }
  }

  /** How the market is laid out. */
  public record Settings(
      int pickupPoints,
      int minCustomers,
      int maxCustomers,
      double markup,
      double unitKg,
      double holdingShare,
      double dispersionShape,
      double competitorVolatility) {
    public static Settings defaults() {
      return new Settings(6, 100, 300, 1.35, 0.5, 0.02, 8.0, 0.02);
    }
  }

  private Market() {}

  /**
   * {@code count} items from the price series that have a price on at least half of the last {@code
   * days} days, spread over the range of loss rates; each item's market drawn from {@code seed}.
   */
  public static List<Item> simulate(
      List<PriceSeries.Item> prices,
      Map<String, Double> lossRates,
      int count,
      int days,
      long seed,
      Settings settings) {
    List<PriceSeries.Item> usable = new ArrayList<>();
    for (PriceSeries.Item p : prices) {
      int n = p.price().length;
      if (n < days || !lossRates.containsKey(p.code())) continue;
      int observed = 0;
      for (int t = n - days; t < n; t++) if (p.observed()[t]) observed++;
      if (observed * 2 >= days) usable.add(p);
    }
    if (usable.size() < count)
      throw new IllegalArgumentException(
          "only " + usable.size() + " items have prices on half of the last " + days + " days");
    usable.sort(
        Comparator.comparingDouble((PriceSeries.Item p) -> lossRates.get(p.code()))
            .thenComparing(PriceSeries.Item::code));
    SplittableRandom r = new SplittableRandom(seed);
    List<Segment> segments = segments(usable, r);
    int customers = 0;
    for (int k = 0; k < settings.pickupPoints(); k++)
      customers +=
          settings.minCustomers()
              + r.nextInt(settings.maxCustomers() - settings.minCustomers() + 1);
    // spread over the distinct loss rates first, then fill with the items between them
    List<PriceSeries.Item> picked = new ArrayList<>();
    List<Double> rates = usable.stream().map(p -> lossRates.get(p.code())).distinct().toList();
    int distinct = Math.min(count, rates.size());
    for (int i = 0; i < distinct; i++) {
      double rate =
          rates.get((int) Math.round(i * (rates.size() - 1) / (double) Math.max(1, distinct - 1)));
      usable.stream()
          .filter(p -> lossRates.get(p.code()) == rate)
          .findFirst()
          .ifPresent(picked::add);
    }
    for (PriceSeries.Item p : usable)
      if (picked.size() < count && !picked.contains(p)) picked.add(p);
    List<Item> items = new ArrayList<>();
    for (PriceSeries.Item p : picked)
      items.add(item(p, lossRates.get(p.code()), customers, segments, days, r.split(), settings));
    return items;
  }

  /** Three segments; elasticities per category drawn around each segment's typical value. */
  private static List<Segment> segments(List<PriceSeries.Item> items, SplittableRandom r) {
    List<String> categories =
        items.stream().map(PriceSeries.Item::category).distinct().sorted().toList();
    String[] names = {"price-sensitive", "regular", "loyal"};
    double[] shares = {0.35, 0.40, 0.25};
    double[] typical = {-2.5, -1.2, -0.5};
    List<Segment> out = new ArrayList<>();
    for (int s = 0; s < names.length; s++) {
      Map<String, Double> e = new java.util.TreeMap<>();
      for (String c : categories) e.put(c, typical[s] * (0.7 + 0.6 * r.nextDouble()));
      out.add(new Segment(names[s], shares[s], e));
    }
    return out;
  }

  private static Item item(
      PriceSeries.Item prices,
      double lossRatePct,
      int customers,
      List<Segment> segments,
      int days,
      SplittableRandom r,
      Settings settings) {
    int n = prices.price().length;
    double rate = 0.02 + 0.08 * r.nextDouble();
    double trend = -0.001 + 0.003 * r.nextDouble();
    double[] weekly = {0.90, 0.85, 0.90, 0.95, 1.10, 1.25, 1.15};
    double weeklyMean = 0;
    for (int k = 0; k < 7; k++) {
      weekly[k] *= 0.9 + 0.2 * r.nextDouble();
      weeklyMean += weekly[k] / 7;
    }
    for (int k = 0; k < 7; k++) weekly[k] /= weeklyMean;
    double[] cost = new double[days];
    double[] price = new double[days];
    double reference = 0;
    for (int t = 0; t < days; t++) {
      cost[t] = prices.price()[n - days + t] * settings.unitKg();
      reference += cost[t] * settings.markup() / days;
    }
    // shelf prices are sticky: the markup over the last two weeks' mean cost, within a third of
    // the item's usual price either way
    for (int t = 0; t < days; t++) {
      double recent = 0;
      int k = 0;
      for (int u = Math.max(0, t - 13); u <= t; u++, k++) recent += cost[u];
      double p = settings.markup() * recent / k;
      price[t] =
          Math.min(1.33 * reference, Math.max(0.75 * reference, Math.max(p, cost[t] * 1.02)));
    }
    double[] competitor = new double[days];
    double drift = 0;
    for (int t = 0; t < days; t++) {
      // a mean-reverting walk on the log scale around the reference price
      drift = 0.9 * drift + settings.competitorVolatility() * gaussian(r);
      competitor[t] = reference * Math.exp(drift);
    }
    double[] mean = new double[days];
    int[] demand = new int[days];
    ItemEconomics[] economics = new ItemEconomics[days];
    double loss = lossRatePct / 100;
    for (int t = 0; t < days; t++) {
      double response = 0;
      for (Segment s : segments) {
        double e = s.elasticity().get(prices.category());
        double own = Math.pow(price[t] / reference, e);
        double versus =
            s.name().equals("price-sensitive") ? Math.pow(price[t] / competitor[t], -1.0) : 1;
        response += s.share() * own * versus;
      }
      mean[t] = customers * rate * weekly[t % 7] * Math.pow(1 + trend, t) * response;
      demand[t] = negativeBinomialDraw(mean[t], settings.dispersionShape(), r);
      economics[t] = new ItemEconomics(cost[t], price[t], settings.holdingShare() * cost[t], loss);
    }
    return new Item(
        prices.code(),
        prices.category(),
        loss,
        mean,
        settings.dispersionShape(),
        demand,
        economics,
        competitor,
        weekly,
        trend);
  }

  /** A gamma-mixed Poisson draw: negative binomial with the given mean and shape. */
  static int negativeBinomialDraw(double mean, double shape, SplittableRandom r) {
    double lambda = gamma(shape, r) * mean / shape;
    // Poisson by inversion for small means, normal approximation for large ones
    if (lambda > 500)
      return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
    double l = Math.exp(-lambda);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }

  /** Marsaglia–Tsang gamma(shape, 1) draw, shape >= 1. */
  private static double gamma(double shape, SplittableRandom r) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = gaussian(r);
      double v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = r.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
