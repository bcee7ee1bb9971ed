package io.groupbuy.audit;

import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.order.Order;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds, from the events of every inventory and every order, what each SKU in each warehouse
 * received, reserved and committed, and what the orders say was sold, and flags where the two
 * disagree. Plain Java, fed event by event in journal order per entity; no actors, so it runs alike
 * in the CLI, in a node and in tests.
 *
 * <p>Flags:
 *
 * <ul>
 *   <li><b>oversold</b>: units held (reserved plus committed) or confirmed by orders exceed the
 *       units received;
 *   <li><b>orphan reservation</b>: stock held for an order that does not exist or that was rejected
 *       or cancelled;
 *   <li><b>unbacked order line</b>: a confirmed order's line without a matching reservation or
 *       commit at its warehouse (what a second cluster writing the same journal leaves behind);
 *   <li><b>quantity mismatch</b>: a reservation of another quantity than the order's line.
 * </ul>
 *
 * Orders still placing or cancelling are counted as in flight, not flagged.
 */
public final class StockLedger {
  /** Statuses in which an order holds its stock (reserved, or committed once out for delivery). */
  static final Set<Order.Status> HOLDING =
      Set.of(
          Order.Status.CONFIRMED,
          Order.Status.WAVED,
          Order.Status.OUT_FOR_DELIVERY,
          Order.Status.AT_PICKUP_POINT);

  static final Set<Order.Status> IN_FLIGHT =
      Set.of(Order.Status.NEW, Order.Status.PLACING, Order.Status.CANCELLING);

  private static final class Stock {
    long received;
    long released;
    final Map<String, Integer> reserved = new HashMap<>();
    final Map<String, Integer> committed = new HashMap<>();
  }

  private static final class OrderFacts {
    Order.Status status = Order.Status.NEW;
    Order.Details details;
  }

  private final Map<String, Stock> stock = new TreeMap<>();
  private final Map<String, OrderFacts> orders = new HashMap<>();
  private long events;

  /** One event of the inventory {@code sku@warehouse}. */
  public void inventoryEvent(String entityId, ProductInventory.Event event) {
    events++;
    Stock s = stock.computeIfAbsent(entityId, k -> new Stock());
    if (event instanceof ProductInventory.StockReceived e) {
      s.received += e.quantity();
    } else if (event instanceof ProductInventory.StockReserved e) {
      s.reserved.put(e.orderId(), e.quantity());
    } else if (event instanceof ProductInventory.ReservationReleased e) {
      Integer held = s.reserved.remove(e.orderId());
      s.released += held == null ? e.quantity() : held;
    } else if (event instanceof ProductInventory.ReservationCommitted e) {
      Integer held = s.reserved.remove(e.orderId());
      s.committed.put(e.orderId(), held == null ? e.quantity() : held);
    }
  }

  /** One event of the order {@code orderId}. */
  public void orderEvent(String orderId, Order.Event event) {
    events++;
    OrderFacts o = orders.computeIfAbsent(orderId, k -> new OrderFacts());
    if (event instanceof Order.OrderPlaced e) {
      o.details = e.details();
      o.status = Order.Status.PLACING;
    } else if (event instanceof Order.OrderConfirmed) {
      o.status = Order.Status.CONFIRMED;
    } else if (event instanceof Order.OrderRejected) {
      o.status = Order.Status.REJECTED;
    } else if (event instanceof Order.CancellationRequested) {
      o.status = Order.Status.CANCELLING;
    } else if (event instanceof Order.OrderCancelled) {
      o.status = Order.Status.CANCELLED;
    } else if (event instanceof Order.DeliveryUpdated e) {
      o.status = e.status();
    }
  }

  /** The audit of everything fed so far. */
  public AuditReport report() {
    Map<String, Long> soldByOrders = new HashMap<>();
    List<AuditReport.Finding> findings = new ArrayList<>();
    int inFlight = 0;
    for (var entry : orders.entrySet()) {
      OrderFacts o = entry.getValue();
      if (o.details == null) continue;
      if (IN_FLIGHT.contains(o.status)) inFlight++;
      if (!HOLDING.contains(o.status)) continue;
      for (Order.Line line : o.details.lines()) {
        String key = ProductInventory.entityId(line.sku(), o.details.warehouseId());
        soldByOrders.merge(key, (long) line.quantity(), Long::sum);
        Stock s = stock.get(key);
        Integer held =
            s == null
                ? null
                : s.reserved.getOrDefault(entry.getKey(), s.committed.get(entry.getKey()));
        if (held == null) {
          findings.add(
              new AuditReport.Finding(
                  AuditReport.Kind.UNBACKED_ORDER_LINE,
                  key,
                  entry.getKey(),
                  "order "
                      + entry.getKey()
                      + " is "
                      + o.status
                      + " with "
                      + line.quantity()
                      + " x "
                      + line.sku()
                      + " but "
                      + key
                      + " holds nothing for it"));
        } else if (held != line.quantity()) {
          findings.add(
              new AuditReport.Finding(
                  AuditReport.Kind.QUANTITY_MISMATCH,
                  key,
                  entry.getKey(),
                  key
                      + " holds "
                      + held
                      + " for order "
                      + entry.getKey()
                      + ", which ordered "
                      + line.quantity()));
        }
      }
    }
    List<AuditReport.Line> lines = new ArrayList<>();
    for (var entry : stock.entrySet()) {
      String key = entry.getKey();
      Stock s = entry.getValue();
      long reserved = s.reserved.values().stream().mapToLong(Integer::longValue).sum();
      long committed = s.committed.values().stream().mapToLong(Integer::longValue).sum();
      long sold = soldByOrders.getOrDefault(key, 0L);
      long oversold = Math.max(0, Math.max(reserved + committed, sold) - s.received);
      if (oversold > 0) {
        findings.add(
            new AuditReport.Finding(
                AuditReport.Kind.OVERSOLD,
                key,
                null,
                key
                    + " received "
                    + s.received
                    + " but holds "
                    + (reserved + committed)
                    + " and orders confirm "
                    + sold
                    + ": "
                    + oversold
                    + " units oversold"));
      }
      for (String orderId : holders(s)) {
        OrderFacts o = orders.get(orderId);
        if (o == null || o.details == null) {
          findings.add(
              new AuditReport.Finding(
                  AuditReport.Kind.ORPHAN_RESERVATION,
                  key,
                  orderId,
                  key + " holds stock for order " + orderId + ", which does not exist"));
        } else if (o.status == Order.Status.REJECTED || o.status == Order.Status.CANCELLED) {
          findings.add(
              new AuditReport.Finding(
                  AuditReport.Kind.ORPHAN_RESERVATION,
                  key,
                  orderId,
                  key + " holds stock for order " + orderId + ", which is " + o.status));
        }
      }
      lines.add(
          new AuditReport.Line(key, s.received, reserved, committed, s.released, sold, oversold));
    }
    long ordersSeen = orders.values().stream().filter(o -> o.details != null).count();
    return new AuditReport(lines, findings, ordersSeen, inFlight, events);
  }

  private static List<String> holders(Stock s) {
    List<String> ids = new ArrayList<>(s.reserved.keySet());
    ids.addAll(s.committed.keySet());
    return ids;
  }
}
