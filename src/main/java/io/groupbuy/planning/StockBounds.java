package io.groupbuy.planning;

/**
 * An item's stock bounds for daily review with next-morning delivery: below {@code reorderPoint}
 * (units left after the night) order up to {@code orderUpTo}; {@code minimum} is the safety stock
 * that should never be crossed and {@code maximum} what freshness allows on the shelf.
 */
public record StockBounds(long minimum, long reorderPoint, long orderUpTo, long maximum) {
  public StockBounds {
    if (minimum < 0 || reorderPoint < minimum || orderUpTo < reorderPoint || maximum < orderUpTo)
      throw new IllegalArgumentException(
          "bounds must satisfy 0 <= minimum <= reorderPoint <= orderUpTo <= maximum");
  }

  /** Units to order when {@code leftover} is what remains after the night. */
  public long orderFor(long leftover) {
    return leftover < reorderPoint ? Math.max(0, orderUpTo - leftover) : 0;
  }
}
