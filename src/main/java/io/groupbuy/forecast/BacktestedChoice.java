package io.groupbuy.forecast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses among methods by how they forecast the series' own recent past: each candidate is
 * estimated on the history without its last {@code validation} steps, forecasts from every origin
 * inside them, and for each step ahead the candidate with the lowest mean absolute error there is
 * the one used (ties go to the earlier candidate). A model that fits the history best (lowest AIC)
 * can still forecast worse than a naive method, most of all on series as close to a random walk as
 * prices; this lets the data say so per series and per horizon.
 */
public final class BacktestedChoice implements Forecaster {
  private final List<Forecaster> candidates;
  private final int validation;
  private final int maxHorizon;

  /**
   * {@code candidates} in order of preference; {@code validation} steps held back; choices made for
   * steps 1 to {@code maxHorizon} (further steps use the choice at {@code maxHorizon}).
   */
  public BacktestedChoice(List<Forecaster> candidates, int validation, int maxHorizon) {
    if (candidates.isEmpty()) throw new IllegalArgumentException("no candidates");
    if (validation < 1 || maxHorizon < 1)
      throw new IllegalArgumentException("validation and maxHorizon must be >= 1");
    this.candidates = List.copyOf(candidates);
    this.validation = validation;
    this.maxHorizon = maxHorizon;
  }

  @Override
  public String name() {
    return "backtested choice of " + candidates.stream().map(Forecaster::name).toList();
  }

  @Override
  public Choice model(double[] history) {
    return model(history, null);
  }

  /** A model per step ahead. */
  public interface Choice extends Model {
    /** The description of the model that forecasts step {@code h} (1-based). */
    String usedAt(int h);
  }

  /**
   * As {@link #model(double[])}, scoring only the steps whose {@code scored} flag is set (e.g. days
   * with a real observation in a series whose gaps were filled); {@code null} scores every step.
   */
  public Choice model(double[] history, boolean[] scored) {
    int n = history.length;
    int[] choice = new int[maxHorizon];
    if (candidates.size() > 1 && n > validation + 14) {
      double[] start = java.util.Arrays.copyOf(history, n - validation);
      double[][] error = new double[candidates.size()][maxHorizon];
      int[] count = new int[maxHorizon];
      List<Model> early = new ArrayList<>();
      for (Forecaster c : candidates) early.add(c.model(start));
      for (int origin = n - validation - 1; origin < n - 1; origin++) {
        double[] past = java.util.Arrays.copyOf(history, origin + 1);
        int steps = Math.min(maxHorizon, n - 1 - origin);
        boolean any = false;
        for (int h = 1; h <= steps; h++) any |= scored == null || scored[origin + h];
        if (!any) continue;
        for (int c = 0; c < candidates.size(); c++) {
          Forecast f = early.get(c).forecast(past, steps, 0.8);
          for (int h = 1; h <= steps; h++) {
            if (scored != null && !scored[origin + h]) continue;
            error[c][h - 1] += Math.abs(f.at(h) - history[origin + h]);
          }
        }
        for (int h = 1; h <= steps; h++) if (scored == null || scored[origin + h]) count[h - 1]++;
      }
      for (int h = 0; h < maxHorizon; h++) {
        int best = h > 0 ? choice[h - 1] : 0;
        if (count[h] > 0) {
          best = 0;
          for (int c = 1; c < candidates.size(); c++) if (error[c][h] < error[best][h]) best = c;
        }
        choice[h] = best;
      }
    }
    Map<Integer, Model> chosen = new LinkedHashMap<>();
    for (int c : choice) chosen.computeIfAbsent(c, k -> candidates.get(k).model(history));
    return new Choice() {
      @Override
      public String usedAt(int h) {
        return chosen.get(choice[Math.min(h, maxHorizon) - 1]).description();
      }

      @Override
      public String description() {
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (int h = 1; h <= maxHorizon; h++) {
          if (h == maxHorizon || choice[h] != choice[from]) {
            if (b.length() > 0) b.append("; ");
            b.append(chosen.get(choice[from]).description())
                .append(from + 1 == h ? " at step " + h : " at steps " + (from + 1) + "-" + h);
            from = h;
          }
        }
        return b.toString();
      }

      @Override
      public Forecast forecast(double[] longer, int horizon, double level) {
        Map<Integer, Forecast> each = new LinkedHashMap<>();
        chosen.forEach((c, m) -> each.put(c, m.forecast(longer, horizon, level)));
        double[] mean = new double[horizon];
        double[] lower = new double[horizon];
        double[] upper = new double[horizon];
        for (int h = 0; h < horizon; h++) {
          Forecast f = each.get(choice[Math.min(h, maxHorizon - 1)]);
          mean[h] = f.mean()[h];
          lower[h] = f.lower()[h];
          upper[h] = f.upper()[h];
        }
        return new Forecast(description(), level, mean, lower, upper);
      }
    };
  }
}
