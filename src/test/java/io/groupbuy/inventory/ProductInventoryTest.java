package io.groupbuy.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.inventory.ProductInventory.Command;
import io.groupbuy.inventory.ProductInventory.Event;
import io.groupbuy.inventory.ProductInventory.ReplenishmentRequested;
import io.groupbuy.inventory.ProductInventory.Stock;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductInventoryTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private EventSourcedBehaviorTestKit<Command, Event, StockState> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    kit =
        EventSourcedBehaviorTestKit.create(testKit.system(), ProductInventory.create("apple@wh1"));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> receive(
      String receipt, int qty) {
    return receive(receipt, qty, 990);
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> receive(
      String receipt, int qty, long listPriceFen) {
    return kit.runCommand(r -> new ProductInventory.ReceiveStock(receipt, qty, listPriceFen, r));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> reserve(
      String order, int qty) {
    return kit.runCommand(r -> new ProductInventory.Reserve(order, qty, r));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> release(
      String order) {
    return kit.runCommand(r -> new ProductInventory.Release(order, r));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> commit(
      String order) {
    return kit.runCommand(r -> new ProductInventory.Commit(order, r));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> bounds(
      int min, int max, int reorder) {
    return kit.runCommand(r -> new ProductInventory.SetBounds(min, max, reorder, r));
  }

  @Test
  void receivesStockOncePerReceipt() {
    var first = receive("rcpt-1", 10);
    assertEquals(new ProductInventory.StockReceived("rcpt-1", 10, 990), first.event());
    assertEquals(10, first.reply().getValue().available());
    var again = receive("rcpt-1", 10);
    assertTrue(again.hasNoEvents());
    assertEquals(10, again.reply().getValue().available());
    assertEquals("apple", again.reply().getValue().sku());
    assertEquals("wh1", again.reply().getValue().warehouseId());
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> price(
      String changeId, long fen) {
    return kit.runCommand(r -> new ProductInventory.SetPrice(changeId, fen, r));
  }

  @Test
  void theListPriceOfTheLastReceiptSellsUntilAnOperatorSetsOne() {
    assertEquals(990, receive("r1", 10).reply().getValue().priceFen());
    Stock later = receive("r2", 5, 1100).reply().getValue();
    assertEquals(1100, later.priceFen());
    assertEquals(ProductInventory.PriceSource.LIST, later.priceSource());
    Stock set = price("c1", 1290).reply().getValue();
    assertEquals(1290, set.priceFen());
    assertEquals(ProductInventory.PriceSource.OPERATOR, set.priceSource());
    assertEquals(1100, set.listPriceFen());
    // a receipt moves the list price, not the operator's
    Stock received = receive("r3", 5, 1200).reply().getValue();
    assertEquals(1290, received.priceFen());
    assertEquals(1200, received.listPriceFen());
    // back to the list price
    assertEquals(1200, price("c2", 0).reply().getValue().priceFen());
  }

  @Test
  void aPriceChangeRetriedLateDoesNotUndoALaterOne() {
    receive("r1", 10);
    price("c1", 1500);
    price("c2", 1800);
    var retried = price("c1", 1500);
    assertTrue(retried.hasNoEvents());
    assertEquals(1800, retried.reply().getValue().priceFen());
    assertTrue(price("c3", -1).reply().isError());
  }

  @Test
  void aSkuWithoutAPriceIsNotSold() {
    receive("r1", 10, 0);
    var refused = reserve("o1", 1);
    assertTrue(refused.reply().isError());
    assertTrue(
        refused.reply().getError().getMessage().contains("no selling price"),
        refused.reply().getError().getMessage());
    price("c1", 700);
    assertEquals(9, reserve("o1", 1).reply().getValue().available());
  }

  @Test
  void rejectsNonPositiveQuantities() {
    assertTrue(receive("r", 0).reply().isError());
    assertTrue(receive("r", -3).reply().isError());
    receive("r", 5);
    var negative = reserve("o1", -1);
    assertTrue(negative.reply().isError());
    assertTrue(negative.hasNoEvents());
  }

  @Test
  void reservesUntilSoldOutAndNeverBelowZero() {
    receive("r", 5);
    assertEquals(2, reserve("o1", 3).reply().getValue().available());
    var tooMuch = reserve("o2", 3);
    assertTrue(tooMuch.reply().isError());
    assertTrue(tooMuch.reply().getError().getMessage().startsWith("sold out"));
    assertTrue(tooMuch.hasNoEvents());
    assertEquals(0, reserve("o3", 2).reply().getValue().available());
    assertEquals(0, kit.getState().available());
  }

  @Test
  void reserveIsIdempotentPerOrder() {
    receive("r", 5);
    reserve("o1", 3);
    var retry = reserve("o1", 3);
    assertTrue(retry.hasNoEvents());
    assertEquals(2, retry.reply().getValue().available());
    var different = reserve("o1", 4);
    assertTrue(different.reply().isError());
  }

  @Test
  void releaseReturnsStockAndIsIdempotent() {
    receive("r", 5);
    reserve("o1", 3);
    var released = release("o1");
    assertEquals(new ProductInventory.ReservationReleased("o1", 3), released.event());
    assertEquals(5, released.reply().getValue().available());
    var again = release("o1");
    assertTrue(again.hasNoEvents());
    assertEquals(5, again.reply().getValue().available());
  }

  @Test
  void reservationAfterReleaseIsRefused() {
    receive("r", 5);
    // the release overtakes a delayed reservation of the same order
    release("o1");
    var late = reserve("o1", 2);
    assertTrue(late.reply().isError());
    assertEquals(5, kit.getState().available());
  }

  @Test
  void commitMovesReservationOutOfTheWarehouse() {
    receive("r", 5);
    reserve("o1", 3);
    var committed = commit("o1");
    Stock stock = committed.reply().getValue();
    assertEquals(2, stock.onHand());
    assertEquals(2, stock.available());
    assertEquals(3, stock.committed());
    assertEquals(0, stock.reserved());
    assertTrue(commit("o1").hasNoEvents());
    assertTrue(commit("o1").reply().isSuccess());
    assertTrue(release("o1").reply().isError());
    assertTrue(commit("never-reserved").reply().isError());
    // a retried reservation of a committed order is answered, not applied twice
    var retry = reserve("o1", 3);
    assertTrue(retry.reply().isSuccess());
    assertTrue(retry.hasNoEvents());
  }

  @Test
  void boundsAreValidated() {
    assertTrue(bounds(-1, 10, 5).reply().isError());
    assertTrue(bounds(20, 10, 5).reply().isError());
    assertTrue(bounds(1, 10, 50).reply().isError());
    assertEquals(40, bounds(2, 40, 10).reply().getValue().maxStock());
  }

  @Test
  void requestsOneReplenishmentUnderTheReorderPoint() {
    receive("r1", 30);
    bounds(5, 40, 10);
    assertEquals(1, reserve("o1", 15).events().size());
    var crossing = reserve("o2", 6); // available 9 < reorder point 10
    assertEquals(2, crossing.events().size());
    var request = (ReplenishmentRequested) crossing.events().get(1);
    assertEquals(31, request.quantity()); // up to max: 40 - 9
    assertEquals(31, crossing.reply().getValue().replenishmentOpen());
    // still under the reorder point but a request is open: no second one
    assertEquals(1, reserve("o3", 5).events().size());
    // stock arrives: the request closes; the next shortfall opens a new one
    receive("r2", 31);
    var next = reserve("o4", 30);
    assertEquals(2, next.events().size());
    assertTrue(((ReplenishmentRequested) next.events().get(1)).requestId().endsWith("#r2"));
  }

  private CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> review(
      int day, int sold, double forecast) {
    String date = java.time.LocalDate.parse("2026-12-01").plusDays(day).toString();
    return kit.runCommand(r -> new ProductInventory.ReviewDay(date, sold, forecast, r));
  }

  @Test
  void salesAheadOfForecastThreeDaysInARowRequestReplenishmentOnce() {
    receive("r1", 100);
    bounds(5, 100, 10);
    assertEquals(1, review(1, 20, 10).events().size());
    assertEquals(1, review(2, 20, 10).events().size());
    var third = review(3, 20, 10);
    assertEquals(2, third.events().size(), third.events().toString());
    var request = (ReplenishmentRequested) third.events().get(1);
    // up to the maximum, plus the day's excess over forecast: 100 - 100 + 10
    assertEquals(10, request.quantity());
    assertEquals(3, third.reply().getValue().aheadDays());
    // the same day again, or an older one: nothing
    assertTrue(review(3, 20, 10).events().isEmpty());
    assertTrue(review(2, 20, 10).events().isEmpty());
    // the run goes on: no second request
    assertEquals(1, review(4, 25, 10).events().size());
    // within the margin is not ahead: 11 against 10 ends the run
    assertEquals(0, review(5, 11, 10).reply().getValue().aheadDays());
    // a restart keeps the review
    StockState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
    CommandResultWithReply<Command, Event, StockState, StatusReply<Stock>> bad =
        kit.runCommand(r -> new ProductInventory.ReviewDay("bad", 1, 1, r));
    assertTrue(bad.reply().isError());
    assertTrue(bad.events().isEmpty());
  }

  @Test
  void slowStockSuggestsATimeLimitedDiscount() {
    receive("r1", 100);
    for (int d = 1; d <= 6; d++) assertEquals(1, review(d, 1, 1).events().size());
    // a week of one unit a day against 100 on hand: 100 days of cover
    var seventh = review(7, 1, 1);
    assertEquals(2, seventh.events().size());
    var suggested = (ProductInventory.PromotionSuggested) seventh.events().get(1);
    assertEquals(20, suggested.discountPercent());
    assertEquals("2026-12-10", suggested.validUntil());
    assertEquals("2026-12-10", seventh.reply().getValue().promotionSuggestedUntil());
    // while it runs, no other; after it, a new one
    assertEquals(1, review(8, 1, 1).events().size());
    assertEquals(1, review(9, 1, 1).events().size()); // 2026-12-10, its last day
    assertEquals(2, review(10, 1, 1).events().size());
  }

  @Test
  void recoversStateAfterRestart() {
    receive("r", 10);
    reserve("o1", 3);
    reserve("o2", 2);
    commit("o2");
    release("o1");
    StockState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
    assertEquals(8, kit.getState().available());
    var stock = kit.<Stock>runCommand(ProductInventory.GetStock::new).reply();
    assertEquals(8, stock.onHand());
    assertEquals(2, stock.committed());
    assertEquals(10, stock.received());
  }

  @Test
  void randomCommandsKeepTheInvariants() {
    Random random = new Random(11);
    for (int i = 0; i < 600; i++) {
      String order = "o" + random.nextInt(80);
      switch (random.nextInt(5)) {
        case 0 -> receive("r" + random.nextInt(40), 1 + random.nextInt(5));
        case 1, 2 -> reserve(order, 1 + random.nextInt(4));
        case 3 -> release(order);
        default -> commit(order);
      }
      StockState s = kit.getState();
      assertEquals(
          s.reserved().values().stream().mapToInt(Integer::intValue).sum(), s.reservedTotal());
      assertTrue(s.available() >= 0, "available " + s.available() + " after step " + i);
      assertEquals(s.received(), s.available() + s.reservedTotal() + s.committedTotal());
    }
    StockState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
  }

  @Test
  void rememberedIdsAreBounded() {
    receive("r", 1_000_000);
    for (int i = 0; i < ProductInventory.ID_MEMORY + 10; i++) {
      reserve("o" + i, 1);
      release("o" + i);
    }
    assertEquals(ProductInventory.ID_MEMORY, kit.getState().closedOrders().size());
    assertEquals(1_000_000, kit.getState().available());
  }
}
