package io.groupbuy.planning;

/**
 * An item's daily sales so far (index 0 the first day of the record) and the days it sold out: on
 * those days the sales are only a floor of the demand, which a forecast must not take for the
 * demand itself.
 */
public record SalesHistory(double[] sales, boolean[] soldOut) {
  public SalesHistory {
    if (sales.length != soldOut.length)
      throw new IllegalArgumentException("sales and soldOut differ in length");
  }
}
