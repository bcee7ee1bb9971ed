package io.groupbuy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.order.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

class StockLedgerTest {
  private static final String INV = ProductInventory.entityId("sku-1", "wh-1");

  private static void order(StockLedger ledger, String id, int qty, Order.Event... outcome) {
    ledger.orderEvent(
        id,
        new Order.OrderPlaced(
            new Order.Details(
                "c-" + id,
                "pp-1",
                "wh-1",
                List.of(new Order.Line("sku-1", qty)),
                0,
                0,
                "k-" + id)));
    ledger.orderEvent(id, new Order.LineReserved("sku-1"));
    for (Order.Event e : outcome) ledger.orderEvent(id, e);
  }

  @Test
  void aConsistentJournalIsClean() {
    StockLedger ledger = new StockLedger();
    ledger.inventoryEvent(INV, new ProductInventory.StockReceived("r1", 10));
    ledger.inventoryEvent(INV, new ProductInventory.StockReserved("o1", 4));
    ledger.inventoryEvent(INV, new ProductInventory.StockReserved("o2", 6));
    ledger.inventoryEvent(INV, new ProductInventory.ReservationReleased("o2", 6));
    ledger.inventoryEvent(INV, new ProductInventory.ReservationCommitted("o1", 4));
    order(
        ledger,
        "o1",
        4,
        new Order.OrderConfirmed(),
        new Order.DeliveryUpdated(Order.Status.OUT_FOR_DELIVERY, "v1", "s1"));
    order(
        ledger,
        "o2",
        6,
        new Order.OrderConfirmed(),
        new Order.CancellationRequested("changed my mind"),
        new Order.LineReleased("sku-1"),
        new Order.OrderCancelled("changed my mind"));
    order(ledger, "o3", 1); // still placing: in flight, not flagged
    AuditReport report = ledger.report();
    assertTrue(report.clean(), report.render(10));
    assertEquals(new AuditReport.Line(INV, 10, 0, 4, 6, 4, 0), report.stock().get(0));
    assertEquals(1, report.ordersInFlight());
  }

  /**
   * What two clusters on one journal leave: each wrote the same sequence numbers, the journal kept
   * one copy.
   */
  @Test
  void ordersConfirmedBeyondTheStockAreFlagged() {
    StockLedger ledger = new StockLedger();
    ledger.inventoryEvent(INV, new ProductInventory.StockReceived("r1", 100));
    for (int i = 0; i < 100; i++) {
      ledger.inventoryEvent(INV, new ProductInventory.StockReserved("a" + i, 1));
      order(ledger, "a" + i, 1, new Order.OrderConfirmed());
      order(
          ledger,
          "b" + i,
          1,
          new Order.OrderConfirmed()); // the other cluster's orders, overwritten in inventory
    }
    AuditReport report = ledger.report();
    assertEquals(100, report.oversoldUnits(), report.render(5));
    assertEquals(1, report.count(AuditReport.Kind.OVERSOLD));
    assertEquals(100, report.count(AuditReport.Kind.UNBACKED_ORDER_LINE));
    assertEquals(200, report.stock().get(0).confirmedByOrders());
  }

  @Test
  void stockHeldForDeadOrMissingOrdersAndWrongQuantitiesAreFlagged() {
    StockLedger ledger = new StockLedger();
    ledger.inventoryEvent(INV, new ProductInventory.StockReceived("r1", 50));
    ledger.inventoryEvent(INV, new ProductInventory.StockReserved("ghost", 2));
    ledger.inventoryEvent(INV, new ProductInventory.StockReserved("rejected", 3));
    ledger.inventoryEvent(INV, new ProductInventory.StockReserved("short", 1));
    order(ledger, "rejected", 3, new Order.OrderRejected("sold out", "sku-2"));
    order(ledger, "short", 5, new Order.OrderConfirmed());
    AuditReport report = ledger.report();
    assertEquals(2, report.count(AuditReport.Kind.ORPHAN_RESERVATION), report.render(10));
    assertEquals(1, report.count(AuditReport.Kind.QUANTITY_MISMATCH), report.render(10));
    assertEquals(0, report.oversoldUnits());
  }
}
