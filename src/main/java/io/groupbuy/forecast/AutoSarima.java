package io.groupbuy.forecast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seasonal ARIMA with its order chosen per series, after Hyndman and Khandakar's automatic
 * procedure: the seasonal difference if the seasonal strength of the series exceeds 0.64, the
 * ordinary differences by repeated KPSS tests at 5%, then a stepwise search over p, q, P, Q and the
 * constant that keeps the model of lowest corrected AIC (all candidates share the differences, so
 * their criteria compare).
 */
public final class AutoSarima implements Forecaster {
  /** The bounds of the search. */
  public record Limits(
      int maxP, int maxQ, int maxSeasonalP, int maxSeasonalQ, int maxD, int maxModels) {
    public static Limits defaults() {
      return new Limits(3, 3, 1, 1, 2, 40);
    }
  }

  private static final double KPSS_CRITICAL_5PCT = 0.463;
  private static final double SEASONAL_STRENGTH = 0.64;

  private final int period;
  private final Limits limits;

  /** {@code period}: the seasonal period (7 for daily data with a weekly pattern; 1 for none). */
  public AutoSarima(int period, Limits limits) {
    if (period < 1) throw new IllegalArgumentException("period must be >= 1");
    this.period = period;
    this.limits = limits;
  }

  public AutoSarima(int period) {
    this(period, Limits.defaults());
  }

  @Override
  public String name() {
    return "seasonal ARIMA (auto)";
  }

  /** The best model for the history; the seasonal naive method if the history is too short. */
  @Override
  public Model model(double[] history) {
    Sarima.Fitted fitted = fit(history);
    if (fitted == null) return new SeasonalNaive(period).model(history);
    return new Model() {
      @Override
      public String description() {
        return fitted.order().toString();
      }

      @Override
      public Forecast forecast(double[] longer, int horizon, double level) {
        Sarima.Fitted f = longer.length == fitted.series().length ? fitted : fitted.extend(longer);
        return f.forecast(horizon, level);
      }
    };
  }

  /** The best model for {@code y}, or {@code null} if the series is too short for any. */
  public Sarima.Fitted fit(double[] y) {
    int seasonalD =
        period > 1 && y.length >= 3 * period && seasonalStrength(y, period) > SEASONAL_STRENGTH
            ? 1
            : 0;
    double[] w = y;
    if (seasonalD == 1) w = lagDifference(w, period);
    int d = 0;
    while (d < limits.maxD() && w.length > 10 && kpss(w) > KPSS_CRITICAL_5PCT) {
      w = lagDifference(w, 1);
      d++;
    }
    int s = period;
    boolean seasonal = period > 1;
    Map<Sarima.Order, Sarima.Fitted> tried = new HashMap<>();
    boolean canConstant = d + seasonalD <= 1;
    List<Sarima.Order> initial = new ArrayList<>();
    initial.add(order(2, d, 2, seasonal ? 1 : 0, seasonalD, seasonal ? 1 : 0, s, canConstant));
    initial.add(order(0, d, 0, 0, seasonalD, 0, s, canConstant));
    initial.add(order(1, d, 0, seasonal ? 1 : 0, seasonalD, 0, s, canConstant));
    initial.add(order(0, d, 1, 0, seasonalD, seasonal ? 1 : 0, s, canConstant));
    if (canConstant) initial.add(order(0, d, 0, 0, seasonalD, 0, s, false));
    Sarima.Fitted best = null;
    for (Sarima.Order o : initial) best = better(best, tryFit(y, o, tried));
    boolean improved = best != null;
    while (improved && tried.size() < limits.maxModels()) {
      improved = false;
      for (Sarima.Order o : neighbours(best.order(), seasonal)) {
        if (tried.containsKey(o) || tried.size() >= limits.maxModels()) continue;
        Sarima.Fitted f = tryFit(y, o, tried);
        if (f != null && f.aicc() < best.aicc()) {
          best = f;
          improved = true;
          break;
        }
      }
    }
    return best;
  }

  private Sarima.Order order(int p, int d, int q, int sp, int sd, int sq, int s, boolean constant) {
    if (s == 1) return new Sarima.Order(p, d, q, 0, 0, 0, 1, constant);
    return new Sarima.Order(p, d, q, sp, sd, sq, s, constant);
  }

  private List<Sarima.Order> neighbours(Sarima.Order o, boolean seasonal) {
    List<Sarima.Order> out = new ArrayList<>();
    int[][] steps = {
      {-1, 0, 0, 0}, {1, 0, 0, 0}, {0, -1, 0, 0}, {0, 1, 0, 0},
      {-1, -1, 0, 0}, {1, 1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0},
      {0, 0, -1, 0}, {0, 0, 1, 0}, {0, 0, 0, -1}, {0, 0, 0, 1}
    };
    for (int[] st : steps) {
      int p = o.p() + st[0];
      int q = o.q() + st[1];
      int sp = o.sp() + st[2];
      int sq = o.sq() + st[3];
      if (p < 0 || q < 0 || sp < 0 || sq < 0) continue;
      if (p > limits.maxP() || q > limits.maxQ()) continue;
      if (sp > limits.maxSeasonalP() || sq > limits.maxSeasonalQ()) continue;
      if (!seasonal && (sp > 0 || sq > 0)) continue;
      out.add(order(p, o.d(), q, sp, o.sd(), sq, o.period(), o.constant()));
    }
    if (o.d() + o.sd() <= 1)
      out.add(order(o.p(), o.d(), o.q(), o.sp(), o.sd(), o.sq(), o.period(), !o.constant()));
    return out;
  }

  private static Sarima.Fitted tryFit(
      double[] y, Sarima.Order o, Map<Sarima.Order, Sarima.Fitted> tried) {
    Sarima.Fitted f = Sarima.fit(y, o);
    tried.put(o, f);
    return f;
  }

  private static Sarima.Fitted better(Sarima.Fitted a, Sarima.Fitted b) {
    if (a == null) return b;
    if (b == null) return a;
    return b.aicc() < a.aicc() ? b : a;
  }

  /**
   * The KPSS statistic for level stationarity: the scaled sum of squared partial sums of the
   * demeaned series over a Newey–West long-run variance (Bartlett weights, lag ⌊4(n/100)^¼⌋).
   */
  static double kpss(double[] y) {
    int n = y.length;
    double mean = 0;
    for (double v : y) mean += v / n;
    double[] e = new double[n];
    for (int t = 0; t < n; t++) e[t] = y[t] - mean;
    double partial = 0;
    double eta = 0;
    for (int t = 0; t < n; t++) {
      partial += e[t];
      eta += partial * partial;
    }
    eta /= (double) n * n;
    int lags = (int) Math.floor(4 * Math.pow(n / 100.0, 0.25));
    double s2 = 0;
    for (double v : e) s2 += v * v;
    s2 /= n;
    for (int l = 1; l <= lags && l < n; l++) {
      double g = 0;
      for (int t = l; t < n; t++) g += e[t] * e[t - l];
      s2 += 2 * (1 - l / (lags + 1.0)) * g / n;
    }
    return s2 <= 0 ? 0 : eta / s2;
  }

  /**
   * Seasonal strength 1 − Var(remainder) / Var(seasonal + remainder) of a classical additive
   * decomposition (a centred moving average for the trend, mean detrended value per phase for the
   * season), floored at 0.
   */
  static double seasonalStrength(double[] y, int period) {
    int n = y.length;
    int half = period / 2;
    double[] trend = new double[n];
    boolean[] has = new boolean[n];
    for (int t = half; t + half < n; t++) {
      double sum = 0;
      if (period % 2 == 1) {
        for (int k = -half; k <= half; k++) sum += y[t + k];
        trend[t] = sum / period;
      } else {
        sum = 0.5 * y[t - half] + 0.5 * y[t + half];
        for (int k = -half + 1; k < half; k++) sum += y[t + k];
        trend[t] = sum / period;
      }
      has[t] = true;
    }
    double[] phaseSum = new double[period];
    int[] phaseCount = new int[period];
    for (int t = 0; t < n; t++) {
      if (!has[t]) continue;
      phaseSum[t % period] += y[t] - trend[t];
      phaseCount[t % period]++;
    }
    double[] seasonal = new double[period];
    double overall = 0;
    for (int k = 0; k < period; k++) {
      seasonal[k] = phaseCount[k] == 0 ? 0 : phaseSum[k] / phaseCount[k];
      overall += seasonal[k] / period;
    }
    for (int k = 0; k < period; k++) seasonal[k] -= overall;
    double[] remainder = new double[n];
    double[] detrended = new double[n];
    int m = 0;
    for (int t = 0; t < n; t++) {
      if (!has[t]) continue;
      detrended[m] = y[t] - trend[t];
      remainder[m] = detrended[m] - seasonal[t % period];
      m++;
    }
    double vr = variance(remainder, m);
    double vd = variance(detrended, m);
    return vd <= 0 ? 0 : Math.max(0, 1 - vr / vd);
  }

  private static double variance(double[] v, int n) {
    if (n < 2) return 0;
    double mean = 0;
    for (int i = 0; i < n; i++) mean += v[i] / n;
    double s = 0;
    for (int i = 0; i < n; i++) s += (v[i] - mean) * (v[i] - mean);
    return s / (n - 1);
  }

  private static double[] lagDifference(double[] w, int lag) {
    double[] out = new double[Math.max(0, w.length - lag)];
    for (int t = 0; t < out.length; t++) out[t] = w[t + lag] - w[t];
    return out;
  }
}
