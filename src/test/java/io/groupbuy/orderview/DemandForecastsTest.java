package io.groupbuy.orderview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DemandForecastsTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final double[] WEEK = {20, 18, 19, 22, 30, 45, 40};

  /** A mutable clock, so that a day can close. */
  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-03-10T04:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Nothing before 2026-01-01, then a weekly pattern by day of the week. */
  private static long[] weekly(LocalDate from, LocalDate to) {
    int days = (int) ChronoUnit.DAYS.between(from, to) + 1;
    long[] units = new long[days];
    for (int d = 0; d < days; d++) {
      LocalDate day = from.plusDays(d);
      if (day.isBefore(LocalDate.parse("2026-01-01"))) continue;
      units[d] = (long) WEEK[day.getDayOfWeek().getValue() - 1];
    }
    return units;
  }

  @Test
  void forecastsTheWeeklyPatternFromTheClosedDaysOnceADay() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    java.util.List<LocalDate> lastDays = new java.util.ArrayList<>();
    TestClock clock = new TestClock();
    DemandForecasts forecasts =
        new DemandForecasts(
            (w, sku, from, to) -> {
              reads.incrementAndGet();
              lastDays.add(to);
              return CompletableFuture.completedFuture(weekly(from, to));
            },
            120,
            ZONE,
            clock,
            Runnable::run);
    var r = forecasts.forecast("w1", "apple", 7).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(7, r.days().size());
    assertEquals("2026-03-10", r.days().get(0).day());
    assertEquals("2026-01-01", r.basedOnFrom(), "days before the first demand are left out");
    assertEquals(68, r.basedOnDays());
    for (var day : r.days()) {
      double truth = WEEK[LocalDate.parse(day.day()).getDayOfWeek().getValue() - 1];
      assertEquals(truth, day.mean(), 1.0, day + " by " + r.model());
      assertTrue(day.lower() <= day.mean() && day.mean() <= day.upper());
    }
    // the same day: served from the forecast made, a shorter horizon a slice of it
    assertEquals(3, forecasts.forecast("w1", "apple", 3).toCompletableFuture().get().days().size());
    assertEquals(1, reads.get());
    // a day closes: a new forecast
    clock.now = clock.now.plus(1, ChronoUnit.DAYS);
    var next = forecasts.forecast("w1", "apple", 7).toCompletableFuture().get();
    assertEquals("2026-03-11", next.days().get(0).day());
    assertEquals(2, reads.get());
    assertEquals(
        java.util.List.of(LocalDate.parse("2026-03-09"), LocalDate.parse("2026-03-10")),
        lastDays,
        "closed days only: up to yesterday");
    assertThrows(IllegalArgumentException.class, () -> forecasts.forecast("w1", "apple", 29));
  }

  @Test
  void noDemandYetIsZeroAndAFailedReadIsNotKept() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    DemandForecasts forecasts =
        new DemandForecasts(
            (w, sku, from, to) -> {
              if (reads.incrementAndGet() == 1)
                return CompletableFuture.failedFuture(new IllegalStateException("Cassandra down"));
              return CompletableFuture.completedFuture(new long[120]);
            },
            120,
            ZONE,
            new TestClock(),
            Runnable::run);
    assertThrows(
        Exception.class, () -> forecasts.forecast("w1", "pear", 7).toCompletableFuture().get());
    var r = forecasts.forecast("w1", "pear", 7).toCompletableFuture().get();
    assertEquals("no confirmed demand yet", r.model());
    assertEquals(0, r.basedOnDays());
    assertEquals(0.0, r.days().get(6).mean());
    assertEquals(2, reads.get());
  }

  @Test
  void closedDaysAreCheckedAgainstTheirOneDayForecasts() throws Exception {
    DemandForecasts forecasts =
        new DemandForecasts(
            (w, sku, from, to) -> CompletableFuture.completedFuture(weekly(from, to)),
            120,
            ZONE,
            new TestClock(),
            Runnable::run);
    var checks =
        forecasts
            .dayChecks("w1", "apple", LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-09"))
            .toCompletableFuture()
            .get();
    assertEquals(7, checks.size());
    assertEquals("2026-03-03", checks.get(0).day());
    assertEquals("2026-03-09", checks.get(6).day());
    for (var c : checks) {
      double truth = WEEK[LocalDate.parse(c.day()).getDayOfWeek().getValue() - 1];
      assertEquals(truth, c.sold(), 1e-9);
      assertEquals(truth, c.forecast(), 1.0, c.toString());
    }
  }
}
