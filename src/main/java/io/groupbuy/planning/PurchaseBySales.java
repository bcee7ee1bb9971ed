package io.groupbuy.planning;

import io.groupbuy.forecast.Forecast;

/**
 * 以销定采, purchase by sales: at the cutoff the orders for the next delivery date are known, so the
 * purchase is what was sold, plus what is still expected after the cutoff, plus what will be lost
 * on the way to the customer, less the stock already there or on its way.
 */
public final class PurchaseBySales {
  private PurchaseBySales() {}

  /**
   * One SKU's purchase at a cutoff and how it was made up: units {@code confirmed} by orders, the
   * late orders expected after the cutoff ({@code lateExpected}, with {@code lateSafety} more for
   * their uncertainty), the share {@code lossRate} lost in handling made good ({@code
   * lossAllowance}), and {@code available} units on hand or on order set against it.
   */
  public record Line(
      long confirmed,
      long lateExpected,
      long lateSafety,
      long lossAllowance,
      long available,
      long quantity) {}

  /**
   * The purchase: {@code lateOrders} forecasts the units ordered after the cutoff for the same
   * delivery date (its first step; {@code null} to buy for the confirmed orders only), the safety
   * stock for them at {@code serviceLevel} from the forecast's own interval; {@code lossRate} of
   * what is bought is expected to be lost before the hand-out.
   */
  public static Line plan(
      long confirmed,
      Forecast lateOrders,
      double serviceLevel,
      double lossRate,
      long onHand,
      long onOrder) {
    if (confirmed < 0 || onHand < 0 || onOrder < 0)
      throw new IllegalArgumentException("quantities must be >= 0");
    if (lossRate < 0 || lossRate >= 1) throw new IllegalArgumentException("lossRate in [0, 1)");
    long late = 0;
    long safety = 0;
    if (lateOrders != null) {
      double mean = Math.max(0, lateOrders.at(1));
      double z80 = Forecast.normalQuantile(0.5 + lateOrders.level() / 2);
      double sd = Math.max(0, (lateOrders.upper()[0] - lateOrders.mean()[0]) / z80);
      late = Math.round(mean);
      // a margin of zero (a cost spike above the shelf price) asks for no safety stock at all
      double level = Math.min(0.999, Math.max(0.001, serviceLevel));
      safety = Math.max(0, Math.round(Forecast.normalQuantile(level) * sd));
    }
    long needed = confirmed + late + safety;
    long available = onHand + onOrder;
    long net = Math.max(0, needed - available);
    // buying q keeps q (1 - loss) on average: buy enough that what survives covers the need
    long gross = (long) Math.ceil(net / (1 - lossRate));
    return new Line(confirmed, late, safety, gross - net, available, gross);
  }
}
