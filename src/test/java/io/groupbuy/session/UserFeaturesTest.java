package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.session.BehaviourEvent.Action;
import io.groupbuy.session.UserFeatures.Features;
import io.groupbuy.session.UserFeatures.OrderLine;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each feature from a short, hand-checked history; then the segment each history lands in. */
class UserFeaturesTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_780_000_000_000L;
  private static final UserFeatures.Settings SETTINGS =
      new UserFeatures.Settings(
          Duration.ofDays(90), 200, Duration.ofDays(14), 20, 500, Duration.ofDays(1));
  private static final Segment.Thresholds THRESHOLDS =
      new Segment.Thresholds(Duration.ofDays(30), Duration.ofDays(14), 1, 6, 0.3, 0.5, 0.15);

  private static BehaviourEvent event(long ts, Action action, String sku) {
    return new BehaviourEvent("e" + ts + action, "u1", ts, action, sku, null, null);
  }

  private static OrderLine line(String sku, String category, long amountFen) {
    return new OrderLine(sku, category, 1, amountFen);
  }

  @Test
  void recencyFrequencyAndMonetaryCountTheWindowOnly() {
    UserFeatures u = new UserFeatures(SETTINGS);
    u.onOrder(T0, List.of(line("a", "veg", 1000)), 0);
    u.onOrder(T0 + 100 * DAY, List.of(line("b", "veg", 2000)), 200);
    u.onOrder(T0 + 110 * DAY, List.of(line("c", "fruit", 500)), 0);
    Features f = u.features(T0 + 112 * DAY);
    assertEquals(2.0, f.recencyDays(), 1e-9);
    assertEquals(2, f.frequency(), "the first order is outside the 90-day window");
    assertEquals(1800 + 500, f.monetaryFen(), "spend net of discounts");
    assertEquals(3, f.ordersEver());
  }

  @Test
  void cartsOrderedAreConvertedAndCartsLeftOrRemovedAreAbandoned() {
    UserFeatures u = new UserFeatures(SETTINGS);
    u.onEvent(event(T0, Action.CART, "a"), "veg", 1);
    u.onEvent(event(T0 + 1, Action.CART, "b"), "veg", 1);
    u.onEvent(event(T0 + 2, Action.CART, "c"), "veg", 1);
    u.onEvent(event(T0 + 3, Action.UNCART, "c"), "veg", 1);
    u.onOrder(T0 + 10, List.of(line("a", "veg", 100)), 0);
    // b still open within a day: neither yet
    assertEquals(0.5, u.features(T0 + DAY / 2).cartAbandonmentRate(), 1e-9);
    // after a day b is abandoned too: 2 of 3
    assertEquals(2 / 3.0, u.features(T0 + 2 * DAY).cartAbandonmentRate(), 1e-9);
  }

  @Test
  void couponRepurchaseAndDiscountRates() {
    UserFeatures u = new UserFeatures(SETTINGS);
    u.onOrder(T0, List.of(line("a", "veg", 1000), line("b", "veg", 1000)), 500);
    u.onOrder(T0 + DAY, List.of(line("a", "veg", 1000)), 0);
    u.onOrder(T0 + 2 * DAY, List.of(line("a", "veg", 500), line("c", "veg", 500)), 0);
    Features f = u.features(T0 + 3 * DAY);
    assertEquals(1 / 3.0, f.couponUseRate(), 1e-9);
    assertEquals(2 / 5.0, f.repurchaseRate(), 1e-9, "a bought again twice, of five lines");
    assertEquals((0.25 + 0 + 0) / 3, f.averageDiscountRate(), 1e-9);
  }

  @Test
  void categoryAffinityFollowsRecentInterest() {
    UserFeatures u = new UserFeatures(SETTINGS);
    for (int i = 0; i < 10; i++) u.onEvent(event(T0 + i, Action.VIEW, "a"), "veg", 1);
    // four weeks later (two half-lives) one cart of fruit weighs 4 against 10 x 1/4
    u.onEvent(event(T0 + 28 * DAY, Action.CART, "f"), "fruit", 1);
    Features f = u.features(T0 + 28 * DAY);
    assertEquals(List.of("fruit", "veg"), List.copyOf(f.categoryAffinity().keySet()));
    assertEquals(4 / 6.5, f.categoryAffinity().get("fruit"), 1e-3);
    assertEquals(1.0, f.categoryAffinity().values().stream().mapToDouble(d -> d).sum(), 1e-9);
    // a merged burst of 8 clicks counts as 8 clicks' interest, not one
    UserFeatures b = new UserFeatures(SETTINGS);
    b.onEvent(event(T0, Action.CLICK, "x"), "meat", 8);
    b.onEvent(event(T0, Action.CART, "y"), "veg", 1);
    assertEquals(16 / 20.0, b.features(T0).categoryAffinity().get("meat"), 1e-9);
  }

  @Test
  void stateStaysBounded() {
    UserFeatures.Settings small =
        new UserFeatures.Settings(
            Duration.ofDays(90), 5, Duration.ofDays(14), 3, 10, Duration.ofDays(1));
    UserFeatures u = new UserFeatures(small);
    for (int i = 0; i < 100; i++) {
      u.onEvent(event(T0 + i, Action.CART, "s" + i), "c" + i, 1);
      u.onOrder(T0 + i, List.of(line("s" + i, "c" + i, 100)), 0);
    }
    Features f = u.features(T0 + 1000);
    assertTrue(f.categoryAffinity().size() <= 3, f.categoryAffinity().toString());
    assertEquals(5, f.frequency(), "at most max-orders kept");
    assertEquals(100, f.ordersEver());
  }

  @Test
  void theShippedConfigurationMakesValidSettings() {
    var session = com.typesafe.config.ConfigFactory.load().getConfig("groupbuy.session");
    BehaviourCleaner.Settings cleaning =
        BehaviourCleaner.Settings.fromConfig(session.getConfig("cleaning"));
    assertEquals(Duration.ofSeconds(2), cleaning.reorderWindow());
    assertEquals(
        Duration.ofDays(90),
        UserFeatures.Settings.fromConfig(session.getConfig("features")).window());
    assertEquals(6, Segment.Thresholds.fromConfig(session.getConfig("segments")).loyalOrders());
  }

  @Test
  void segmentsFollowTheFeatures() {
    // new: first seen 3 days ago, one order
    UserFeatures fresh = new UserFeatures(SETTINGS);
    fresh.onOrder(T0, List.of(line("a", "veg", 100)), 0);
    assertEquals(Segment.NEW, Segment.of(fresh.features(T0 + 3 * DAY), T0 + 3 * DAY, THRESHOLDS));

    // loyal: 8 orders in the window, mostly the same items
    UserFeatures loyal = new UserFeatures(SETTINGS);
    for (int i = 0; i < 8; i++)
      loyal.onOrder(T0 + i * 5 * DAY, List.of(line("milk", "dairy", 300)), 0);
    long now = T0 + 40 * DAY;
    assertEquals(Segment.LOYAL, Segment.of(loyal.features(now), now, THRESHOLDS));
    // dormant once 30 days pass without an order
    long later = T0 + 35 * DAY + 31 * DAY;
    assertEquals(Segment.DORMANT, Segment.of(loyal.features(later), later, THRESHOLDS));

    // price-sensitive: three orders, two with coupons
    UserFeatures hunter = new UserFeatures(SETTINGS);
    hunter.onOrder(T0, List.of(line("a", "veg", 1000)), 200);
    hunter.onOrder(T0 + 10 * DAY, List.of(line("b", "veg", 1000)), 0);
    hunter.onOrder(T0 + 20 * DAY, List.of(line("c", "veg", 1000)), 100);
    long t = T0 + 21 * DAY;
    assertEquals(Segment.PRICE_SENSITIVE, Segment.of(hunter.features(t), t, THRESHOLDS));

    // regular: two full-price orders, first seen long ago
    UserFeatures regular = new UserFeatures(SETTINGS);
    regular.onOrder(T0, List.of(line("a", "veg", 1000)), 0);
    regular.onOrder(T0 + 20 * DAY, List.of(line("b", "veg", 1000)), 0);
    assertEquals(Segment.REGULAR, Segment.of(regular.features(t), t, THRESHOLDS));
  }

  @Test
  void aCartThatComesOutAfterTheOrderThatBoughtItCountsConverted() {
    UserFeatures u = new UserFeatures(SETTINGS);
    u.onOrder(T0 + 10, List.of(line("a", "veg", 100)), 0);
    u.onEvent(event(T0, Action.CART, "a"), "veg", 1);
    assertEquals(List.of(), u.openCarts());
    assertEquals(0.0, u.features(T0 + 2 * DAY).cartAbandonmentRate(), 1e-9);
  }
}
