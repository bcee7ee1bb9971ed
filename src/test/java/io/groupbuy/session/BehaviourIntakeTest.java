package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.session.BehaviourEvent.Rejection;
import io.groupbuy.session.BehaviourIntake.RawEvent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each rule of the edge, on one event at a time. */
class BehaviourIntakeTest {
  private static final RawEvent OK =
      new RawEvent("e1", "u1", 1_000L, "view", "apple", "home", 1200L);

  private static Optional<Rejection> check(
      String id, String user, Long ts, String action, String sku, String page, Long duration) {
    return BehaviourIntake.check(new RawEvent(id, user, ts, action, sku, page, duration));
  }

  @Test
  void aCompleteEventPasses() {
    assertEquals(Optional.empty(), BehaviourIntake.check(OK));
    assertEquals(Optional.empty(), check("e1", "u1", 1L, "COUPON-use", null, null, null));
  }

  @Test
  void eachMissingOrMalformedFieldHasItsReason() {
    assertEquals(
        Optional.of(Rejection.MISSING_EVENT_ID), check(" ", "u1", 1L, "view", null, null, null));
    assertEquals(
        Optional.of(Rejection.MISSING_USER), check("e1", null, 1L, "view", null, null, null));
    assertEquals(
        Optional.of(Rejection.MISSING_ACTION), check("e1", "u1", 1L, null, null, null, null));
    assertEquals(
        Optional.of(Rejection.MISSING_TIMESTAMP),
        check("e1", "u1", null, "view", null, null, null));
    assertEquals(
        Optional.of(Rejection.NEGATIVE_DURATION), check("e1", "u1", 1L, "view", null, null, -5L));
    assertEquals(
        Optional.of(Rejection.UNKNOWN_ACTION), check("e1", "u1", 1L, "teleport", null, null, null));
    assertEquals(
        Optional.of(Rejection.INVALID_ID), check("e 1", "u1", 1L, "view", null, null, null));
    assertEquals(
        Optional.of(Rejection.INVALID_ID), check("e1", "u/1", 1L, "view", null, null, null));
    assertEquals(
        Optional.of(Rejection.UNKNOWN_SKU), check("e1", "u1", 1L, "view", "a b", null, null));
    assertEquals(
        Optional.of(Rejection.PAGE_TOO_LONG),
        check("e1", "u1", 1L, "view", null, "p".repeat(201), null));
  }
}
