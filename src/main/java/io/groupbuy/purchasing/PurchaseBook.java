package io.groupbuy.purchasing;

import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.purchasing.PurchaseOrders.Event;
import io.groupbuy.purchasing.PurchaseOrders.Line;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseClosed;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseOrder;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseRaised;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseReceived;
import io.groupbuy.purchasing.PurchaseOrders.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A warehouse's purchase orders: the open ones and the latest closed ones ({@value #CLOSED_KEPT},
 * oldest forgotten first; the journal keeps them all), and the delivery dates whose cutoff ran
 * ({@value #CUTOFFS_KEPT}), so that a replayed cutoff raises nothing. Immutable: each event makes a
 * new book, which costs little at a few events a day.
 */
public record PurchaseBook(List<PurchaseOrder> orders, Map<String, String> cutoffs)
    implements ProtoPersisted {
  static final int CLOSED_KEPT = 200;
  static final int CUTOFFS_KEPT = 400;

  public static final PurchaseBook EMPTY = new PurchaseBook(List.of(), Map.of());

  /** {@code orders} oldest first; {@code cutoffs} by delivery date, oldest first. */
  public PurchaseBook {
    orders = List.copyOf(orders);
    cutoffs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cutoffs));
  }

  public PurchaseOrder order(String poId) {
    for (PurchaseOrder o : orders) if (o.poId().equals(poId)) return o;
    return null;
  }

  public boolean cutoffRan(String deliveryDate) {
    return cutoffs.containsKey(deliveryDate);
  }

  public List<PurchaseOrder> open() {
    return orders.stream().filter(o -> o.status() == Status.OPEN).toList();
  }

  public List<PurchaseOrder> closed() {
    return orders.stream().filter(o -> o.status() != Status.OPEN).toList();
  }

  /** Units ordered and not yet received on the open orders, per SKU. */
  public Map<String, Long> onOrder() {
    Map<String, Long> due = new TreeMap<>();
    for (PurchaseOrder o : open())
      for (Line l : o.lines()) if (l.remaining() > 0) due.merge(l.sku(), l.remaining(), Long::sum);
    return due;
  }

  public PurchaseBook apply(Event event) {
    if (event instanceof PurchaseRaised e) return raised(e);
    if (event instanceof PurchaseReceived e) return received(e);
    if (event instanceof PurchaseClosed e) return closedBy(e);
    throw new IllegalArgumentException("unknown event " + event);
  }

  private PurchaseBook raised(PurchaseRaised e) {
    Map<String, String> nextCutoffs = new LinkedHashMap<>(cutoffs);
    nextCutoffs.put(e.deliveryDate(), e.poId());
    while (nextCutoffs.size() > CUTOFFS_KEPT)
      nextCutoffs.remove(nextCutoffs.keySet().iterator().next());
    List<PurchaseOrder> next = new ArrayList<>(orders);
    if (!e.poId().isEmpty())
      next.add(
          new PurchaseOrder(
              e.poId(),
              e.deliveryDate(),
              e.raisedAtEpochMs(),
              Status.OPEN,
              "",
              e.lines(),
              List.of()));
    return new PurchaseBook(next, nextCutoffs);
  }

  private PurchaseBook received(PurchaseReceived e) {
    return replace(
        e.poId(),
        o -> {
          List<Line> lines = new ArrayList<>();
          for (Line l : o.lines()) {
            long more = e.quantities().getOrDefault(l.sku(), 0L);
            lines.add(more == 0 ? l : l.withReceived(l.received() + more));
          }
          List<PurchaseOrders.Receipt> receipts = new ArrayList<>(o.receipts());
          receipts.add(new PurchaseOrders.Receipt(e.receiptId(), e.quantities()));
          return o.received(lines, receipts);
        });
  }

  private PurchaseBook closedBy(PurchaseClosed e) {
    PurchaseBook book =
        replace(
            e.poId(),
            o -> o.closed(e.complete() ? Status.RECEIVED : Status.CLOSED_SHORT, e.reason()));
    // forget the oldest closed orders beyond the memory; open ones always stay
    List<PurchaseOrder> kept = new ArrayList<>(book.orders());
    long closedCount = kept.stream().filter(o -> o.status() != Status.OPEN).count();
    for (int i = 0; i < kept.size() && closedCount > CLOSED_KEPT; ) {
      if (kept.get(i).status() != Status.OPEN) {
        kept.remove(i);
        closedCount--;
      } else i++;
    }
    return new PurchaseBook(kept, book.cutoffs());
  }

  private PurchaseBook replace(String poId, java.util.function.UnaryOperator<PurchaseOrder> f) {
    List<PurchaseOrder> next = new ArrayList<>(orders);
    for (int i = 0; i < next.size(); i++)
      if (next.get(i).poId().equals(poId)) next.set(i, f.apply(next.get(i)));
    return new PurchaseBook(next, cutoffs);
  }
}
