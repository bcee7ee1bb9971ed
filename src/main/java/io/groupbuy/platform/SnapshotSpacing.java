package io.groupbuy.platform;

/**
 * When an entity whose state holds many entries (a region's open orders, a ledger's live orders)
 * takes a snapshot. A snapshot costs time linear in the entries; taken every fixed number of
 * events, the snapshots of a day of N entries cost O(N²). Here a snapshot is due {@code every}
 * events after the last one, or one event per {@code entriesPerEvent} entries if that is more, so a
 * snapshot's cost is spread over as many events and a day costs O(N). The retention's own
 * snapshots, every {@code everyMax} events, bound the replay and delete older snapshots; this
 * decides the ones between them. One instance per entity incarnation: it remembers the last one.
 */
public final class SnapshotSpacing {
  private final int every;
  private final int entriesPerEvent;
  private final int everyMax;
  private long last;

  public SnapshotSpacing(int every, int entriesPerEvent, int everyMax) {
    if (every < 1 || entriesPerEvent < 1 || everyMax < every)
      throw new IllegalArgumentException(
          "snapshot spacing: every and entries per event must be >= 1, every-max >= every");
    this.every = every;
    this.entriesPerEvent = entriesPerEvent;
    this.everyMax = everyMax;
  }

  /** The entity recovered up to {@code sequenceNr}: the next snapshot counts from there. */
  public void recoveredAt(long sequenceNr) {
    last = sequenceNr;
  }

  /** After the event {@code sequenceNr}, with {@code entries} in the state: take a snapshot? */
  public boolean snapshotAfter(long sequenceNr, int entries) {
    long retentionSnapshot = sequenceNr - sequenceNr % everyMax;
    long since = sequenceNr - Math.max(last, retentionSnapshot);
    if (!due(since, entries, every, entriesPerEvent)) return false;
    last = sequenceNr;
    return true;
  }

  static boolean due(long eventsSince, int entries, int every, int entriesPerEvent) {
    return eventsSince >= Math.max(every, entries / entriesPerEvent);
  }
}
