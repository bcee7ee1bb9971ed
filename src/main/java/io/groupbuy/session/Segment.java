package io.groupbuy.session;

import com.typesafe.config.Config;
import io.groupbuy.session.UserFeatures.Features;
import java.time.Duration;

/**
 * The one segment a user is in, for targeting (a coupon for price-sensitive users, a member price
 * for loyal ones). Checked in this order, the first that holds wins: dormant, new, loyal,
 * price-sensitive, else regular.
 */
public enum Segment {
  /** Bought before, but nothing for {@code dormantAfter}. */
  DORMANT,
  /** First seen within {@code newFor}, and at most {@code newMaxOrders} orders; or not seen yet. */
  NEW,
  /** At least {@code loyalOrders} orders within the features' window, and rebuys. */
  LOYAL,
  /** Takes discounts: a high share of orders with a coupon, or a high average discount. */
  PRICE_SENSITIVE,
  REGULAR;

  /** The thresholds, from {@code groupbuy.session.segments}. */
  public record Thresholds(
      Duration dormantAfter,
      Duration newFor,
      int newMaxOrders,
      int loyalOrders,
      double loyalRepurchaseRate,
      double priceSensitiveCouponRate,
      double priceSensitiveDiscountRate) {
    /** From {@code groupbuy.session.segments}. */
    public static Thresholds fromConfig(Config c) {
      return new Thresholds(
          c.getDuration("dormant-after"),
          c.getDuration("new-for"),
          c.getInt("new-max-orders"),
          c.getInt("loyal-orders"),
          c.getDouble("loyal-repurchase-rate"),
          c.getDouble("price-sensitive-coupon-rate"),
          c.getDouble("price-sensitive-discount-rate"));
    }
  }

  public static Segment of(Features f, long nowMs, Thresholds t) {
    if (f.ordersEver() > 0 && f.recencyDays() * 86_400_000L >= t.dormantAfter().toMillis())
      return DORMANT;
    // nothing out of the cleaner yet (its first events are still held): new as well
    if (f.firstSeenMs() < 0
        || (nowMs - f.firstSeenMs() < t.newFor().toMillis() && f.ordersEver() <= t.newMaxOrders()))
      return NEW;
    if (f.frequency() >= t.loyalOrders() && f.repurchaseRate() >= t.loyalRepurchaseRate())
      return LOYAL;
    if (f.ordersEver() > 0
        && (f.couponUseRate() >= t.priceSensitiveCouponRate()
            || f.averageDiscountRate() >= t.priceSensitiveDiscountRate())) return PRICE_SENSITIVE;
    return REGULAR;
  }
}
