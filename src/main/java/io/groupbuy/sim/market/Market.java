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
 * A seeded market for fresh items at one warehouse: the customers of each pickup point, in a mix of
 * segments of its own (a neighbourhood of bargain hunters, another of loyal members), with price
 * elasticities per segment and category, buy each item at a daily rate with a weekly pattern and a
 * trend; the selling price follows the item's real wholesale cost (CUMCM) at a markup, and a
 * competitor's price wanders around it, which price-sensitive customers compare against. Each
 * point's daily demand is negative binomial around its mean; the warehouse sells their sum. The
 * ground truth (elasticities, means, distributions) is here for scoring estimators; the policies
 * only see what was sold.
 */
public final class Market {
  /** A customer segment: its typical share of customers and its price elasticity by category. */
  public record Segment(String name, double share, Map<String, Double> elasticity) {}

  /** A pickup point: its customers and their shares of the segments, in the segments' order. */
  public record PickupPoint(int customers, double[] segmentShares) {}

  /**
   * One item's truth over the simulated days: per pickup point ({@code pointMean[k][t]}, {@code
   * pointDemand[k][t]}) and for the warehouse, their sums; {@code elasticity[t]}, the elasticity of
   * the warehouse's mean demand to the item's own price on day t, the competitor's held (each
   * segment's, weighted by its share of the day's demand).
   */
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
      double trendPerDay,
      double[][] pointMean,
      int[][] pointDemand,
      double[] elasticity) {
    public int days() {
      return demand.length;
    }

    /**
     * The distribution of the warehouse's demand on {@code day} as the simulator draws it: the sum
     * of the points' negative binomials.
     */
    public double[] distribution(int day) {
      double[] sum = {1};
      for (double[] point : pointMean) {
        double[] one = PerishableDp.negativeBinomial(point[day], shape);
        double[] next = new double[sum.length + one.length - 1];
        for (int a = 0; a < sum.length; a++)
          for (int b = 0; b < one.length; b++) next[a + b] += sum[a] * one[b];
        sum = next;
      }
      return sum;
    }

    /** The standard deviation of the warehouse's demand on {@code day}. */
    public double sd(int day) {
      double variance = 0;
      for (double[] point : pointMean) variance += point[day] + point[day] * point[day] / shape;
      return Math.sqrt(variance);
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
    List<PickupPoint> points = new ArrayList<>();
    for (int k = 0; k < settings.pickupPoints(); k++) {
      int customers =
          settings.minCustomers()
              + r.nextInt(settings.maxCustomers() - settings.minCustomers() + 1);
      // each point's mix: the typical shares, each scaled by 0.5 to 1.5, renormalised
      double[] shares = new double[segments.size()];
      double total = 0;
      for (int s = 0; s < shares.length; s++) {
        shares[s] = segments.get(s).share() * (0.5 + r.nextDouble());
        total += shares[s];
      }
      for (int s = 0; s < shares.length; s++) shares[s] /= total;
      points.add(new PickupPoint(customers, shares));
    }
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
      items.add(item(p, lossRates.get(p.code()), points, segments, days, r.split(), settings));
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
      List<PickupPoint> points,
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
    double[][] pointMean = new double[points.size()][days];
    int[][] pointDemand = new int[points.size()][days];
    ItemEconomics[] economics = new ItemEconomics[days];
    double loss = lossRatePct / 100;
    double[] bySegment = new double[segments.size()];
    double[] segmentElasticity = new double[segments.size()];
    double[] elasticity = new double[days];
    for (int t = 0; t < days; t++) {
      for (int s = 0; s < segments.size(); s++) {
        Segment segment = segments.get(s);
        double e = segment.elasticity().get(prices.category());
        boolean comparing = segment.name().equals("price-sensitive");
        bySegment[s] =
            Math.pow(price[t] / reference, e)
                * (comparing ? Math.pow(price[t] / competitor[t], -1.0) : 1);
        segmentElasticity[s] = e + (comparing ? -1.0 : 0);
      }
      double level = rate * weekly[t % 7] * Math.pow(1 + trend, t);
      for (int k = 0; k < points.size(); k++) {
        PickupPoint point = points.get(k);
        double response = 0;
        for (int s = 0; s < bySegment.length; s++) {
          double part = point.segmentShares()[s] * bySegment[s];
          response += part;
          // weighted by the segment's demand here: customers x level x part
          elasticity[t] += point.customers() * level * part * segmentElasticity[s];
        }
        pointMean[k][t] = point.customers() * level * response;
        pointDemand[k][t] = negativeBinomialDraw(pointMean[k][t], settings.dispersionShape(), r);
        mean[t] += pointMean[k][t];
        demand[t] += pointDemand[k][t];
      }
      elasticity[t] /= mean[t];
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
        trend,
        pointMean,
        pointDemand,
        elasticity);
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
