package io.groupbuy.planning;

/**
 * What a unit of an item costs and earns on a day: bought at {@code cost}, sold at {@code price},
 * {@code holding} per unit left over a night, and the share {@code spoilage} of what is left
 * overnight that perishes (the item's loss rate).
 */
public record ItemEconomics(double cost, double price, double holding, double spoilage) {
  public ItemEconomics {
    if (!(cost > 0) || !(price > 0) || holding < 0 || spoilage < 0 || spoilage >= 1)
      throw new IllegalArgumentException(
          "cost and price must be > 0, holding >= 0, spoilage in [0, 1)");
  }

  /** Margin lost on a unit not sold for want of stock. */
  public double underage() {
    return Math.max(0, price - cost);
  }

  /**
   * What a unit left over costs until the next day: its night's holding and the share of its cost
   * that spoils.
   */
  public double overage() {
    return holding + spoilage * cost;
  }

  /**
   * The newsvendor's critical ratio underage / (underage + overage): the probability of not running
   * out that balances a lost margin against a unit carried over.
   */
  public double criticalRatio() {
    double u = underage();
    double o = overage();
    return u + o == 0 ? 0.5 : u / (u + o);
  }
}
