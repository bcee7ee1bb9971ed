package io.groupbuy.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.costs.CostQuotes.Quote;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CostForecastsTest {
  private static final LocalDate START = LocalDate.of(2023, 1, 1);

  /** A cost with a strong weekly pattern, quoted on all but every fifth day. */
  private static List<Quote> weekly(int days, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] week = {4.0, 4.2, 4.4, 4.0, 3.6, 3.4, 3.8};
    List<Quote> quotes = new ArrayList<>();
    for (int t = 0; t < days; t++)
      if (t % 5 != 3) quotes.add(new Quote(START.plusDays(t), week[t % 7] + 0.02 * r.nextDouble()));
    return quotes;
  }

  private static CostForecasts forecasts(Map<String, List<Quote>> store, AtomicInteger reads) {
    return new CostForecasts(
        (sku, limit) -> {
          reads.incrementAndGet();
          List<Quote> all = store.getOrDefault(sku, List.of());
          return java.util.concurrent.CompletableFuture.completedFuture(
              all.subList(Math.max(0, all.size() - limit), all.size()));
        },
        120,
        Runnable::run);
  }

  private static Optional<CostForecasts.Result> get(CostForecasts f, String sku, int days)
      throws Exception {
    return f.forecast(sku, days).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void forecastsTheDaysAfterTheLastQuoteFromTheNewestQuotes() throws Exception {
    Map<String, List<Quote>> store = new ConcurrentHashMap<>();
    store.put("cabbage", weekly(200, 1));
    CostForecasts f = forecasts(store, new AtomicInteger());
    CostForecasts.Result r = get(f, "cabbage", 7).orElseThrow();
    LocalDate last = START.plusDays(199);
    assertEquals(last.toString(), r.basedOnTo());
    // the newest 120 quotes, not all 160
    assertEquals(120, r.basedOnQuotes());
    assertEquals(7, r.days().size());
    assertEquals(last.plusDays(1).toString(), r.days().get(0).day());
    double[] week = {4.0, 4.2, 4.4, 4.0, 3.6, 3.4, 3.8};
    double error = 0;
    double naiveError = 0;
    for (int h = 1; h <= 7; h++) {
      CostForecasts.Day d = r.days().get(h - 1);
      double truth = week[(199 + h) % 7] + 0.01;
      error += Math.abs(truth - d.cost()) / 7;
      naiveError += Math.abs(truth - r.lastCost()) / 7;
      assertTrue(d.lower() <= d.cost() && d.cost() <= d.upper());
    }
    // the weekly pattern, which the last cost carried forward misses, though every fifth day was
    // not quoted and carries the day before's cost
    assertTrue(error < 0.15 && error < naiveError / 2, error + " vs naive " + naiveError);
  }

  @Test
  void aNewQuoteRefreshesTheForecastAndAnUnknownSkuHasNone() throws Exception {
    Map<String, List<Quote>> store = new ConcurrentHashMap<>();
    List<Quote> quotes = new ArrayList<>(weekly(60, 2));
    store.put("leek", quotes);
    CostForecasts f = forecasts(store, new AtomicInteger());
    CostForecasts.Result before = get(f, "leek", 3).orElseThrow();
    assertEquals(before, get(f, "leek", 3).orElseThrow());
    quotes.add(new Quote(START.plusDays(60), 9.0));
    CostForecasts.Result after = get(f, "leek", 3).orElseThrow();
    assertEquals(START.plusDays(61).toString(), after.days().get(0).day());
    assertEquals(9.0, after.lastCost());
    assertTrue(get(f, "no-such", 3).isEmpty());
  }

  @Test
  void oneQuoteForecastsItsCostToStay() throws Exception {
    Map<String, List<Quote>> store = new ConcurrentHashMap<>();
    store.put("garlic", List.of(new Quote(START, 12.5)));
    CostForecasts.Result r = get(forecasts(store, new AtomicInteger()), "garlic", 2).orElseThrow();
    assertEquals(12.5, r.days().get(1).cost());
    assertEquals(1, r.basedOnQuotes());
  }
}
