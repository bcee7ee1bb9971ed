package io.groupbuy.order;

import io.groupbuy.platform.UuidV7;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The time an idempotency key was made, when the key says it: a UUIDv7 (RFC 9562) carries its
 * creation time in milliseconds. A ledger uses it to skip the order table for a new placement: an
 * order leaves its ledger for the table only once its key is older than the archive delay (see
 * {@link #archivableFrom}), so a key younger than that delay, less {@code clockMargin} for clocks
 * that differ between nodes, cannot be in the table and needs no read. Any other key is looked up
 * as before. The client's clock does not matter for correctness: the rule compares the key's time
 * with the ledgers' clocks only; a client whose clock is behind only loses the shortcut.
 */
final class KeyTime {
  /** A UUIDv7 key dated further ahead of the server's clock than this is refused. */
  static final Duration MAX_AHEAD = Duration.ofMinutes(10);

  private KeyTime() {}

  /** True if the key is a UUIDv7 dated more than {@link #MAX_AHEAD} after {@code nowMillis}. */
  static boolean tooFarAhead(String key, long nowMillis) {
    OptionalLong t = UuidV7.millisOf(key);
    return t.isPresent() && t.getAsLong() > nowMillis + MAX_AHEAD.toMillis();
  }

  /**
   * Whether an order placed under {@code key} may be in the order table at {@code nowMillis}: false
   * only for a UUIDv7 key younger than {@code archiveAfter - clockMargin}.
   */
  static boolean mayBeArchived(
      String key, long nowMillis, Duration archiveAfter, Duration clockMargin) {
    OptionalLong t = UuidV7.millisOf(key);
    return t.isEmpty()
        || t.getAsLong() <= nowMillis - archiveAfter.toMillis() + clockMargin.toMillis();
  }

  /**
   * The earliest time an order placed under {@code key} may go to the order table: the key's time
   * plus {@code archiveAfter}; 0 (any time) for a key that carries no time.
   */
  static long archivableFrom(String key, Duration archiveAfter) {
    OptionalLong t = UuidV7.millisOf(key);
    return t.isEmpty() ? 0 : t.getAsLong() + archiveAfter.toMillis();
  }
}
