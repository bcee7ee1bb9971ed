package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotSpacingTest {
  @Test
  void aSnapshotIsDueAfterTheEventsOrOneEventPerOpenOrdersIfMore() {
    assertTrue(SnapshotSpacing.due(500, 0, 500, 20));
    assertFalse(SnapshotSpacing.due(499, 9_999, 500, 20));
    assertFalse(SnapshotSpacing.due(4_999, 100_000, 500, 20));
    assertTrue(SnapshotSpacing.due(5_000, 100_000, 500, 20));
  }

  /**
   * Writing snapshots costs about the same per event however many orders are open: the orders
   * written to snapshots over a day of N orders (one per event) grow linearly in N, not as N².
   */
  @Test
  void theOrdersWrittenToSnapshotsGrowLinearlyWithTheDay() {
    for (int day : new int[] {100_000, 400_000}) {
      SnapshotSpacing spacing = new SnapshotSpacing(500, 20, 1_000_000);
      long written = 0;
      for (int open = 1; open <= day; open++) {
        if (spacing.snapshotAfter(open, open)) written += open;
      }
      assertTrue(written <= 45L * day, day + " orders: " + written + " written to snapshots");
    }
  }

  @Test
  void countsFromTheRetentionsSnapshotsAndFromRecovery() {
    SnapshotSpacing spacing = new SnapshotSpacing(10, 1, 100);
    List<Long> taken = new ArrayList<>();
    for (long seqNr = 1; seqNr <= 130; seqNr++) {
      if (seqNr % 100 == 0) continue; // the retention's own: the predicate is not asked then
      if (spacing.snapshotAfter(seqNr, 0)) taken.add(seqNr);
    }
    assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 110L, 120L, 130L), taken);
    spacing.recoveredAt(1_005);
    assertFalse(spacing.snapshotAfter(1_014, 0));
    assertTrue(spacing.snapshotAfter(1_015, 0));
  }
}
