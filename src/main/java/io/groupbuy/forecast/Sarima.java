package io.groupbuy.forecast;

import java.util.Arrays;

/**
 * A seasonal ARIMA(p,d,q)(P,D,Q)<sub>s</sub> model fitted by conditional sum of squares:
 *
 * <pre>φ(B)Φ(B^s) (∇^d ∇_s^D y_t − μ) = θ(B)Θ(B^s) e_t</pre>
 *
 * with e_t white noise of variance σ². The coefficients are searched in a space mapped onto
 * stationary AR and invertible MA polynomials (partial autocorrelations through tanh, then the
 * Durbin–Levinson recursion), so every fitted model can be forecast from. The mean μ is fitted only
 * when at most one difference is taken (with one difference it is a drift).
 */
public final class Sarima {
  private Sarima() {}

  /** The model's orders; {@code constant} fits μ (a mean, or a drift after one difference). */
  public record Order(int p, int d, int q, int sp, int sd, int sq, int period, boolean constant) {
    public Order {
      if (p < 0 || d < 0 || q < 0 || sp < 0 || sd < 0 || sq < 0 || period < 1)
        throw new IllegalArgumentException("orders must be >= 0 and the period >= 1");
      if (period == 1 && (sp > 0 || sd > 0 || sq > 0))
        throw new IllegalArgumentException("seasonal orders need a period above 1");
      if (constant && d + sd > 1)
        throw new IllegalArgumentException("a constant with more than one difference");
    }

    /** Coefficients estimated, σ² included. */
    int parameters() {
      return p + q + sp + sq + (constant ? 1 : 0) + 1;
    }

    /** Observations the differences use up. */
    int differenced() {
      return d + sd * period;
    }

    @Override
    public String toString() {
      String s = "ARIMA(" + p + "," + d + "," + q + ")";
      if (period > 1 && sp + sd + sq > 0) s += "(" + sp + "," + sd + "," + sq + ")" + period;
      return s + (constant ? (d + sd == 0 ? " with mean" : " with drift") : "");
    }
  }

  /**
   * A fitted model: its coefficients, σ², the corrected Akaike criterion, and what it needs to
   * forecast from the end of the series it was fitted to (or of a longer one, {@link #extend}).
   */
  public record Fitted(
      Order order,
      double[] ar,
      double[] ma,
      double[] seasonalAr,
      double[] seasonalMa,
      double mu,
      double sigma2,
      double aicc,
      double[] series,
      double[] residuals) {

    /**
     * Forecasts {@code horizon} steps from the end of the series, with intervals at {@code level}.
     */
    public Forecast forecast(int horizon, double level) {
      double[] big = fullAr(this);
      double[] theta = fullMa(this);
      int n = series.length;
      double[] y = Arrays.copyOf(series, n + horizon);
      double[] e = Arrays.copyOf(residuals, n + horizon);
      double drift = order.constant() ? mu * arSum(this) : 0;
      for (int t = n; t < n + horizon; t++) {
        double v = drift;
        for (int i = 1; i < big.length; i++) if (t - i >= 0) v += big[i] * y[t - i];
        for (int j = 1; j < theta.length; j++) if (t - j >= 0) v += theta[j] * e[t - j];
        y[t] = v;
      }
      // ψ-weights of the whole model (differences included) give the forecast error variance
      double[] psi = new double[horizon];
      double[] sd = new double[horizon];
      double sum = 0;
      for (int j = 0; j < horizon; j++) {
        double w = j == 0 ? 1 : (j < theta.length ? theta[j] : 0);
        for (int i = 1; i <= j && i < big.length; i++) w += big[i] * psi[j - i];
        psi[j] = w;
        sum += w * w;
        sd[j] = Math.sqrt(sigma2 * sum);
      }
      return Forecast.normal(order.toString(), level, Arrays.copyOfRange(y, n, n + horizon), sd);
    }

    /**
     * The same coefficients over a longer series (the fitted one with observations added): the
     * residuals are recomputed, nothing is re-estimated, so a model fitted weekly forecasts daily.
     */
    public Fitted extend(double[] longer) {
      double[] e = residualsOf(order, ar, ma, seasonalAr, seasonalMa, mu, longer);
      return new Fitted(order, ar, ma, seasonalAr, seasonalMa, mu, sigma2, aicc, longer.clone(), e);
    }
  }

  /**
   * Fits {@code order} to {@code y} by conditional sum of squares; {@code null} if the series is
   * too short for it (fewer than three observations per coefficient after differencing).
   */
  public static Fitted fit(double[] y, Order order) {
    double[] w = difference(y, order);
    int start = order.p() + order.sp() * order.period();
    int effective = w.length - start;
    int k = order.parameters();
    if (effective < Math.max(3 * k, 8)) return null;
    double mean = 0;
    for (double v : w) mean += v / w.length;
    double scale = 0;
    for (double v : w) scale += (v - mean) * (v - mean) / w.length;
    double spread = Math.sqrt(Math.max(scale, 1e-12));
    int free = order.p() + order.q() + order.sp() + order.sq();
    double[] start0 = new double[free + (order.constant() ? 1 : 0)];
    if (order.constant()) start0[free] = 0; // μ is searched as mean + x·spread
    final double m0 = mean;
    java.util.function.ToDoubleFunction<double[]> css =
        x -> {
          Coefficients c = Coefficients.of(order, x, m0, spread);
          double sse = sumOfSquares(order, c, w, start);
          return Double.isFinite(sse) ? sse : Double.MAX_VALUE;
        };
    NelderMead.Minimum best =
        NelderMead.minimise(css, start0, 0.3, 1e-8, 400 * (start0.length + 1));
    // a restart from the minimum found escapes the simplex collapsing early on ridges
    best = NelderMead.minimise(css, best.point(), 0.1, 1e-10, 200 * (start0.length + 1));
    Coefficients c = Coefficients.of(order, best.point(), m0, spread);
    double sse = best.value();
    double sigma2 = Math.max(sse / effective, 1e-12);
    double logLik = -0.5 * effective * (Math.log(2 * Math.PI * sigma2) + 1);
    double aic = -2 * logLik + 2 * k;
    double aicc =
        effective - k - 1 > 0 ? aic + 2.0 * k * (k + 1) / (effective - k - 1) : Double.MAX_VALUE;
    double[] e = residualsOf(order, c.ar, c.ma, c.sar, c.sma, c.mu, y);
    return new Fitted(order, c.ar, c.ma, c.sar, c.sma, c.mu, sigma2, aicc, y.clone(), e);
  }

  /** Coefficients read from the searched vector. */
  private record Coefficients(double[] ar, double[] ma, double[] sar, double[] sma, double mu) {
    static Coefficients of(Order o, double[] x, double mean, double spread) {
      int i = 0;
      double[] ar = stationary(x, i, o.p());
      i += o.p();
      double[] ma = negate(stationary(x, i, o.q()));
      i += o.q();
      double[] sar = stationary(x, i, o.sp());
      i += o.sp();
      double[] sma = negate(stationary(x, i, o.sq()));
      i += o.sq();
      double mu = o.constant() ? mean + x[i] * spread : 0;
      return new Coefficients(ar, ma, sar, sma, mu);
    }
  }

  /**
   * Coefficients φ of a stationary AR polynomial 1 − Σφ_i z^i from unconstrained values: each
   * mapped by tanh onto a partial autocorrelation in (−1, 1), then the Durbin–Levinson recursion.
   */
  static double[] stationary(double[] x, int from, int count) {
    double[] phi = new double[count];
    double[] previous = new double[count];
    for (int k = 0; k < count; k++) {
      double r = Math.tanh(x[from + k]);
      System.arraycopy(phi, 0, previous, 0, k);
      phi[k] = r;
      for (int j = 0; j < k; j++) phi[j] = previous[j] - r * previous[k - 1 - j];
    }
    return phi;
  }

  private static double[] negate(double[] v) {
    for (int i = 0; i < v.length; i++) v[i] = -v[i];
    return v;
  }

  /** ∇^d ∇_s^D y. */
  static double[] difference(double[] y, Order o) {
    double[] w = y.clone();
    for (int i = 0; i < o.sd(); i++) w = lagDifference(w, o.period());
    for (int i = 0; i < o.d(); i++) w = lagDifference(w, 1);
    return w;
  }

  private static double[] lagDifference(double[] w, int lag) {
    if (w.length <= lag) return new double[0];
    double[] out = new double[w.length - lag];
    for (int t = 0; t < out.length; t++) out[t] = w[t + lag] - w[t];
    return out;
  }

  /** Multiplies polynomials given as coefficient arrays (index = power of B). */
  static double[] multiply(double[] a, double[] b) {
    double[] out = new double[a.length + b.length - 1];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
    return out;
  }

  /** 1 − Σ φ_i B^(i·step) as a coefficient array. */
  private static double[] arPolynomial(double[] phi, int step) {
    double[] poly = new double[phi.length * step + 1];
    poly[0] = 1;
    for (int i = 0; i < phi.length; i++) poly[(i + 1) * step] = -phi[i];
    return poly;
  }

  /** 1 + Σ θ_j B^(j·step). */
  private static double[] maPolynomial(double[] theta, int step) {
    double[] poly = new double[theta.length * step + 1];
    poly[0] = 1;
    for (int j = 0; j < theta.length; j++) poly[(j + 1) * step] = theta[j];
    return poly;
  }

  /** Coefficients c_i of the stationary part written as w_t = Σ c_i w_(t−i) + ... (c_0 unused). */
  private static double[] stationaryAr(Order o, double[] ar, double[] sar) {
    double[] poly = multiply(arPolynomial(ar, 1), arPolynomial(sar, o.period()));
    for (int i = 0; i < poly.length; i++) poly[i] = -poly[i];
    return poly;
  }

  private static double[] fullMa(Order o, double[] ma, double[] sma) {
    return multiply(maPolynomial(ma, 1), maPolynomial(sma, o.period()));
  }

  static double[] fullMa(Fitted f) {
    return fullMa(f.order(), f.ma(), f.seasonalMa());
  }

  /**
   * The AR side of the whole model on y: φ(B)Φ(B^s)(1−B)^d(1−B^s)^D as y_t = Σ c_i y_(t−i) + ....
   */
  static double[] fullAr(Fitted f) {
    Order o = f.order();
    double[] poly = multiply(arPolynomial(f.ar(), 1), arPolynomial(f.seasonalAr(), o.period()));
    for (int i = 0; i < o.d(); i++) poly = multiply(poly, new double[] {1, -1});
    for (int i = 0; i < o.sd(); i++) {
      double[] seasonal = new double[o.period() + 1];
      seasonal[0] = 1;
      seasonal[o.period()] = -1;
      poly = multiply(poly, seasonal);
    }
    for (int i = 0; i < poly.length; i++) poly[i] = -poly[i];
    return poly;
  }

  /** φ(1)Φ(1): the constant term that μ contributes to the recursion. */
  static double arSum(Fitted f) {
    double s = 1;
    for (double v : f.ar()) s -= v;
    double seasonal = 1;
    for (double v : f.seasonalAr()) seasonal -= v;
    return s * seasonal;
  }

  private static double sumOfSquares(Order o, Coefficients c, double[] w, int start) {
    double[] a = stationaryAr(o, c.ar, c.sar);
    double[] b = fullMa(o, c.ma, c.sma);
    double[] e = new double[w.length];
    double sse = 0;
    for (int t = start; t < w.length; t++) {
      double v = w[t] - c.mu;
      for (int i = 1; i < a.length; i++) v -= a[i] * (w[t - i] - c.mu);
      for (int j = 1; j < b.length; j++) if (t - j >= start) v -= b[j] * e[t - j];
      e[t] = v;
      sse += v * v;
    }
    return sse;
  }

  /** One-step residuals on the scale of y (zero where the differences and AR lags start). */
  private static double[] residualsOf(
      Order o, double[] ar, double[] ma, double[] sar, double[] sma, double mu, double[] y) {
    double[] w = difference(y, o);
    int start = o.p() + o.sp() * o.period();
    double[] a = stationaryAr(o, ar, sar);
    double[] b = fullMa(o, ma, sma);
    double[] e = new double[w.length];
    for (int t = start; t < w.length; t++) {
      double v = w[t] - mu;
      for (int i = 1; i < a.length; i++) v -= a[i] * (w[t - i] - mu);
      for (int j = 1; j < b.length; j++) if (t - j >= start) v -= b[j] * e[t - j];
      e[t] = v;
    }
    double[] onY = new double[y.length];
    int shift = o.differenced();
    for (int t = 0; t < w.length; t++) onY[t + shift] = e[t];
    return onY;
  }
}
