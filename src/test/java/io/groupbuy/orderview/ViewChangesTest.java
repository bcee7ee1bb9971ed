package io.groupbuy.orderview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.order.Order;
import io.groupbuy.order.OrderLedger;
import io.groupbuy.orderview.ViewChanges.OrderRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewChangesTest {
  private static final Order.Details D =
      new Order.Details("c1", "pp", "wh", List.of(new Order.Line("a", 2)), 1L, 2L, "k");

  private static OrderLedger.Entry entry(String id, Order.Event e, boolean details) {
    return new OrderLedger.Entry(id, e, details ? D : null);
  }

  private static final List<OrderLedger.Event> HISTORY =
      List.of(
          entry("o1", new Order.OrderPlaced(D), false),
          entry("o2", new Order.OrderPlaced(D), false),
          entry("o1", new Order.LineReserved("a"), false),
          entry("o1", new Order.OrderConfirmed(), true),
          entry("o2", new Order.OrderRejected("sold out", "a"), true),
          entry("o1", new Order.DeliveryUpdated(Order.Status.WAVED, "van-1", "s"), true),
          entry("o1", new Order.CancellationRequested("why"), true),
          new OrderLedger.OrdersArchived(List.of("o2")),
          new OrderLedger.OrderRestored(
              "o2", new Order.State(Order.Status.REJECTED, D, Set.of(), Set.of("a"), "x")));

  @Test
  void aRowCarriesTheLastTotalItsRunNamesAndNoneIfItNamesNone() {
    List<OrderRow> rows =
        ViewChanges.of(
            List.of(
                new OrderLedger.Entry("o1", new Order.OrderPlaced(D), D, 0L),
                new OrderLedger.Entry("o1", new Order.LineReserved("a", 250), null, null),
                new OrderLedger.Entry("o1", new Order.OrderConfirmed(), D, 500L)));
    assertEquals(500L, rows.get(0).totalFen());
    List<OrderRow> later =
        ViewChanges.of(
            List.of(
                new OrderLedger.Entry(
                    "o1", new Order.DeliveryUpdated(Order.Status.WAVED, "v", "s"), D, null)));
    assertEquals(null, later.get(0).totalFen());
  }

  @Test
  void aRunGivesEachOrderItsLastStatus() {
    List<OrderRow> rows = ViewChanges.of(HISTORY);
    assertEquals(2, rows.size());
    assertEquals(new OrderRow("o1", D, Order.Status.CANCELLING, "van-1"), rows.get(0));
    assertEquals(Order.Status.REJECTED, rows.get(1).status());
  }

  /** However events fall into runs, applying the runs in turn ends in the same rows. */
  @Test
  void runsCutAnywhereEndInTheSameRows() {
    for (int cut = 1; cut < HISTORY.size(); cut++) {
      List<OrderRow> first = ViewChanges.of(HISTORY.subList(0, cut));
      List<OrderRow> second = ViewChanges.of(HISTORY.subList(cut, HISTORY.size()));
      List<OrderRow> last = new ArrayList<>(first);
      for (OrderRow r : second) {
        last.removeIf(x -> x.orderId().equals(r.orderId()));
        last.add(r);
      }
      for (OrderRow whole : ViewChanges.of(HISTORY)) {
        OrderRow split =
            last.stream().filter(r -> r.orderId().equals(whole.orderId())).findFirst().get();
        assertEquals(whole.status(), split.status(), "cut at " + cut);
      }
    }
  }

  @Test
  void eventsThatChangeNoStatusWriteNothing() {
    assertEquals(
        List.of(), ViewChanges.of(List.of(entry("o1", new Order.LineReserved("a"), false))));
  }
}
