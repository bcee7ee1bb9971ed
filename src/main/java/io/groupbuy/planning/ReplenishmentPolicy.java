package io.groupbuy.planning;

/**
 * How much of an item to order each night for the next day (delivered before the day's sales),
 * knowing what is left after the night and the item's sales so far.
 */
public interface ReplenishmentPolicy {
  String name();

  /**
   * Units to order tonight for {@code day}: {@code leftover} is what remains after spoilage, {@code
   * sales} the units sold on each day before {@code day} (index 0 the first day of the record),
   * {@code economics} what the item costs and earns on {@code day}.
   */
  long order(int day, long leftover, SalesHistory sales, ItemEconomics economics);
}
