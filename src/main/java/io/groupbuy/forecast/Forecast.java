package io.groupbuy.forecast;

/**
 * A forecast of the next {@code mean.length} steps of a series: the point forecast and a prediction
 * interval at {@code level} (e.g. 0.8: the value falls between {@code lower} and {@code upper} with
 * that probability under the model), and which model made it.
 */
public record Forecast(String model, double level, double[] mean, double[] lower, double[] upper) {
  public Forecast {
    if (mean.length != lower.length || mean.length != upper.length)
      throw new IllegalArgumentException("mean, lower and upper differ in length");
    if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1)");
  }

  public int horizon() {
    return mean.length;
  }

  /** The forecast {@code h} steps ahead (1-based). */
  public double at(int h) {
    return mean[h - 1];
  }

  /**
   * A forecast with normal errors: {@code mean[i]} ± z·{@code sd[i]}, where z is the normal
   * quantile of the two-sided {@code level}.
   */
  public static Forecast normal(String model, double level, double[] mean, double[] sd) {
    double z = normalQuantile(0.5 + level / 2);
    double[] lower = new double[mean.length];
    double[] upper = new double[mean.length];
    for (int i = 0; i < mean.length; i++) {
      lower[i] = mean[i] - z * sd[i];
      upper[i] = mean[i] + z * sd[i];
    }
    return new Forecast(model, level, mean, lower, upper);
  }

  /**
   * The same forecast with every value floored at {@code min} (demand and prices are not negative).
   */
  public Forecast floored(double min) {
    double[] m = mean.clone();
    double[] l = lower.clone();
    double[] u = upper.clone();
    for (int i = 0; i < m.length; i++) {
      m[i] = Math.max(min, m[i]);
      l[i] = Math.max(min, l[i]);
      u[i] = Math.max(min, u[i]);
    }
    return new Forecast(model, level, m, l, u);
  }

  /**
   * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9,
   * ample for interval widths).
   */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0, 1)");
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) return -normalQuantile(1 - p);
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
