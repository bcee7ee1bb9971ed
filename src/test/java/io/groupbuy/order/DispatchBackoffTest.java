package io.groupbuy.order;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatchBackoffTest {
  private static void assertBetween(long lowMs, long highMs, int attempt) {
    for (int i = 0; i < 200; i++) {
      long ms = Order.dispatchBackoff(attempt).toMillis();
      assertTrue(ms >= lowMs && ms <= highMs, attempt + ": " + ms + " ms");
    }
  }

  @Test
  void doublesFromHalfASecondWithJitterAndStopsGrowingAtThirtySeconds() {
    assertBetween(250, 500, 1);
    assertBetween(500, 1000, 2);
    assertBetween(4000, 8000, 5);
    assertBetween(15_000, 30_000, 7);
    assertBetween(15_000, 30_000, 1_000);
    assertTrue(Order.DISPATCH_BACKOFF_MAX.equals(Duration.ofSeconds(30)));
  }

  @Test
  void retriesTogetherDoNotComeBackTogether() {
    long first = Order.dispatchBackoff(6).toMillis();
    boolean spread = false;
    for (int i = 0; i < 50 && !spread; i++) spread = Order.dispatchBackoff(6).toMillis() != first;
    assertTrue(spread, "50 draws all gave " + first + " ms");
  }
}
