package io.groupbuy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthTest {
  static final String SECRET = "a-test-secret-that-is-at-least-32-characters";

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-12-05T08:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItExpires() {
    TestClock clock = new TestClock();
    Auth auth = new Auth(SECRET, "groupbuy", 100, clock);
    String token = auth.issue("c1", Auth.Role.CUSTOMER, Duration.ofMinutes(10));
    Auth.Principal c1 = new Auth.Principal("c1", Auth.Role.CUSTOMER);
    assertEquals(Optional.of(c1), auth.verifyHeader("Bearer " + token));
    assertEquals(Optional.of(c1), auth.verify(token));
    assertEquals(1, auth.cachedTokens());

    clock.now =
        clock.now.plus(Duration.ofMinutes(10)).plusSeconds(Auth.LEEWAY_SECONDS).minusMillis(1);
    assertEquals(Optional.of(c1), auth.verify(token), "still within the leeway");
    clock.now = clock.now.plusMillis(1);
    assertEquals(Optional.empty(), auth.verify(token), "expired, although it was cached");
    assertEquals(0, auth.cachedTokens());
  }

  @Test
  void refusedTokensAreNotRememberedAndTheCacheIsBounded() {
    TestClock clock = new TestClock();
    Auth auth = new Auth(SECRET, "groupbuy", 10, clock);
    Auth forger = new Auth("another-secret-that-is-at-least-32-chars", "groupbuy", 10, clock);
    String forged = forger.issue("op", Auth.Role.OPERATOR, Duration.ofHours(1));
    assertEquals(Optional.empty(), auth.verify(forged));
    assertEquals(Optional.empty(), auth.verify("not.a.token"));
    assertEquals(0, auth.cachedTokens());
    for (int i = 0; i < 100; i++) {
      String token = auth.issue("c" + i, Auth.Role.CUSTOMER, Duration.ofHours(1));
      assertTrue(auth.verify(token).isPresent());
    }
    assertTrue(auth.cachedTokens() <= 10, () -> auth.cachedTokens() + " cached");
  }

  @Test
  void withoutACacheEveryRequestIsVerified() {
    TestClock clock = new TestClock();
    Auth auth = new Auth(SECRET, "groupbuy", 0, clock);
    String token = auth.issue("d1", Auth.Role.DRIVER, Duration.ofMinutes(1));
    assertTrue(auth.verify(token).isPresent());
    assertEquals(0, auth.cachedTokens());
    clock.now = clock.now.plusSeconds(60 + Auth.LEEWAY_SECONDS + 1);
    assertEquals(Optional.empty(), auth.verify(token));
  }
}
