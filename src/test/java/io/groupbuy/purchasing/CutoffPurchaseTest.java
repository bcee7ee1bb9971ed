package io.groupbuy.purchasing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.forecast.Forecast;
import io.groupbuy.orderview.DemandForecasts;
import org.junit.jupiter.api.Test;

class CutoffPurchaseTest {
  private static final double Z80 = Forecast.normalQuantile(0.9);

  @Test
  void lateOrdersAreWhatTheForecastHasLeftWithTheSpreadOfThatShare() {
    // a day forecast of 100 with sd 20; 75 confirmed: 25 to come, sd 20 * sqrt(1/4)
    var day = new DemandForecasts.Day("2026-12-07", 100, 100 - 20 * Z80, 100 + 20 * Z80);
    Forecast late = CutoffPurchase.lateOrders(day, 0.8, 75);
    assertEquals(25, late.at(1), 1e-9);
    assertEquals(25 + 10 * Z80, late.upper()[0], 1e-9);
  }

  @Test
  void noLateOrdersOnceTheConfirmedReachTheForecast() {
    var day = new DemandForecasts.Day("2026-12-07", 50, 40, 60);
    Forecast late = CutoffPurchase.lateOrders(day, 0.8, 70);
    assertEquals(0, late.at(1), 1e-9);
    assertEquals(0, late.upper()[0], 1e-9);
  }
}
