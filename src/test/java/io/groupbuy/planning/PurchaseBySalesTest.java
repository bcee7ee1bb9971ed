package io.groupbuy.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.groupbuy.forecast.Forecast;
import org.junit.jupiter.api.Test;

class PurchaseBySalesTest {
  @Test
  void buysTheOrdersTheLateOnesAndTheLossLessWhatIsThere() {
    // late orders forecast at 20 with sd 5; 95% service: 20 + 1.645 x 5 = 28.2 -> 8 of safety
    Forecast late = Forecast.normal("test", 0.8, new double[] {20}, new double[] {5});
    PurchaseBySales.Line line = PurchaseBySales.plan(100, late, 0.95, 0.10, 12, 3);
    assertEquals(20, line.lateExpected());
    assertEquals(8, line.lateSafety());
    assertEquals(15, line.available());
    // need 128 - 15 = 113; a tenth is lost in handling: ceil(113 / 0.9) = 126
    assertEquals(126, line.quantity());
    assertEquals(13, line.lossAllowance());
  }

  @Test
  void confirmedOnlyAndEnoughOnHand() {
    assertEquals(40, PurchaseBySales.plan(50, null, 0.9, 0, 10, 0).quantity());
    assertEquals(0, PurchaseBySales.plan(50, null, 0.9, 0.2, 60, 0).quantity());
    // a margin of zero: no safety stock for late orders, but still their expected units
    Forecast late = Forecast.normal("test", 0.8, new double[] {10}, new double[] {4});
    PurchaseBySales.Line noMargin = PurchaseBySales.plan(50, late, 0.0, 0, 0, 0);
    assertEquals(0, noMargin.lateSafety());
    assertEquals(60, noMargin.quantity());
    assertThrows(
        IllegalArgumentException.class, () -> PurchaseBySales.plan(-1, null, 0.9, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> PurchaseBySales.plan(1, null, 0.9, 1.0, 0, 0));
  }
}
