package io.groupbuy.audit;

import java.util.List;

/** What {@link StockLedger} found: a line per SKU and warehouse, and every discrepancy. */
public record AuditReport(
    List<Line> stock, List<Finding> findings, long orders, long ordersInFlight, long events) {
  public AuditReport {
    stock = List.copyOf(stock);
    findings = List.copyOf(findings);
  }

  /** Units of one SKU in one warehouse, from its journal, and as sold by confirmed orders. */
  public record Line(
      String inventory,
      long received,
      long reserved,
      long committed,
      long released,
      long confirmedByOrders,
      long oversold) {}

  public enum Kind {
    OVERSOLD,
    ORPHAN_RESERVATION,
    UNBACKED_ORDER_LINE,
    QUANTITY_MISMATCH
  }

  /** One discrepancy; {@code orderId} is null for a whole-inventory finding. */
  public record Finding(Kind kind, String inventory, String orderId, String message) {}

  public boolean clean() {
    return findings.isEmpty();
  }

  public long count(Kind kind) {
    return findings.stream().filter(f -> f.kind() == kind).count();
  }

  public long oversoldUnits() {
    return stock.stream().mapToLong(Line::oversold).sum();
  }

  /** A table for people: one line per inventory, then the findings. */
  public String render(int maxFindings) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%-40s %9s %9s %9s %9s %9s %9s%n",
            "inventory (sku@warehouse)",
            "received",
            "reserved",
            "committed",
            "released",
            "sold",
            "OVERSOLD"));
    for (Line l : stock) {
      out.append(
          String.format(
              "%-40s %9d %9d %9d %9d %9d %9s%n",
              l.inventory(),
              l.received(),
              l.reserved(),
              l.committed(),
              l.released(),
              l.confirmedByOrders(),
              l.oversold() > 0 ? l.oversold() : "-"));
    }
    out.append(
        String.format(
            "%n%d events, %d inventories, %d orders (%d still in flight)%n",
            events, stock.size(), orders, ordersInFlight));
    if (clean()) {
      out.append(
          "CLEAN: nothing oversold, every held unit belongs to a live order, every confirmed line is held\n");
      return out.toString();
    }
    out.append(
        String.format(
            "FINDINGS: %d oversold inventories (%d units), %d orphan reservations, "
                + "%d unbacked order lines, %d quantity mismatches%n",
            count(Kind.OVERSOLD),
            oversoldUnits(),
            count(Kind.ORPHAN_RESERVATION),
            count(Kind.UNBACKED_ORDER_LINE),
            count(Kind.QUANTITY_MISMATCH)));
    findings.stream()
        .limit(maxFindings)
        .forEach(
            f -> out.append("  ").append(f.kind()).append(": ").append(f.message()).append('\n'));
    if (findings.size() > maxFindings)
      out.append("  ... and ").append(findings.size() - maxFindings).append(" more\n");
    return out.toString();
  }
}
