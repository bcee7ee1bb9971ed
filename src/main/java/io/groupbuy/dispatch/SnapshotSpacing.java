package io.groupbuy.dispatch;

/**
 * When a region takes a snapshot. A snapshot holds every open order, so its cost is linear in them;
 * taken every fixed number of events, the snapshots of a day of N orders cost O(N²). Here a
 * snapshot is due {@code every} events after the last one, or one event per {@code ordersPerEvent}
 * open orders if that is more, so a snapshot's cost is spread over as many events and a day costs
 * O(N). The retention's own snapshots, every {@code everyMax} events, bound the replay and delete
 * older snapshots; this decides the ones between them.
 */
final class SnapshotSpacing {
  private final int every;
  private final int ordersPerEvent;
  private final int everyMax;
  private long last;

  SnapshotSpacing(int every, int ordersPerEvent, int everyMax) {
    this.every = every;
    this.ordersPerEvent = ordersPerEvent;
    this.everyMax = everyMax;
  }

  /** The entity recovered up to {@code sequenceNr}: the next snapshot counts from there. */
  void recoveredAt(long sequenceNr) {
    last = sequenceNr;
  }

  /** After the event {@code sequenceNr}, with {@code openOrders} open: take a snapshot? */
  boolean snapshotAfter(long sequenceNr, int openOrders) {
    long retentionSnapshot = sequenceNr - sequenceNr % everyMax;
    long since = sequenceNr - Math.max(last, retentionSnapshot);
    if (!due(since, openOrders, every, ordersPerEvent)) return false;
    last = sequenceNr;
    return true;
  }

  static boolean due(long eventsSince, int openOrders, int every, int ordersPerEvent) {
    return eventsSince >= Math.max(every, openOrders / ordersPerEvent);
  }
}
