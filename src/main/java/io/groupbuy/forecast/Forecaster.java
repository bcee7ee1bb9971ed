package io.groupbuy.forecast;

/**
 * A forecasting method. Its parameters are estimated once from a history ({@link #model}); the
 * model then forecasts from the end of that history or of a longer one that begins with it, so a
 * model estimated weekly can forecast every day.
 */
public interface Forecaster {
  String name();

  /** The method's parameters estimated from {@code history} (equally spaced, oldest first). */
  Model model(double[] history);

  /** Estimates from {@code history} and forecasts {@code horizon} steps after it. */
  default Forecast forecast(double[] history, int horizon, double level) {
    return model(history).forecast(history, horizon, level);
  }

  /** Estimated parameters. */
  interface Model {
    /** What was fitted, e.g. the order of an ARIMA. */
    String description();

    /**
     * Forecasts {@code horizon} steps after {@code history}: the one the model was estimated from,
     * or a longer one beginning with it.
     */
    Forecast forecast(double[] history, int horizon, double level);
  }

  /** A method with nothing to estimate: its model forecasts from whatever history it is given. */
  interface Stateless extends Forecaster {
    /** Forecasts {@code horizon} steps after {@code history}. */
    Forecast forecastFrom(double[] history, int horizon, double level);

    @Override
    default Model model(double[] history) {
      return new Model() {
        @Override
        public String description() {
          return name();
        }

        @Override
        public Forecast forecast(double[] longer, int horizon, double level) {
          return forecastFrom(longer, horizon, level);
        }
      };
    }
  }
}
