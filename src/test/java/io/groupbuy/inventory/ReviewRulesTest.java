package io.groupbuy.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.UnitTestConfig;
import io.groupbuy.inventory.ProductInventory.Command;
import io.groupbuy.inventory.ProductInventory.Event;
import io.groupbuy.inventory.ProductInventory.PromotionSuggested;
import io.groupbuy.inventory.ProductInventory.ReplenishmentRequested;
import io.groupbuy.inventory.ProductInventory.Stock;
import io.groupbuy.inventory.StockRules.ReviewRules;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The daily review follows {@code groupbuy.inventory.review}. */
class ReviewRulesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  """
                  groupbuy.inventory.review {
                    ahead-days = 2, ahead-margin = 0.5, ahead-min-units = 1, turnover-days = 3
                    cover-days = 5, promotion-percent = 30, promotion-days = 2
                  }
                  """)
              .withFallback(UnitTestConfig.config()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> review(
      EventSourcedBehaviorTestKit<Command, Event, StockState> kit,
      int day,
      int sold,
      double forecast) {
    String date = java.time.LocalDate.parse("2026-12-01").plusDays(day).toString();
    return kit.runCommand(r -> new ProductInventory.ReviewDay(date, sold, forecast, r));
  }

  private static EventSourcedBehaviorTestKit<Command, Event, StockState> withStock(
      String id, int units) {
    var kit =
        EventSourcedBehaviorTestKit.<Command, Event, StockState>create(
            testKit.system(), ProductInventory.create(id));
    kit.<StatusReply<Stock>>runCommand(r -> new ProductInventory.ReceiveStock("r1", units, 990, r));
    return kit;
  }

  @Test
  void aShorterRunAndAWiderMarginRequestReplenishment() {
    // 60 on hand: under 5 days of cover at these sales, so no discount besides
    var kit = withStock("kale@wh1", 60);
    kit.<StatusReply<Stock>>runCommand(r -> new ProductInventory.SetBounds(5, 100, 10, r));
    // 14 against 10 is within a margin of 50%
    assertEquals(0, review(kit, 1, 14, 10).reply().getValue().aheadDays());
    assertEquals(1, review(kit, 2, 16, 10).events().size());
    var second = review(kit, 3, 16, 10);
    assertEquals(2, second.events().size(), second.events().toString());
    assertEquals(ReplenishmentRequested.class, second.events().get(1).getClass());
  }

  @Test
  void theTurnoverWindowAndTheDiscountFollowTheSettings() {
    var kit = withStock("leek@wh1", 30);
    assertEquals(1, review(kit, 1, 2, 2).events().size());
    assertEquals(1, review(kit, 2, 2, 2).events().size());
    // three days of 2 a day against 30 on hand: 15 days of cover, over 5
    var third = review(kit, 3, 2, 2);
    assertEquals(2, third.events().size(), third.events().toString());
    var suggested = (PromotionSuggested) third.events().get(1);
    assertEquals(30, suggested.discountPercent());
    assertEquals("2026-12-05", suggested.validUntil());
  }

  @Test
  void theShippedConfigurationIsTheDefaultsAndBadValuesAreRefused() {
    assertEquals(
        ReviewRules.DEFAULTS,
        ReviewRules.fromConfig(ConfigFactory.parseResources("replenishment.conf").resolve()));
    assertThrows(IllegalArgumentException.class, () -> new ReviewRules(0, 0.2, 2, 7, 10, 20, 3));
    assertThrows(IllegalArgumentException.class, () -> new ReviewRules(3, 0.2, 2, 29, 10, 20, 3));
  }
}
