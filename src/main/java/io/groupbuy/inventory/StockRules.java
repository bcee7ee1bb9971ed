package io.groupbuy.inventory;

import io.groupbuy.inventory.ProductInventory.Bounds;
import io.groupbuy.inventory.ProductInventory.BoundsSet;
import io.groupbuy.inventory.ProductInventory.Commit;
import io.groupbuy.inventory.ProductInventory.DayReviewed;
import io.groupbuy.inventory.ProductInventory.Event;
import io.groupbuy.inventory.ProductInventory.PriceSet;
import io.groupbuy.inventory.ProductInventory.PriceSource;
import io.groupbuy.inventory.ProductInventory.PromotionSuggested;
import io.groupbuy.inventory.ProductInventory.ReceiveStock;
import io.groupbuy.inventory.ProductInventory.Release;
import io.groupbuy.inventory.ProductInventory.ReplenishmentRequested;
import io.groupbuy.inventory.ProductInventory.ReservationCommitted;
import io.groupbuy.inventory.ProductInventory.ReservationReleased;
import io.groupbuy.inventory.ProductInventory.Reserve;
import io.groupbuy.inventory.ProductInventory.Review;
import io.groupbuy.inventory.ProductInventory.ReviewDay;
import io.groupbuy.inventory.ProductInventory.SetBounds;
import io.groupbuy.inventory.ProductInventory.SetPrice;
import io.groupbuy.inventory.ProductInventory.StockCommand;
import io.groupbuy.inventory.ProductInventory.StockReceived;
import io.groupbuy.inventory.ProductInventory.StockReserved;
import io.groupbuy.platform.DomainError;
import java.util.List;
import java.util.Optional;

/**
 * What each stock command does to one SKU's stock in one warehouse, as plain functions of the
 * state: the entity runs them one command at a time, or over a whole batch against what the
 * commands before left. Nothing here persists or answers.
 */
final class StockRules {
  /** The most days of sales the review remembers; the turnover looks at the last of them. */
  static final int SALES_MEMORY = 28;

  /**
   * The daily review's rules ({@code groupbuy.inventory.review}): sales ahead of forecast by more
   * than {@code aheadMargin} (and by {@code aheadMinUnits} units) for {@code aheadDays} days in a
   * row request replenishment at once; stock covering more than {@code coverDays} days of the mean
   * sales of the last {@code turnoverDays} is turning over too slowly and suggests {@code
   * promotionPercent} off for {@code promotionDays} days.
   */
  public record ReviewRules(
      int aheadDays,
      double aheadMargin,
      int aheadMinUnits,
      int turnoverDays,
      double coverDays,
      int promotionPercent,
      int promotionDays) {
    public static final ReviewRules DEFAULTS = new ReviewRules(3, 0.2, 2, 7, 10, 20, 3);

    public ReviewRules {
      if (aheadDays < 1
          || !(aheadMargin >= 0)
          || aheadMinUnits < 0
          || turnoverDays < 1
          || turnoverDays > SALES_MEMORY
          || !(coverDays > 0)
          || promotionPercent < 1
          || promotionPercent > 90
          || promotionDays < 1)
        throw new IllegalArgumentException(
            "groupbuy.inventory.review: ahead-days >= 1, ahead-margin >= 0, ahead-min-units >= 0,"
                + " turnover-days 1 to "
                + SALES_MEMORY
                + ", cover-days > 0, promotion-percent 1 to 90, promotion-days >= 1");
    }

    /** {@code groupbuy.inventory.review} of the configuration, the defaults where it has none. */
    public static ReviewRules fromConfig(com.typesafe.config.Config root) {
      String at = "groupbuy.inventory.review";
      if (!root.hasPath(at)) return DEFAULTS;
      com.typesafe.config.Config c = root.getConfig(at);
      return new ReviewRules(
          c.getInt("ahead-days"),
          c.getDouble("ahead-margin"),
          c.getInt("ahead-min-units"),
          c.getInt("turnover-days"),
          c.getDouble("cover-days"),
          c.getInt("promotion-percent"),
          c.getInt("promotion-days"));
    }
  }

  private final String sku;
  private final String warehouseId;

  private final ReviewRules review;

  StockRules(String sku, String warehouseId, ReviewRules review) {
    this.sku = sku;
    this.warehouseId = warehouseId;
    this.review = review;
  }

  /** What one command does: the events it persists, or the refusal it answers with. */
  record Decision(List<Event> events, DomainError refusal) {
    static final Decision NOTHING = new Decision(List.of(), null);

    static Decision persist(Event... events) {
      return new Decision(List.of(events), null);
    }

    static Decision refuse(DomainError refusal) {
      return new Decision(List.of(), refusal);
    }
  }

  Decision decide(StockState s, StockCommand command) {
    if (command instanceof Reserve c) return decideReserve(s, c);
    if (command instanceof Release c) return decideRelease(s, c);
    if (command instanceof Commit c) return decideCommit(s, c);
    if (command instanceof ReceiveStock c) return decideReceive(s, c);
    if (command instanceof SetBounds c) return decideBounds(s, c);
    if (command instanceof SetPrice c) return decidePrice(s, c);
    if (command instanceof ReviewDay c) return decideReview(s, c);
    throw new IllegalArgumentException("unknown command " + command);
  }

  private Decision decideReceive(StockState s, ReceiveStock c) {
    if (c.quantity() <= 0)
      return Decision.refuse(new DomainError.Invalid("quantity must be > 0", "quantity"));
    if (s.receipts().contains(c.receiptId())) return Decision.NOTHING;
    if (s.received() + c.quantity() > Integer.MAX_VALUE / 2)
      return Decision.refuse(new DomainError.Invalid("stock would overflow", "quantity"));
    if (c.listPriceFen() < 0)
      return Decision.refuse(new DomainError.Invalid("listPriceFen must be >= 0", "listPriceFen"));
    return Decision.persist(new StockReceived(c.receiptId(), c.quantity(), c.listPriceFen()));
  }

  private Decision decidePrice(StockState s, SetPrice c) {
    if (c.priceFen() < 0)
      return Decision.refuse(new DomainError.Invalid("priceFen must be >= 0", "priceFen"));
    if (s.price().recentChanges().contains(c.changeId())) return Decision.NOTHING;
    return Decision.persist(new PriceSet(c.changeId(), c.priceFen()));
  }

  private Decision decideReserve(StockState s, Reserve c) {
    if (c.quantity() <= 0)
      return Decision.refuse(new DomainError.Invalid("quantity must be > 0", "quantity"));
    Integer held = s.reserved().get(c.orderId());
    if (held != null) {
      if (held == c.quantity()) return Decision.NOTHING;
      return Decision.refuse(
          new DomainError.Conflict(
              "order " + c.orderId() + " already holds " + held + ", not " + c.quantity()));
    }
    String closed = s.closedOrders().get(c.orderId());
    if (closed != null) {
      return closed.equals("committed")
          ? Decision.NOTHING
          : Decision.refuse(
              new DomainError.Conflict("order " + c.orderId() + " was already released"));
    }
    if (s.price().source() == PriceSource.NONE) {
      return Decision.refuse(
          new DomainError.Conflict(
              "no selling price for "
                  + sku
                  + " in "
                  + warehouseId
                  + ": set one with PUT /inventory/"
                  + warehouseId
                  + "/"
                  + sku
                  + "/price"));
    }
    if (s.available() < c.quantity()) {
      return Decision.refuse(
          new DomainError.Rejected(
              "sold out: " + s.available() + " available, " + c.quantity() + " requested"));
    }
    Event reserved = new StockReserved(c.orderId(), c.quantity());
    return replenishmentIfNeeded(s.apply(reserved))
        .map(r -> Decision.persist(reserved, r))
        .orElseGet(() -> Decision.persist(reserved));
  }

  private Decision decideRelease(StockState s, Release c) {
    Integer held = s.reserved().get(c.orderId());
    if (held != null) return Decision.persist(new ReservationReleased(c.orderId(), held));
    String closed = s.closedOrders().get(c.orderId());
    if ("committed".equals(closed)) {
      return Decision.refuse(
          new DomainError.Conflict("order " + c.orderId() + " is already committed"));
    }
    if (closed != null) return Decision.NOTHING;
    // Nothing held (yet): record the release so a late reservation for this order is refused.
    return Decision.persist(new ReservationReleased(c.orderId(), 0));
  }

  private Decision decideCommit(StockState s, Commit c) {
    Integer held = s.reserved().get(c.orderId());
    if (held != null) return Decision.persist(new ReservationCommitted(c.orderId(), held));
    if ("committed".equals(s.closedOrders().get(c.orderId()))) return Decision.NOTHING;
    return Decision.refuse(
        new DomainError.Conflict("order " + c.orderId() + " holds no reservation to commit"));
  }

  private Decision decideBounds(StockState s, SetBounds c) {
    if (c.minStock() < 0 || c.maxStock() < 0 || c.reorderPoint() < 0) {
      return Decision.refuse(new DomainError.Invalid("bounds must be >= 0"));
    }
    if (c.minStock() > c.maxStock())
      return Decision.refuse(new DomainError.Invalid("minStock must be <= maxStock", "minStock"));
    if (c.reorderPoint() > c.maxStock())
      return Decision.refuse(
          new DomainError.Invalid("reorderPoint must be <= maxStock", "reorderPoint"));
    Event set = new BoundsSet(c.minStock(), c.maxStock(), c.reorderPoint());
    return replenishmentIfNeeded(s.apply(set))
        .map(r -> Decision.persist(set, r))
        .orElseGet(() -> Decision.persist(set));
  }

  private Decision decideReview(StockState s, ReviewDay c) {
    java.time.LocalDate day;
    try {
      day = java.time.LocalDate.parse(c.day());
    } catch (java.time.format.DateTimeParseException e) {
      return Decision.refuse(new DomainError.Invalid("day must be YYYY-MM-DD", "day"));
    }
    if (c.sold() < 0 || !(c.forecast() >= 0))
      return Decision.refuse(new DomainError.Invalid("sold and forecast must be >= 0", "sold"));
    Review before = s.review();
    if (!before.lastDay().isEmpty() && c.day().compareTo(before.lastDay()) <= 0)
      return Decision.NOTHING;
    boolean ahead =
        c.sold() > c.forecast() * (1 + review.aheadMargin())
            && c.sold() >= c.forecast() + review.aheadMinUnits();
    List<Event> events = new java.util.ArrayList<>();
    DayReviewed reviewed = new DayReviewed(c.day(), c.sold(), c.forecast(), ahead);
    events.add(reviewed);
    StockState after = s.apply(reviewed);
    // once per run of days ahead: the day the run reaches its length, not the days after
    if (after.review().aheadStreak() == review.aheadDays()
        && after.bounds().maxStock() > 0
        && after.openReplenishmentId().isEmpty()) {
      int projected = after.available();
      int quantity =
          Math.max(
              1, after.bounds().maxStock() - projected + (int) Math.round(c.sold() - c.forecast()));
      String requestId = sku + "@" + warehouseId + "#r" + (after.replenishmentCounter() + 1);
      ReplenishmentRequested request = new ReplenishmentRequested(requestId, quantity, projected);
      events.add(request);
      after = after.apply(request);
    }
    List<Integer> remembered = after.review().recentSold();
    List<Integer> recent =
        remembered.subList(
            Math.max(0, remembered.size() - review.turnoverDays()), remembered.size());
    if (recent.size() >= review.turnoverDays() && after.onHand() > 0) {
      double mean = recent.stream().mapToInt(Integer::intValue).average().orElse(0);
      double cover = mean > 0 ? after.onHand() / mean : Double.POSITIVE_INFINITY;
      String last = after.review().lastPromotionDay();
      boolean running =
          !last.isEmpty()
              && !day.isAfter(java.time.LocalDate.parse(after.review().promotionUntil()));
      if (cover > review.coverDays() && !running) {
        events.add(
            new PromotionSuggested(
                c.day(),
                review.promotionPercent(),
                day.plusDays(review.promotionDays() - 1).toString(),
                Double.isInfinite(cover) ? -1 : Math.round(cover * 10) / 10.0));
      }
    }
    return new Decision(List.copyOf(events), null);
  }

  /** One open request at a time: projected stock counts what is already on its way. */
  private Optional<Event> replenishmentIfNeeded(StockState s) {
    Bounds b = s.bounds();
    if (b.maxStock() <= 0 || !s.openReplenishmentId().isEmpty()) return Optional.empty();
    int projected = s.available() + s.openReplenishmentQuantity();
    if (projected >= b.reorderPoint()) return Optional.empty();
    int quantity = b.maxStock() - projected;
    if (quantity <= 0) return Optional.empty();
    String requestId = sku + "@" + warehouseId + "#r" + (s.replenishmentCounter() + 1);
    return Optional.of(new ReplenishmentRequested(requestId, quantity, projected));
  }
}
