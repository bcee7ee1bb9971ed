package io.groupbuy.forecast;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The wholesale cost forecast backtest: every item's daily price series is forecast from each day
 * after the cut (rolling origin), 1 and 7 days ahead, by the automatic seasonal ARIMA and by the
 * seasonal naive, naive and 7-day moving average baselines; errors are scored on the days the item
 * was really bought. The ARIMA is re-estimated (order included) every {@code --refit-every} days
 * and in between forecasts from the same coefficients over the newer data.
 *
 * <pre>
 * bin/forecast-eval --prices FILE --cut DATE [--items FILE] [--window 365] [--refit-every 7]
 * </pre>
 */
public final class CostBacktest {
  private static final PrintStream out = System.out;
  static final int[] HORIZONS = {1, 7};

  /** Observations an item needs before the cut to be forecast at all. */
  static final int MIN_OBSERVED = 28;

  private CostBacktest() {}

  /**
   * The methods compared: ours (the ARIMA or a naive method, chosen per item and horizon by the
   * last {@value #VALIDATION_DAYS} days before each re-estimation), the ARIMA alone, and the
   * baselines; the seasonal naive is the reference of the goal.
   */
  static final List<String> METHODS =
      List.of("ours", "seasonal ARIMA", "seasonal naive", "naive", "moving average 7");

  static final int VALIDATION_DAYS = 28;
  private static final String[] COLUMNS = {"ours", "ARIMA", "s-naive", "naive", "MA7"};

  /** Sums of errors for one method, horizon and group of items. */
  static final class Score {
    double absError;
    double absActual;
    double scaledError;
    int points;

    void add(double forecast, double actual, double scale) {
      double e = Math.abs(forecast - actual);
      absError += e;
      absActual += Math.abs(actual);
      scaledError += e / scale;
      points++;
    }

    void add(Score o) {
      absError += o.absError;
      absActual += o.absActual;
      scaledError += o.scaledError;
      points += o.points;
    }

    double wape() {
      return absActual == 0 ? Double.NaN : absError / absActual;
    }

    double mase() {
      return points == 0 ? Double.NaN : scaledError / points;
    }
  }

  /** An item's scores: method → horizon → score. */
  record ItemScores(String category, Map<String, Map<Integer, Score>> scores, String[] used) {}

  public static void main(String[] args) {
    Map<String, String> o = options(args);
    Path prices = Path.of(require(o, "prices"));
    LocalDate cut = LocalDate.parse(require(o, "cut"));
    Path items =
        o.containsKey("items")
            ? Path.of(o.get("items"))
            : (prices.getParent() == null
                ? Path.of("items.csv")
                : prices.getParent().resolve("items.csv"));
    int window = Integer.parseInt(o.getOrDefault("window", "365"));
    int refitEvery = Integer.parseInt(o.getOrDefault("refit-every", "7"));
    long t0 = System.nanoTime();
    List<PriceSeries.Item> series = PriceSeries.read(prices, PriceSeries.categories(items));
    LocalDate last =
        series.stream()
            .map(i -> i.day(i.price().length - 1))
            .max(LocalDate::compareTo)
            .orElseThrow();
    if (!cut.isAfter(
            series.stream().map(PriceSeries.Item::first).min(LocalDate::compareTo).orElseThrow())
        || !cut.isBefore(last))
      throw new IllegalArgumentException(
          "the cut " + cut + " must fall inside the file's dates, before " + last);
    List<PriceSeries.Item> eligible = new ArrayList<>();
    int tooShort = 0;
    int notAfter = 0;
    for (PriceSeries.Item item : series) {
      int cutIndex = item.indexOf(cut);
      if (cutIndex <= 0 || item.observedUpTo(cutIndex - 1) < MIN_OBSERVED) {
        tooShort++;
        continue;
      }
      boolean after = false;
      for (int t = cutIndex; t < item.price().length; t++) after |= item.observed()[t];
      if (!after) {
        notAfter++;
        continue;
      }
      eligible.add(item);
    }
    out.printf(
        Locale.ROOT,
        "Cost forecast backtest: %s, %,d items, %s .. %s; cut %s (%d days after it), window %d days,"
            + " ARIMA re-estimated every %d days.%n"
            + "Scored: %d items bought after the cut with at least %d purchase days before it (%d"
            + " with fewer left out, %d not bought after the cut).%n",
        prices,
        series.size(),
        series.stream().map(PriceSeries.Item::first).min(LocalDate::compareTo).orElseThrow(),
        last,
        cut,
        java.time.temporal.ChronoUnit.DAYS.between(cut, last) + 1,
        window,
        refitEvery,
        eligible.size(),
        MIN_OBSERVED,
        tooShort,
        notAfter);
    AtomicInteger done = new AtomicInteger();
    List<ItemScores> results =
        eligible.parallelStream()
            .map(
                item -> {
                  ItemScores s = backtest(item, cut, window, refitEvery);
                  int n = done.incrementAndGet();
                  if (n % 10 == 0 || n == eligible.size())
                    out.printf(
                        Locale.ROOT,
                        "  ... %d of %d items (%.0f s)%n",
                        n,
                        eligible.size(),
                        (System.nanoTime() - t0) / 1e9);
                  return s;
                })
            .collect(Collectors.toList());
    report(results);
    for (int k = 0; k < HORIZONS.length; k++) {
      int at = k;
      Map<String, Long> used =
          results.stream()
              .collect(
                  Collectors.groupingBy(r -> r.used()[at], TreeMap::new, Collectors.counting()));
      out.printf(
          Locale.ROOT,
          "Ours, %d day%s ahead, at the last re-estimation used (items): %s%n",
          HORIZONS[k],
          HORIZONS[k] == 1 ? "" : "s",
          used);
    }
    out.printf(Locale.ROOT, "Took %.0f s.%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Rolling-origin forecasts of one item from the day before the cut to the end. */
  static ItemScores backtest(PriceSeries.Item item, LocalDate cut, int window, int refitEvery) {
    double[] y = item.price();
    int cutIndex = item.indexOf(cut);
    double scale = seasonalNaiveScale(item, cutIndex, 7);
    Map<String, Map<Integer, Score>> scores = new LinkedHashMap<>();
    for (String m : METHODS) {
      Map<Integer, Score> byH = new LinkedHashMap<>();
      for (int h : HORIZONS) byH.put(h, new Score());
      scores.put(m, byH);
    }
    int maxH = HORIZONS[HORIZONS.length - 1];
    Forecaster arima = new AutoSarima(7);
    BacktestedChoice ours =
        new BacktestedChoice(
            List.of(arima, new SeasonalNaive(1), new SeasonalNaive(7)), VALIDATION_DAYS, maxH);
    Forecaster[] baselines = {new SeasonalNaive(7), new SeasonalNaive(1), new MovingAverage(7)};
    BacktestedChoice.Choice oursModel = null;
    Forecaster.Model arimaModel = null;
    int fittedFrom = 0;
    String[] used = new String[0];
    for (int origin = cutIndex - 1; origin + 1 < y.length; origin++) {
      if ((origin - (cutIndex - 1)) % refitEvery == 0) {
        fittedFrom = Math.max(0, origin + 1 - window);
        double[] fitOn = Arrays.copyOfRange(y, fittedFrom, origin + 1);
        oursModel = ours.model(fitOn, Arrays.copyOfRange(item.observed(), fittedFrom, origin + 1));
        arimaModel = arima.model(fitOn);
        used = new String[HORIZONS.length];
        for (int k = 0; k < HORIZONS.length; k++) used[k] = folded(oursModel.usedAt(HORIZONS[k]));
      }
      boolean anyTarget = false;
      for (int h : HORIZONS) anyTarget |= origin + h < y.length && item.observed()[origin + h];
      if (!anyTarget) continue;
      double[] since = Arrays.copyOfRange(y, fittedFrom, origin + 1);
      double[] history = Arrays.copyOfRange(y, Math.max(0, origin + 1 - window), origin + 1);
      List<Forecast> forecasts = new ArrayList<>();
      forecasts.add(oursModel.forecast(since, maxH, 0.8).floored(0));
      forecasts.add(arimaModel.forecast(since, maxH, 0.8).floored(0));
      for (Forecaster b : baselines) forecasts.add(b.forecast(history, maxH, 0.8));
      for (int h : HORIZONS) {
        int target = origin + h;
        if (target >= y.length || !item.observed()[target]) continue;
        for (int m = 0; m < METHODS.size(); m++)
          scores.get(METHODS.get(m)).get(h).add(forecasts.get(m).at(h), y[target], scale);
      }
    }
    return new ItemScores(item.category(), scores, used);
  }

  /**
   * The MASE scale: the mean absolute error of the seasonal naive forecast over the training part
   * (days before the cut whose price was observed); a floor keeps a never-changing price from
   * dividing by zero.
   */
  static double seasonalNaiveScale(PriceSeries.Item item, int cutIndex, int period) {
    double s = 0;
    int n = 0;
    double[] y = item.price();
    for (int t = period; t < cutIndex; t++) {
      if (!item.observed()[t]) continue;
      s += Math.abs(y[t] - y[t - period]);
      n++;
    }
    double mean = 0;
    for (int t = 0; t < cutIndex; t++) mean += y[t] / cutIndex;
    return Math.max(n == 0 ? 0 : s / n, 1e-3 * mean + 1e-9);
  }

  private static void report(List<ItemScores> results) {
    Map<String, List<ItemScores>> byCategory = new TreeMap<>();
    for (ItemScores r : results)
      byCategory.computeIfAbsent(r.category(), k -> new ArrayList<>()).add(r);
    for (int h : HORIZONS) {
      out.printf(Locale.ROOT, "%nHorizon %d day%s ahead%n", h, h == 1 ? "" : "s");
      out.printf(
          Locale.ROOT,
          "%-12s %5s %6s | WAPE:%s | MASE:%s | WAPE ours/s-naive%n",
          "category",
          "items",
          "points",
          header(),
          header());
      Map<String, Score> total = new LinkedHashMap<>();
      for (String m : METHODS) total.put(m, new Score());
      for (var entry : byCategory.entrySet()) {
        Map<String, Score> pooled = new LinkedHashMap<>();
        for (String m : METHODS) pooled.put(m, new Score());
        for (ItemScores r : entry.getValue())
          for (String m : METHODS) pooled.get(m).add(r.scores().get(m).get(h));
        for (String m : METHODS) total.get(m).add(pooled.get(m));
        row(padded(entry.getKey(), 12), entry.getValue().size(), pooled);
      }
      row(padded("total", 12), results.size(), total);
      double ratio = total.get(METHODS.get(0)).wape() / total.get(METHODS.get(2)).wape();
      if (h == 1)
        out.printf(
            Locale.ROOT,
            "Goal (1 day): WAPE of ours <= 0.85 x seasonal naive: %.3f -> %s%n",
            ratio,
            ratio <= 0.85 ? "met" : "not met");
    }
  }

  private static void row(String name, int items, Map<String, Score> s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s %5d %6d |", name, items, s.get(METHODS.get(0)).points));
    for (String m : METHODS) b.append(String.format(Locale.ROOT, " %7.3f", s.get(m).wape()));
    b.append(" |     ");
    for (String m : METHODS) b.append(String.format(Locale.ROOT, " %7.3f", s.get(m).mase()));
    b.append(" ");
    b.append(
        String.format(
            Locale.ROOT, "| %.3f", s.get(METHODS.get(0)).wape() / s.get(METHODS.get(2)).wape()));
    out.println(b);
  }

  /** An ARIMA's description with its p and q folded, so that counts group by kind of model. */
  private static String folded(String model) {
    return model.replaceAll("\\(\\d+,(\\d+),\\d+\\)", "(p,$1,q)");
  }

  private static String header() {
    StringBuilder b = new StringBuilder();
    for (String c : COLUMNS) b.append(String.format(Locale.ROOT, " %7s", c));
    return b.toString();
  }

  /** Pads to a display width, counting a CJK character as two columns. */
  static String padded(String s, int width) {
    int w = 0;
    for (int i = 0; i < s.length(); i++) w += s.charAt(i) >= 0x2E80 ? 2 : 1;
    return s + " ".repeat(Math.max(0, width - w));
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--"))
        throw new IllegalArgumentException(
            "unexpected argument " + args[i] + " (options are --name value)");
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) o.put(key, args[++i]);
      else o.put(key, "");
    }
    return o;
  }

  static String require(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null || v.isEmpty())
      throw new IllegalArgumentException(
          "--" + key + " is required (bin/forecast-eval --prices FILE --cut YYYY-MM-DD)");
    return v;
  }
}
