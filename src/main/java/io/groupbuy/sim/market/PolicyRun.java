package io.groupbuy.sim.market;

import io.groupbuy.planning.ItemEconomics;
import io.groupbuy.planning.ReplenishmentPolicy;
import io.groupbuy.planning.SalesHistory;

/**
 * One policy over one item's simulated days: each night it orders for the next day, the day's
 * demand is served from the stock (the rest is lost), and what is left spoils at the item's loss
 * rate overnight. Days before {@code firstDay} are history: their demand is what the policy sees as
 * sales, and nothing is counted.
 */
final class PolicyRun {
  /** What a policy came to over the counted days. */
  static final class Outcome {
    long demand;
    long sold;
    long lost;
    long bought;
    long spoiled;
    int days;
    int stockoutDays;
    double revenue;
    double purchase;
    double holding;
    double spoiledCost;
    double lostMargin;

    /** For a forecast policy: its one-day forecasts' absolute errors against the true mean. */
    double forecastError;

    double trueMean;

    /** The true standard deviations of the days' demand, summed as {@code trueMean} is. */
    double trueSd;

    /** For a price-response policy: its fits' elasticities' absolute errors, over fitted days. */
    double elasticityError;

    double trueElasticity;
    int elasticityDays;

    void add(Outcome o) {
      demand += o.demand;
      sold += o.sold;
      lost += o.lost;
      bought += o.bought;
      spoiled += o.spoiled;
      days += o.days;
      stockoutDays += o.stockoutDays;
      revenue += o.revenue;
      purchase += o.purchase;
      holding += o.holding;
      spoiledCost += o.spoiledCost;
      lostMargin += o.lostMargin;
      forecastError += o.forecastError;
      trueMean += o.trueMean;
      trueSd += o.trueSd;
      elasticityError += o.elasticityError;
      trueElasticity += o.trueElasticity;
      elasticityDays += o.elasticityDays;
    }

    double stockoutRate() {
      return demand == 0 ? 0 : lost / (double) demand;
    }

    double wasteShare() {
      return bought == 0 ? 0 : spoiled / (double) bought;
    }

    /** Holding, spoiled stock at cost and lost margin. */
    double totalCost() {
      return holding + spoiledCost + lostMargin;
    }

    double profit() {
      return revenue - purchase - holding;
    }
  }

  private PolicyRun() {}

  static Outcome run(Market.Item item, ReplenishmentPolicy policy, int firstDay) {
    double[] sales = new double[item.days()];
    boolean[] soldOut = new boolean[item.days()];
    double[] price = new double[item.days()];
    double[] competitor = new double[item.days()];
    for (int t = 0; t < firstDay; t++) {
      sales[t] = item.demand()[t];
      price[t] = item.economics()[t].price();
      competitor[t] = item.competitorPrice()[t];
    }
    SalesHistory history = new SalesHistory(sales, soldOut, price, competitor);
    Outcome o = new Outcome();
    long leftover = 0;
    for (int t = firstDay; t < item.days(); t++) {
      ItemEconomics e = item.economics()[t];
      // the shelf price is set before the day; the competitor's is seen during it
      price[t] = e.price();
      long order = Math.max(0, policy.order(t, leftover, history, e));
      competitor[t] = item.competitorPrice()[t];
      long stock = leftover + order;
      int demand = item.demand()[t];
      long sold = Math.min(stock, demand);
      long left = stock - sold;
      long spoiled = Math.round(left * e.spoilage());
      sales[t] = sold;
      soldOut[t] = demand > sold;
      o.days++;
      o.demand += demand;
      o.sold += sold;
      o.lost += demand - sold;
      if (demand > sold) o.stockoutDays++;
      o.bought += order;
      o.spoiled += spoiled;
      o.revenue += sold * e.price();
      o.purchase += order * e.cost();
      o.holding += left * e.holding();
      o.spoiledCost += spoiled * e.cost();
      o.lostMargin += (demand - sold) * e.underage();
      leftover = left - spoiled;
    }
    return o;
  }
}
