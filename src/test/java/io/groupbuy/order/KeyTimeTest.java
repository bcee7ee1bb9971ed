package io.groupbuy.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.platform.UuidV7;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyTimeTest {
  private static final Duration ARCHIVE_AFTER = Duration.ofSeconds(30);
  private static final Duration MARGIN = Duration.ofSeconds(5);
  private static final long NOW = 1_800_000_000_000L;
  private final Random random = new Random(11);

  private String keyAt(long millis) {
    return UuidV7.at(millis, random);
  }

  @Test
  void onlyAYoungTimeOrderedKeyIsKnownNotToBeInTheTable() {
    assertFalse(KeyTime.mayBeArchived(keyAt(NOW), NOW, ARCHIVE_AFTER, MARGIN));
    assertFalse(KeyTime.mayBeArchived(keyAt(NOW - 24_999), NOW, ARCHIVE_AFTER, MARGIN));
    assertTrue(KeyTime.mayBeArchived(keyAt(NOW - 25_000), NOW, ARCHIVE_AFTER, MARGIN));
    assertTrue(KeyTime.mayBeArchived(keyAt(NOW - 86_400_000), NOW, ARCHIVE_AFTER, MARGIN));
    assertTrue(KeyTime.mayBeArchived("retry-7", NOW, ARCHIVE_AFTER, MARGIN));
  }

  @Test
  void anOrderIsArchivableOnlyOnceItsKeyIsOlderThanTheDelay() {
    long key = NOW + 60_000; // a client clock a minute ahead
    assertEquals(key + 30_000, KeyTime.archivableFrom(keyAt(key), ARCHIVE_AFTER));
    assertEquals(0, KeyTime.archivableFrom("retry-7", ARCHIVE_AFTER));
  }

  /**
   * The rule that makes the shortcut safe: whenever an order may have been archived (its key old
   * enough by the archiving node's clock), a placement under its key is looked up, even on a node
   * whose clock is behind by the margin.
   */
  @Test
  void noKeyIsBothArchivableAndSkippedWhileClocksDifferByLessThanTheMargin() {
    for (long offset = -120_000; offset <= 120_000; offset += 250) {
      String key = keyAt(NOW + offset);
      boolean archivable = KeyTime.archivableFrom(key, ARCHIVE_AFTER) <= NOW;
      for (long skew = -MARGIN.toMillis(); skew <= MARGIN.toMillis(); skew += 1_000) {
        boolean lookedUp = KeyTime.mayBeArchived(key, NOW + skew, ARCHIVE_AFTER, MARGIN);
        assertTrue(!archivable || lookedUp, "key at " + offset + " ms, clock " + skew + " ms");
      }
    }
  }

  @Test
  void aKeyDatedFarAheadIsTooFarAhead() {
    assertFalse(KeyTime.tooFarAhead(keyAt(NOW + 600_000), NOW));
    assertTrue(KeyTime.tooFarAhead(keyAt(NOW + 600_001), NOW));
    assertFalse(KeyTime.tooFarAhead("k-1", NOW));
  }
}
