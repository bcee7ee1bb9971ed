package io.groupbuy.planning;

/**
 * The optimal ordering policy, by backward dynamic programming, for an item whose daily demand
 * distribution is known: each night the stock for the next day is brought up to a level y, the
 * day's demand D is served from it (unmet demand is lost, costing the margin u_t), what is left is
 * held overnight (h_t a unit) and loses the spoilage share s (rounded; the spoiled units cost c_t
 * each). The value of day t with x left over is
 *
 * <pre>
 * V_t(x) = min over y >= x of E[ h_t L + c_t round(s L) + u_t (D − y)⁺ + V_(t+1)(L − round(s L)) ]
 * </pre>
 *
 * with L = (y − D)⁺: the expected total of holding, spoilage and lost margin, the cost the policies
 * are compared on. The minimum over y >= x is a suffix minimum: O(levels × demand) a day.
 */
public final class PerishableDp {
  private final int[][] target;
  private final double expectedCost;

  private PerishableDp(int[][] target, double expectedCost) {
    this.target = target;
    this.expectedCost = expectedCost;
  }

  /**
   * Solves for days 0..n−1: {@code demand[t]} the distribution of day t's demand (probabilities of
   * 0, 1, …), {@code economics[t]} its costs; stock levels up to {@code maxLevel}.
   */
  public static PerishableDp solve(double[][] demand, ItemEconomics[] economics, int maxLevel) {
    int days = demand.length;
    if (economics.length != days) throw new IllegalArgumentException("one economics per day");
    int levels = maxLevel + 1;
    int[][] target = new int[days][levels];
    double[] next = new double[levels]; // V_(t+1), zero after the last day
    double[] g = new double[levels];
    for (int t = days - 1; t >= 0; t--) {
      ItemEconomics e = economics[t];
      double[] pmf = demand[t];
      int[] after = new int[levels];
      for (int l = 0; l < levels; l++) after[l] = l - (int) Math.round(l * e.spoilage());
      double[] stay = new double[levels]; // the cost of L left over tonight, tomorrow included
      for (int l = 0; l < levels; l++)
        stay[l] = e.holding() * l + e.cost() * (l - after[l]) + next[after[l]];
      for (int y = 0; y < levels; y++) {
        double expected = 0;
        double tail = 1;
        for (int d = 0; d < pmf.length && d < y; d++) {
          expected += pmf[d] * stay[y - d];
          tail -= pmf[d];
        }
        // demand of y or more: nothing left, and what exceeds y is lost
        double lost = 0;
        for (int d = y + 1; d < pmf.length; d++) lost += pmf[d] * (d - y);
        expected += Math.max(0, tail) * next[0] + e.underage() * lost;
        g[y] = expected;
      }
      double[] value = new double[levels];
      int best = levels - 1;
      for (int x = levels - 1; x >= 0; x--) {
        if (g[x] <= g[best]) best = x;
        target[t][x] = best;
        value[x] = g[best];
      }
      next = value;
    }
    return new PerishableDp(target, next[0]);
  }

  /** The level to order up to on {@code day} with {@code leftover} on hand. */
  public int targetLevel(int day, long leftover) {
    int[] row = target[day];
    return row[(int) Math.min(leftover, row.length - 1)];
  }

  /** Expected total cost over the days from an empty start under the optimal policy. */
  public double expectedCost() {
    return expectedCost;
  }

  /**
   * Negative binomial probabilities of 0, 1, … for a mean and a shape (variance mean +
   * mean²/shape), cut where the tail falls under 1e-9, the tail's mass added to the last.
   */
  public static double[] negativeBinomial(double mean, double shape) {
    if (mean <= 0) return new double[] {1};
    double p0 = Math.exp(shape * Math.log(shape / (shape + mean)));
    java.util.List<Double> probabilities = new java.util.ArrayList<>();
    double p = p0;
    double cumulative = 0;
    for (int d = 0; ; d++) {
      probabilities.add(p);
      cumulative += p;
      if (1 - cumulative < 1e-9 && d > mean) break;
      p = p * (d + shape) / (d + 1) * mean / (shape + mean);
    }
    double[] out = new double[probabilities.size()];
    for (int i = 0; i < out.length; i++) out[i] = probabilities.get(i);
    out[out.length - 1] += Math.max(0, 1 - cumulative);
    return out;
  }

  /** As a policy for a simulation over the same days (day 0 = the first day solved). */
  public ReplenishmentPolicy policy(int firstDay) {
    return new ReplenishmentPolicy() {
      @Override
      public String name() {
        return "DP optimum";
      }

      @Override
      public long order(int day, long leftover, SalesHistory sales, ItemEconomics economics) {
        return Math.max(0, targetLevel(day - firstDay, leftover) - leftover);
      }
    };
  }
}
