package io.groupbuy.forecast;

/**
 * Daily demand as a log-linear function of the shelf price, the price against a competitor's, the
 * day of the week and a trend: a negative-binomial regression (Poisson quasi-likelihood fitted by
 * iteratively reweighted least squares, the over-dispersion estimated from the residuals). A
 * univariate model sees a price change only after it has moved the sales; this one forecasts from
 * the price the platform has set for the day, which it knows when it orders.
 *
 * <p>log E[y_t] = a + w_{t mod 7} + b (t / 28) + c log(p_t / p̄) + d log(p_t / q_t), with p the
 * shelf price, p̄ its mean over the fit, q the competitor's price (the last term left out when none
 * is known). A small ridge penalty keeps the fit defined when a price never moved.
 */
public final class PriceResponse {
  /** Days of history needed: four weeks for the weekday effects. */
  public static final int MIN_DAYS = 28;

  /** The coefficients of the days of the week (weekday 0 is the baseline in the intercept). */
  public static final int[] WEEKDAYS = {1, 2, 3, 4, 5, 6};

  /** The coefficient of the log shelf price (the own-price elasticity, competitor held). */
  public static final int PRICE = 8;

  /** The coefficient of the log price against the competitor's. */
  public static final int COMPETITOR = 9;

  /**
   * What other series say about some coefficients: a normal prior on each, {@code mean[j]} and
   * {@code precision[j]} (1 / variance; 0 leaves coefficient j to the series' own data alone).
   */
  public record Prior(double[] mean, double[] precision) {
    public static final Prior NONE = new Prior(new double[0], new double[0]);

    /** This prior with {@code other}'s on the coefficients {@code other} has one for. */
    public Prior and(Prior other) {
      int k = Math.max(mean.length, other.mean.length);
      double[] m = java.util.Arrays.copyOf(mean, k);
      double[] p = java.util.Arrays.copyOf(precision, k);
      for (int j = 0; j < other.mean.length; j++)
        if (other.precision[j] > 0) {
          m[j] = other.mean[j];
          p[j] = other.precision[j];
        }
      return new Prior(m, p);
    }

    double precisionOf(int j) {
      return j < precision.length ? precision[j] : 0;
    }

    double meanOf(int j) {
      return j < mean.length ? mean[j] : 0;
    }
  }

  private static final double RIDGE = 1e-2;
  // EM on sold-out days converges slowly when many days sold out; uncensored fits stop in a few
  private static final int ITERATIONS = 300;

  private final double[] beta;
  private final boolean withCompetitor;
  private final double meanLogPrice;
  private final int firstDay;
  private final int days;
  private final double inverseShape;

  /** The coefficients' covariance, for the uncertainty of the fitted mean in the intervals. */
  private final double[][] covariance;

  private PriceResponse(
      double[] beta,
      boolean withCompetitor,
      double meanLogPrice,
      int firstDay,
      int days,
      double inverseShape,
      double[][] covariance) {
    this.covariance = covariance;
    this.beta = beta;
    this.withCompetitor = withCompetitor;
    this.meanLogPrice = meanLogPrice;
    this.firstDay = firstDay;
    this.days = days;
    this.inverseShape = inverseShape;
  }

  /**
   * Fits {@code demand[i]}, the demand of day {@code firstDay + i}, on the shelf {@code price[i]}
   * and the {@code competitor[i]} price of the same day ({@code competitor} null when unknown).
   * {@code firstDay} places the days in the week.
   */
  public static PriceResponse fit(
      double[] demand, double[] price, double[] competitor, int firstDay) {
    return fit(demand, null, price, competitor, firstDay);
  }

  /**
   * As {@link #fit(double[], double[], double[], int)}, where on the days {@code soldOut} (null:
   * none) the demand was only seen up to the sales: those days count with the demand expected given
   * that it reached them, under the current fit (an EM step in each iteration), so that days that
   * ran out do not teach the model that demand is what was in stock.
   */
  public static PriceResponse fit(
      double[] demand, boolean[] soldOut, double[] price, double[] competitor, int firstDay) {
    return fit(demand, soldOut, price, competitor, firstDay, Prior.NONE);
  }

  /**
   * As {@link #fit(double[], boolean[], double[], double[], int)}, with the coefficients drawn
   * towards {@code prior} (a penalised fit: the posterior mode under a normal prior), so that a
   * series of a few noisy months borrows what related series show of the week and of prices.
   */
  public static PriceResponse fit(
      double[] demand,
      boolean[] soldOut,
      double[] price,
      double[] competitor,
      int firstDay,
      Prior prior) {
    int n = demand.length;
    if (soldOut != null && soldOut.length != n)
      throw new IllegalArgumentException("demand and soldOut differ in length");
    if (n < MIN_DAYS) throw new IllegalArgumentException("needs " + MIN_DAYS + " days or more");
    if (price.length != n || (competitor != null && competitor.length != n))
      throw new IllegalArgumentException("demand and prices differ in length");
    double meanLog = 0;
    for (double p : price) {
      if (!(p > 0)) throw new IllegalArgumentException("prices must be > 0");
      meanLog += Math.log(p) / n;
    }
    boolean withCompetitor = competitor != null;
    PriceResponse shape = new PriceResponse(null, withCompetitor, meanLog, firstDay, n, 0, null);
    double[][] x = new double[n][];
    double total = 0;
    for (int i = 0; i < n; i++) {
      x[i] = shape.row(firstDay + i, price[i], withCompetitor ? competitor[i] : 0);
      total += Math.max(0, demand[i]);
    }
    int k = x[0].length;
    double[] beta = new double[k];
    beta[0] = Math.log(Math.max(total / n, 0.1));
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[i] = Math.max(0, demand[i]);
    double inverseShape = 0;
    // the prior's precision is on the likelihood's scale, which over-dispersion divides
    double scale = 1;
    double[][] a = new double[k][k];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      a = new double[k][k];
      double[] b = new double[k];
      for (int i = 0; i < n; i++) {
        double eta = Math.min(20, dot(beta, x[i]));
        double mu = Math.max(1e-6, Math.exp(eta));
        if (soldOut != null && soldOut[i] && iteration > 0)
          y[i] = meanAtLeast(Math.max(0, demand[i]), mu, inverseShape);
        double z = eta + (y[i] - mu) / mu;
        for (int r = 0; r < k; r++) {
          b[r] += mu * x[i][r] * z;
          for (int c = 0; c <= r; c++) a[r][c] += mu * x[i][r] * x[i][c];
        }
      }
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < r; c++) a[c][r] = a[r][c];
        if (r > 0) a[r][r] += RIDGE * n;
        double precision = scale * prior.precisionOf(r);
        a[r][r] += precision;
        b[r] += precision * prior.meanOf(r);
      }
      double[] next = solve(a, b);
      double change = 0;
      for (int r = 0; r < k; r++) change = Math.max(change, Math.abs(next[r] - beta[r]));
      beta = next;
      inverseShape = overDispersion(beta, x, y, soldOut);
      scale = pearsonScale(beta, x, y, soldOut);
      if (change < 1e-7 && iteration > 0) break;
    }
    return new PriceResponse(
        beta,
        withCompetitor,
        meanLog,
        firstDay,
        n,
        inverseShape,
        covariance(a, pearsonScale(beta, x, y, soldOut)));
  }

  /**
   * A prior on {@code coefficients} from fits of related series (empirical Bayes): for each, the
   * fits' mean, and a precision of 1 / the variance between series beyond what each fit's own
   * uncertainty explains (method of moments), floored so that series that look alike are still
   * allowed to differ. Fewer than 3 fits tell too little: no prior.
   */
  public static Prior pool(java.util.List<PriceResponse> fits, int... coefficients) {
    int k = 0;
    for (int j : coefficients) k = Math.max(k, j + 1);
    double[] mean = new double[k];
    double[] precision = new double[k];
    for (int j : coefficients) {
      java.util.List<PriceResponse> having = fits.stream().filter(f -> f.beta.length > j).toList();
      int m = having.size();
      if (m < 3) continue;
      double sum = 0;
      double within = 0;
      for (PriceResponse f : having) {
        sum += f.beta[j];
        within += f.covariance[j][j] / m;
      }
      double centre = sum / m;
      double spread = 0;
      for (PriceResponse f : having) spread += (f.beta[j] - centre) * (f.beta[j] - centre);
      double between = Math.max(MIN_BETWEEN_VARIANCE, spread / (m - 1) - within);
      mean[j] = centre;
      precision[j] = 1 / between;
    }
    return new Prior(mean, precision);
  }

  /** sd 0.02 on the log scale: two series are never taken to share a coefficient exactly. */
  private static final double MIN_BETWEEN_VARIANCE = 4e-4;

  /** phi (X'WX)^-1: the quasi-likelihood covariance of the coefficients. */
  private static double[][] covariance(double[][] information, double scale) {
    int k = information.length;
    double[][] inverse = new double[k][];
    for (int c = 0; c < k; c++) {
      double[] unit = new double[k];
      unit[c] = 1;
      inverse[c] = solve(information, unit);
    }
    for (double[] row : inverse) for (int c = 0; c < k; c++) row[c] *= scale;
    return inverse;
  }

  /** The Pearson dispersion of the days that did not sell out, at least 1. */
  private static double pearsonScale(double[] beta, double[][] x, double[] y, boolean[] soldOut) {
    double sum = 0;
    int used = 0;
    for (int i = 0; i < y.length; i++) {
      if (soldOut != null && soldOut[i]) continue;
      double mu = Math.max(1e-6, Math.exp(Math.min(20, dot(beta, x[i]))));
      sum += (y[i] - mu) * (y[i] - mu) / mu;
      used++;
    }
    return used > beta.length ? Math.max(1, sum / (used - beta.length)) : 1;
  }

  /** 1 / shape of Var = mu + mu^2 / shape, by moments over the days that did not sell out. */
  private static double overDispersion(double[] beta, double[][] x, double[] y, boolean[] soldOut) {
    double excess = 0;
    double squares = 0;
    int used = 0;
    for (int i = 0; i < y.length; i++) {
      if (soldOut != null && soldOut[i]) continue;
      double mu = Math.exp(Math.min(20, dot(beta, x[i])));
      double r = y[i] - mu;
      excess += r * r - mu;
      squares += mu * mu;
      used++;
    }
    int k = beta.length;
    if (squares <= 0 || used <= k) return 0;
    return Math.max(0, excess / squares) * used / (used - k);
  }

  /**
   * E[Y | Y >= floor] for Y negative binomial with mean {@code mu} and 1 / shape {@code
   * inverseShape} (Poisson at 0).
   */
  static double meanAtLeast(double floor, double mu, double inverseShape) {
    int s = (int) Math.ceil(floor);
    if (s <= 0) return mu;
    double p;
    double ratio;
    double shape = inverseShape > 1e-9 ? 1 / inverseShape : 0;
    if (shape > 0) {
      p = Math.exp(shape * Math.log(shape / (shape + mu)));
      ratio = mu / (shape + mu);
    } else {
      p = Math.exp(-mu);
      ratio = 0;
    }
    double below = 0;
    double belowMean = 0;
    for (int v = 0; v < s; v++) {
      below += p;
      belowMean += v * p;
      p *= shape > 0 ? (v + shape) / (v + 1) * ratio : mu / (v + 1);
    }
    double above = 1 - below;
    // far in the tail the sum runs out of precision: the floor is then the best guess
    if (above < 1e-9) return Math.max(floor, mu);
    return Math.max(floor, (mu - belowMean) / above);
  }

  /** Expected demand on {@code day} (counted as in the fit) at these prices. */
  public double mean(int day, double price, double competitor) {
    return Math.exp(Math.min(20, dot(beta, row(day, price, competitor))));
  }

  /** The price elasticity of demand the fit found (own price, competitor held). */
  public double elasticity() {
    return beta[8] + (withCompetitor ? beta[9] : 0);
  }

  /**
   * Forecasts {@code horizon} days from the day after the fitted ones, the shelf and competitor
   * prices of each given ({@code competitor} ignored when the fit had none); negative-binomial
   * spread as normal intervals at {@code level}.
   */
  public Forecast forecast(double[] price, double[] competitor, double level) {
    int horizon = price.length;
    double[] mean = new double[horizon];
    double[] sd = new double[horizon];
    for (int h = 0; h < horizon; h++) {
      double[] row = row(firstDay + days + h, price[h], competitor == null ? 0 : competitor[h]);
      mean[h] = Math.exp(Math.min(20, dot(beta, row)));
      // the day's noise, and the uncertainty of its fitted mean (delta method on the log scale)
      double fitted = 0;
      for (int r = 0; r < row.length; r++) fitted += row[r] * dot(covariance[r], row);
      sd[h] = Math.sqrt(mean[h] + mean[h] * mean[h] * (inverseShape + Math.max(0, fitted)));
    }
    return Forecast.normal("price response", level, mean, sd).floored(0);
  }

  private double[] row(int day, double price, double competitor) {
    double[] row = new double[withCompetitor ? 10 : 9];
    row[0] = 1;
    int weekday = Math.floorMod(day, 7);
    if (weekday > 0) row[weekday] = 1;
    row[7] = (day - firstDay - days) / 28.0;
    row[8] = Math.log(price) - meanLogPrice;
    if (withCompetitor) row[9] = Math.log(price / competitor);
    return row;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /** Gaussian elimination with partial pivoting; the matrix is symmetric positive definite. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(a[i], n + 1);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++)
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        for (int c = col; c <= n; c++) m[r][c] -= f * m[col][c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int c = r + 1; c < n; c++) s -= m[r][c] * x[c];
      x[r] = s / m[r][r];
    }
    return x;
  }
}
