package io.groupbuy.inventory;

import io.groupbuy.inventory.ProductInventory.Bounds;
import io.groupbuy.inventory.ProductInventory.BoundsSet;
import io.groupbuy.inventory.ProductInventory.DayReviewed;
import io.groupbuy.inventory.ProductInventory.Event;
import io.groupbuy.inventory.ProductInventory.Price;
import io.groupbuy.inventory.ProductInventory.PriceSet;
import io.groupbuy.inventory.ProductInventory.PromotionSuggested;
import io.groupbuy.inventory.ProductInventory.ReplenishmentRequested;
import io.groupbuy.inventory.ProductInventory.ReservationCommitted;
import io.groupbuy.inventory.ProductInventory.ReservationReleased;
import io.groupbuy.inventory.ProductInventory.Review;
import io.groupbuy.inventory.ProductInventory.StockReceived;
import io.groupbuy.inventory.ProductInventory.StockReserved;
import io.groupbuy.platform.ProtoPersisted;
import java.util.Map;
import java.util.Set;
import org.pcollections.OrderedPMap;
import org.pcollections.OrderedPSet;

/**
 * The state of a {@link ProductInventory}: one SKU's stock in one warehouse, as its events left it.
 * Immutable, on persistent collections, so an event costs O(log n) however many reservations are
 * open. {@code reservedTotal} is the sum of {@code reserved}, kept with it. {@code receipts} and
 * {@code closedOrders} are bounded memories of settled ids in insertion order, oldest dropped
 * first; {@code closedOrders} maps an order id to its outcome, "released" or "committed".
 */
public record StockState(
    long received,
    long committedTotal,
    Map<String, Integer> reserved,
    int reservedTotal,
    Map<String, String> closedOrders,
    Set<String> receipts,
    Bounds bounds,
    String openReplenishmentId,
    int openReplenishmentQuantity,
    long replenishmentCounter,
    Price price,
    Review review)
    implements ProtoPersisted {
  public static final StockState EMPTY =
      of(0, 0, Map.of(), Map.of(), Set.of(), Bounds.NONE, "", 0, 0, Price.NONE, Review.NONE);

  public StockState {
    reserved = reserved instanceof OrderedPMap<String, Integer> p ? p : OrderedPMap.from(reserved);
    closedOrders =
        closedOrders instanceof OrderedPMap<String, String> p ? p : OrderedPMap.from(closedOrders);
    receipts = receipts instanceof OrderedPSet<String> p ? p : OrderedPSet.from(receipts);
  }

  /** A state from its collections (snapshots, tests): computes the reserved total. */
  public static StockState of(
      long received,
      long committedTotal,
      Map<String, Integer> reserved,
      Map<String, String> closedOrders,
      Set<String> receipts,
      Bounds bounds,
      String openReplenishmentId,
      int openReplenishmentQuantity,
      long replenishmentCounter,
      Price price,
      Review review) {
    int total = reserved.values().stream().mapToInt(Integer::intValue).sum();
    return new StockState(
        received,
        committedTotal,
        reserved,
        total,
        closedOrders,
        receipts,
        bounds,
        openReplenishmentId,
        openReplenishmentQuantity,
        replenishmentCounter,
        price,
        review);
  }

  public int onHand() {
    return (int) (received - committedTotal);
  }

  public int available() {
    return onHand() - reservedTotal;
  }

  StockState apply(Event event) {
    if (event instanceof StockReceived e) {
      return new StockState(
          received + e.quantity(),
          committedTotal,
          reserved,
          reservedTotal,
          closedOrders,
          remember(receipts, e.receiptId()),
          bounds,
          "",
          0,
          replenishmentCounter,
          price.withList(e.listPriceFen()),
          review);
    } else if (event instanceof StockReserved e) {
      Integer before = reserved.get(e.orderId());
      return new StockState(
          received,
          committedTotal,
          pmap(reserved).plus(e.orderId(), e.quantity()),
          reservedTotal - (before == null ? 0 : before) + e.quantity(),
          closedOrders,
          receipts,
          bounds,
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter,
          price,
          review);
    } else if (event instanceof ReservationReleased e) {
      return new StockState(
          received,
          committedTotal,
          pmap(reserved).minus(e.orderId()),
          reservedTotal - reserved.getOrDefault(e.orderId(), 0),
          close(closedOrders, e.orderId(), "released"),
          receipts,
          bounds,
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter,
          price,
          review);
    } else if (event instanceof ReservationCommitted e) {
      return new StockState(
          received,
          committedTotal + e.quantity(),
          pmap(reserved).minus(e.orderId()),
          reservedTotal - reserved.getOrDefault(e.orderId(), 0),
          close(closedOrders, e.orderId(), "committed"),
          receipts,
          bounds,
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter,
          price,
          review);
    } else if (event instanceof BoundsSet e) {
      return new StockState(
          received,
          committedTotal,
          reserved,
          reservedTotal,
          closedOrders,
          receipts,
          new Bounds(e.minStock(), e.maxStock(), e.reorderPoint()),
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter,
          price,
          review);
    } else if (event instanceof ReplenishmentRequested e) {
      return new StockState(
          received,
          committedTotal,
          reserved,
          reservedTotal,
          closedOrders,
          receipts,
          bounds,
          e.requestId(),
          e.quantity(),
          replenishmentCounter + 1,
          price,
          review);
    } else if (event instanceof PriceSet e) {
      return new StockState(
          received,
          committedTotal,
          reserved,
          reservedTotal,
          closedOrders,
          receipts,
          bounds,
          openReplenishmentId,
          openReplenishmentQuantity,
          replenishmentCounter,
          price.set(e.changeId(), e.priceFen()),
          review);
    }
    if (event instanceof DayReviewed e)
      return withReview(review.reviewed(e.day(), e.sold(), e.ahead()));
    if (event instanceof PromotionSuggested e)
      return withReview(review.promoted(e.day(), e.validUntil(), e.discountPercent()));
    throw new IllegalArgumentException("unknown event " + event);
  }

  private StockState withReview(Review next) {
    return new StockState(
        received,
        committedTotal,
        reserved,
        reservedTotal,
        closedOrders,
        receipts,
        bounds,
        openReplenishmentId,
        openReplenishmentQuantity,
        replenishmentCounter,
        price,
        next);
  }

  @SuppressWarnings("unchecked")
  private static <K, V> OrderedPMap<K, V> pmap(Map<K, V> m) {
    return (OrderedPMap<K, V>) m; // the compact constructor guarantees it
  }

  private static Map<String, String> close(Map<String, String> m, String id, String outcome) {
    OrderedPMap<String, String> next = pmap(m).minus(id).plus(id, outcome);
    while (next.size() > ProductInventory.ID_MEMORY)
      next = next.minus(next.keySet().iterator().next());
    return next;
  }

  private static Set<String> remember(Set<String> s, String id) {
    OrderedPSet<String> next = ((OrderedPSet<String>) s).plus(id);
    while (next.size() > ProductInventory.ID_MEMORY) next = next.minus(next.iterator().next());
    return next;
  }
}
