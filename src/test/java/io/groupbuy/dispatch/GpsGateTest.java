package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.dispatch.GpsGate.Admitted;
import io.groupbuy.dispatch.GpsGate.Refusal;
import io.groupbuy.dispatch.GpsGate.Refused;
import io.groupbuy.platform.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The edge's admission of a fix, on a clock of the test's choosing. */
class GpsGateTest {
  static final Instant NOW = Instant.parse("2026-12-04T08:00:00Z");
  final GpsGate gate =
      new GpsGate(
          new GpsGate.Settings(Duration.ofMinutes(10), Duration.ofMinutes(1), 5000),
          new Metrics(),
          null,
          Duration.ofSeconds(5),
          Clock.fixed(NOW, ZoneOffset.UTC));

  Refusal refusal(String vehicleId, double lat, double lng, double speed, long at) {
    GpsGate.Admission a = gate.admit(vehicleId, lat, lng, speed, at);
    return a instanceof Refused r ? r.reason() : null;
  }

  @Test
  void admitsAFixAndStampsItWithTheClock() {
    GpsGate.Admission a = gate.admit("v1", 30.2, 120.1, 25, NOW.toEpochMilli() - 1000);
    assertTrue(a instanceof Admitted, a.toString());
    Admitted ok = (Admitted) a;
    assertEquals(NOW.toEpochMilli() * 1000, ok.fix().receivedAtMicros());
    assertEquals(30.2, ok.fix().fix().lat());
  }

  @Test
  void refusesEachKindOfBadFixByItsReason() {
    long now = NOW.toEpochMilli();
    assertEquals(Refusal.BAD_VEHICLE_ID, refusal("v 1", 30, 120, 10, now));
    assertEquals(Refusal.OUT_OF_RANGE, refusal("v1", 91, 120, 10, now));
    assertEquals(Refusal.OUT_OF_RANGE, refusal("v1", 30, 120, 301, now));
    assertEquals(
        Refusal.STALE, refusal("v1", 30, 120, 10, now - Duration.ofMinutes(11).toMillis()));
    assertEquals(
        Refusal.FUTURE, refusal("v1", 30, 120, 10, now + Duration.ofMinutes(2).toMillis()));
    assertEquals(null, refusal("v2", 30, 120, -1, now));
    assertEquals(Refusal.DUPLICATE, refusal("v2", 30.1, 120.1, 10, now), "not newer than the last");
    assertEquals("bad-vehicle-id", Refusal.BAD_VEHICLE_ID.code());
  }
}
