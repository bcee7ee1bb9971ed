package io.groupbuy.planning;

/**
 * An item's daily sales so far (index 0 the first day of the record) and the days it sold out: on
 * those days the sales are only a floor of the demand, which a forecast must not take for the
 * demand itself. Where known, the shelf {@code price} of each day (set before the day, so known for
 * the day being ordered for) and a competitor's price seen on each closed day; null when unknown.
 */
public record SalesHistory(double[] sales, boolean[] soldOut, double[] price, double[] competitor) {
  public SalesHistory {
    if (sales.length != soldOut.length)
      throw new IllegalArgumentException("sales and soldOut differ in length");
    if ((price != null && price.length != sales.length)
        || (competitor != null && competitor.length != sales.length))
      throw new IllegalArgumentException("prices and sales differ in length");
  }

  public SalesHistory(double[] sales, boolean[] soldOut) {
    this(sales, soldOut, null, null);
  }
}
