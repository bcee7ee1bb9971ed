package io.groupbuy.orderview;

import io.groupbuy.order.Order;
import io.groupbuy.order.OrderLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run of ledger events changes in the order read models: for each order touched, its last
 * status, with what was ordered. Only the end state of a run matters, so a run of placement,
 * reservation and confirmation costs one row write, and replaying any run again (at-least-once
 * delivery, or a rebuild from the journal) leaves the same rows.
 */
public final class ViewChanges {
  private ViewChanges() {}

  /**
   * An order as the read models file it; {@code vehicleId} and {@code totalFen} null when the run
   * did not name them.
   */
  public record OrderRow(
      String orderId, Order.Details details, Order.Status status, String vehicleId, Long totalFen) {
    public OrderRow(String orderId, Order.Details details, Order.Status status, String vehicleId) {
      this(orderId, details, status, vehicleId, null);
    }

    /** Counted in confirmed demand and in what a pickup point hands out. */
    public boolean confirmed() {
      return switch (status) {
        case CONFIRMED, WAVED, OUT_FOR_DELIVERY, AT_PICKUP_POINT -> true;
        default -> false;
      };
    }

    /** Cancelled or rejected: in no list but the customer's own. */
    public boolean withdrawn() {
      return switch (status) {
        case REJECTED, CANCELLING, CANCELLED -> true;
        default -> false;
      };
    }
  }

  private static final class Partial {
    Order.Details details;
    Order.Status status;
    String vehicleId; // null: this run says nothing of it
    Long totalFen; // likewise
  }

  /** The rows to write for these events, in the order their orders first appear. */
  public static List<OrderRow> of(List<OrderLedger.Event> events) {
    Map<String, Partial> orders = new LinkedHashMap<>();
    for (OrderLedger.Event e : events) {
      if (e instanceof OrderLedger.Entry entry) {
        Partial p = orders.computeIfAbsent(entry.orderId(), id -> new Partial());
        if (entry.details() != null) p.details = entry.details();
        if (entry.totalFen() != null) p.totalFen = entry.totalFen();
        apply(p, entry.event());
      } else if (e instanceof OrderLedger.OrderRestored r) {
        Partial p = orders.computeIfAbsent(r.orderId(), id -> new Partial());
        p.details = r.state().details();
        p.status = r.state().status();
        p.vehicleId = r.state().vehicleId();
        p.totalFen = r.state().totalFen();
      }
    }
    List<OrderRow> rows = new ArrayList<>();
    orders.forEach(
        (id, p) -> {
          if (p.details != null && p.status != null) {
            rows.add(new OrderRow(id, p.details, p.status, p.vehicleId, p.totalFen));
          }
        });
    return rows;
  }

  private static void apply(Partial p, Order.Event event) {
    if (event instanceof Order.OrderPlaced placed) {
      p.details = placed.details();
      p.status = Order.Status.PLACING;
    } else if (event instanceof Order.OrderConfirmed) {
      p.status = Order.Status.CONFIRMED;
    } else if (event instanceof Order.OrderRejected) {
      p.status = Order.Status.REJECTED;
    } else if (event instanceof Order.CancellationRequested) {
      p.status = Order.Status.CANCELLING;
    } else if (event instanceof Order.OrderCancelled) {
      p.status = Order.Status.CANCELLED;
    } else if (event instanceof Order.DeliveryUpdated d) {
      p.status = d.status();
      p.vehicleId = d.vehicleId();
    }
    // reservations, releases, commits and the hand-over change nothing a read model shows
  }
}
