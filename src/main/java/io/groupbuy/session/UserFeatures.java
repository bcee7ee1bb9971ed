package io.groupbuy.session;

import com.typesafe.config.Config;
import io.groupbuy.session.BehaviourEvent.Action;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One user's live features, updated on every cleaned event and every confirmed order, as plain
 * code: the session owns one and asks it for {@link Features} and its {@link Segment}. Bounded:
 * orders of the last {@code window}, at most {@code maxOrders} of them; category affinities for at
 * most {@code maxCategories} categories; at most {@code maxSkus} SKUs remembered for repurchase and
 * open carts.
 */
public final class UserFeatures {

  public record Settings(
      Duration window,
      int maxOrders,
      Duration affinityHalfLife,
      int maxCategories,
      int maxSkus,
      Duration cartAbandonedAfter) {
    public Settings {
      if (window.isNegative() || window.isZero())
        throw new IllegalArgumentException("user features: window must be > 0");
      if (maxOrders < 1 || maxCategories < 1 || maxSkus < 1)
        throw new IllegalArgumentException(
            "user features: max-orders, max-categories and max-skus must be >= 1");
      if (affinityHalfLife.isNegative() || affinityHalfLife.isZero())
        throw new IllegalArgumentException("user features: affinity-half-life must be > 0");
    }

    /** From {@code groupbuy.session.features}. */
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("window"),
          c.getInt("max-orders"),
          c.getDuration("affinity-half-life"),
          c.getInt("max-categories"),
          c.getInt("max-skus"),
          c.getDuration("cart-abandoned-after"));
    }
  }

  /** One line of a confirmed order: what the features learn from it. */
  public record OrderLine(String sku, String category, int quantity, long amountFen) {}

  /**
   * The features at one moment. Recency: days since the last order (-1 if none); frequency and
   * monetary: orders and spend within the window; rates in [0, 1], 0 when nothing to count yet.
   * {@code categoryAffinity}: the categories' decayed interest, summing to 1, highest first.
   */
  public record Features(
      long firstSeenMs,
      long lastActiveMs,
      double recencyDays,
      int frequency,
      long monetaryFen,
      int ordersEver,
      Map<String, Double> categoryAffinity,
      double cartAbandonmentRate,
      double couponUseRate,
      double repurchaseRate,
      double averageDiscountRate) {}

  record PlacedOrder(long tsMs, long subtotalFen, long discountFen) {}

  /** How much each action says about interest in a category. */
  private static double weight(Action a) {
    return switch (a) {
      case VIEW -> 1;
      case CLICK -> 2;
      case CART -> 4;
      case ORDER -> 8;
      case UNCART, COUPON_USE -> 0;
    };
  }

  // package-private for SessionProtobuf, which writes and reads them for snapshots
  final Settings settings;
  long firstSeenMs = -1;
  long lastActiveMs = -1;
  long lastOrderMs = -1;
  int ordersEver;
  final Deque<PlacedOrder> orders = new ArrayDeque<>();
  // decayed interest, each as of affinityAtMs
  final Map<String, Double> affinity = new LinkedHashMap<>();
  long affinityAtMs = -1;
  final LinkedHashMap<String, Long> openCarts = new LinkedHashMap<>();
  long cartsConverted;
  long cartsAbandoned;
  final LinkedHashSet<String> boughtSkus = new LinkedHashSet<>();
  long linesBought;
  long linesRebought;
  long ordersWithDiscount;
  double discountRateSum;

  public UserFeatures(Settings settings) {
    this.settings = settings;
  }

  /** Features in the same state, changed apart from these from now on. */
  public UserFeatures copy() {
    return copy(settings);
  }

  /** As {@link #copy()}, under other settings. */
  public UserFeatures copy(Settings settings) {
    UserFeatures c = new UserFeatures(settings);
    c.firstSeenMs = firstSeenMs;
    c.lastActiveMs = lastActiveMs;
    c.lastOrderMs = lastOrderMs;
    c.ordersEver = ordersEver;
    c.orders.addAll(orders);
    c.affinity.putAll(affinity);
    c.affinityAtMs = affinityAtMs;
    c.openCarts.putAll(openCarts);
    c.cartsConverted = cartsConverted;
    c.cartsAbandoned = cartsAbandoned;
    c.boughtSkus.addAll(boughtSkus);
    c.linesBought = linesBought;
    c.linesRebought = linesRebought;
    c.ordersWithDiscount = ordersWithDiscount;
    c.discountRateSum = discountRateSum;
    return c;
  }

  /** A cleaned behaviour event; {@code category} of its SKU, or {@code null}. */
  public void onEvent(BehaviourEvent e, String category, int clicks) {
    seen(e.tsMs());
    if (category != null) interest(category, weight(e.action()) * Math.max(1, clicks), e.tsMs());
    if (e.sku() == null) return;
    if (e.action() == Action.CART && e.tsMs() <= lastOrderMs && boughtSkus.contains(e.sku())) {
      // put in the cart before an order that bought it: the cart came out of the cleaner late
      cartsConverted++;
    } else if (e.action() == Action.CART) {
      openCarts.remove(e.sku());
      openCarts.put(e.sku(), e.tsMs());
      while (openCarts.size() > settings.maxSkus()) {
        openCarts.remove(openCarts.keySet().iterator().next());
        cartsAbandoned++;
      }
    } else if (e.action() == Action.UNCART) {
      if (openCarts.remove(e.sku()) != null) cartsAbandoned++;
    }
  }

  /** A confirmed order: its lines with their amounts, and the discount it took (fen). */
  public void onOrder(long tsMs, List<OrderLine> lines, long discountFen) {
    onOrder(tsMs, lines, lines.stream().mapToLong(OrderLine::amountFen).sum(), discountFen);
  }

  /** A confirmed order whose subtotal is known as a whole (its lines' amounts may be 0). */
  public void onOrder(long tsMs, List<OrderLine> lines, long subtotal, long discountFen) {
    seen(tsMs);
    lastOrderMs = Math.max(lastOrderMs, tsMs);
    ordersEver++;
    orders.addLast(new PlacedOrder(tsMs, subtotal, discountFen));
    while (orders.size() > settings.maxOrders()) orders.removeFirst();
    if (discountFen > 0) ordersWithDiscount++;
    if (subtotal > 0) discountRateSum += Math.min(1.0, discountFen / (double) subtotal);
    for (OrderLine line : lines) {
      if (line.category() != null) interest(line.category(), weight(Action.ORDER), tsMs);
      if (openCarts.remove(line.sku()) != null) cartsConverted++;
      linesBought++;
      if (!boughtSkus.add(line.sku())) {
        linesRebought++;
        boughtSkus.remove(line.sku()); // most recent last, so the oldest are forgotten first
        boughtSkus.add(line.sku());
      }
      if (boughtSkus.size() > settings.maxSkus()) {
        Iterator<String> oldest = boughtSkus.iterator();
        oldest.next();
        oldest.remove();
      }
    }
  }

  /** The SKUs in the cart, oldest first (as of the last {@link #features} call). */
  public List<String> openCarts() {
    return List.copyOf(openCarts.keySet());
  }

  /** The features as of {@code nowMs}; carts older than the abandonment delay count abandoned. */
  public Features features(long nowMs) {
    long abandonedBefore = nowMs - settings.cartAbandonedAfter().toMillis();
    Iterator<Map.Entry<String, Long>> carts = openCarts.entrySet().iterator();
    while (carts.hasNext()) {
      if (carts.next().getValue() < abandonedBefore) {
        carts.remove();
        cartsAbandoned++;
      }
    }
    long windowStart = nowMs - settings.window().toMillis();
    while (!orders.isEmpty() && orders.peekFirst().tsMs() < windowStart) orders.removeFirst();
    long spent =
        orders.stream().mapToLong(o -> Math.max(0, o.subtotalFen() - o.discountFen())).sum();
    return new Features(
        firstSeenMs,
        lastActiveMs,
        lastOrderMs < 0 ? -1 : (nowMs - lastOrderMs) / 86_400_000.0,
        orders.size(),
        spent,
        ordersEver,
        normalisedAffinity(nowMs),
        rate(cartsAbandoned, cartsAbandoned + cartsConverted),
        rate(ordersWithDiscount, ordersEver),
        rate(linesRebought, linesBought),
        ordersEver == 0 ? 0 : discountRateSum / ordersEver);
  }

  private void seen(long tsMs) {
    if (firstSeenMs < 0 || tsMs < firstSeenMs) firstSeenMs = tsMs;
    lastActiveMs = Math.max(lastActiveMs, tsMs);
  }

  private void interest(String category, double amount, long tsMs) {
    if (amount <= 0) return;
    decayTo(Math.max(tsMs, affinityAtMs));
    // an event older than the last one adds what is left of it by now
    double factor = Math.pow(0.5, (affinityAtMs - tsMs) / (double) halfLifeMs());
    affinity.merge(category, amount * factor, Double::sum);
    if (affinity.size() > settings.maxCategories()) {
      affinity.entrySet().stream()
          .min(
              Map.Entry.<String, Double>comparingByValue()
                  .thenComparing(Map.Entry.comparingByKey()))
          .map(Map.Entry::getKey)
          .ifPresent(affinity::remove);
    }
  }

  private void decayTo(long tsMs) {
    if (affinityAtMs >= 0 && tsMs > affinityAtMs) {
      double factor = Math.pow(0.5, (tsMs - affinityAtMs) / (double) halfLifeMs());
      affinity.replaceAll((c, v) -> v * factor);
    }
    affinityAtMs = Math.max(affinityAtMs, tsMs);
  }

  private long halfLifeMs() {
    return settings.affinityHalfLife().toMillis();
  }

  private Map<String, Double> normalisedAffinity(long nowMs) {
    decayTo(nowMs);
    double total = affinity.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> out = new LinkedHashMap<>();
    if (total <= 0) return out;
    affinity.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> out.put(e.getKey(), e.getValue() / total));
    return out;
  }

  private static double rate(long part, long whole) {
    return whole == 0 ? 0 : part / (double) whole;
  }
}
