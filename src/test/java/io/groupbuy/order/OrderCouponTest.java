package io.groupbuy.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.order.Order.Command;
import io.groupbuy.order.Order.CouponResult;
import io.groupbuy.order.Order.CouponReturnResult;
import io.groupbuy.order.Order.Details;
import io.groupbuy.order.Order.Event;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.ReleaseResult;
import io.groupbuy.order.Order.ReservationResult;
import io.groupbuy.order.Order.State;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.Order.Summary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coupon steps of the order saga: redeemed once every line is priced, the discount in the
 * total, given back when the order is rejected or cancelled, and cancelled only once it is back.
 * The campaign never answers on its own here; the test feeds each outcome.
 */
class OrderCouponTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Records the saga's calls to the campaign; the futures never complete. */
  static final class RecordingCoupons implements Order.CouponGateway {
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized CompletionStage<Long> redeem(
        String couponId, String customerId, String orderId, long subtotalFen) {
      calls.add("redeem " + couponId + " " + customerId + " " + orderId + " " + subtotalFen);
      return new CompletableFuture<>();
    }

    @Override
    public synchronized CompletionStage<?> giveBack(String couponId, String orderId) {
      calls.add("give back " + couponId + " " + orderId);
      return new CompletableFuture<>();
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }
  }

  private static final Details WITH_COUPON =
      new Details(
          "c1",
          "pp-1",
          "wh-1",
          List.of(new Line("apple", 2), new Line("pear", 1)),
          10L,
          20L,
          "key-1",
          false,
          "spring:7");

  private RecordingCoupons coupons;
  private OrderSagaTest.RecordingInventory inventory;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void fresh() {
    coupons = new RecordingCoupons();
    inventory = new OrderSagaTest.RecordingInventory();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Order.create(
                "o-c",
                inventory,
                new OrderSagaTest.RecordingDispatch(),
                coupons,
                null,
                Duration.ZERO));
  }

  private void awaitCoupons(String... expected) {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of(expected), coupons.calls());
              return null;
            });
  }

  /** Places the order and prices both lines: apple 2 x 1290, pear 350, subtotal 2930. */
  private TestProbe<StatusReply<Summary>> placeAndPrice() {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Place(WITH_COUPON, probe.getRef()));
    kit.runCommand(new ReservationResult("apple", true, false, "", 1, 1290));
    var priced = kit.runCommand(new ReservationResult("pear", true, false, "", 1, 350));
    assertEquals(List.of(new Order.LineReserved("pear", 350)), priced.events());
    assertEquals(Status.PLACING, priced.state().status()); // waits for the coupon
    awaitCoupons("redeem spring:7 c1 o-c 2930");
    return probe;
  }

  private TestProbe<StatusReply<Summary>> placeAndConfirm() {
    var probe = placeAndPrice();
    var applied = kit.runCommand(new CouponResult(true, false, "", 500, 1));
    assertEquals(
        List.of(new Order.CouponApplied("spring:7", 500), new Order.OrderConfirmed()),
        applied.events());
    return probe;
  }

  @Test
  void theCouponIsRedeemedForThePricedSubtotalAndItsDiscountShowsInTheTotal() {
    Summary s = placeAndConfirm().receiveMessage().getValue();
    assertEquals(Status.CONFIRMED, s.status());
    assertEquals("spring:7", s.couponId());
    assertEquals(2930, s.subtotalFen());
    assertEquals(500, s.discountFen());
    assertEquals(2430, s.totalFen());
    // a repeated answer changes nothing, and the discount survives recovery
    assertTrue(kit.runCommand(new CouponResult(true, false, "", 500, 2)).hasNoEvents());
    kit.restart();
    assertEquals(2430, kit.getState().totalFen());
    assertEquals(List.of("redeem spring:7 c1 o-c 2930"), coupons.calls());
  }

  @Test
  void aRefusedCouponRejectsTheOrderReleasesItsLinesAndGivesTheCouponBack() {
    var probe = placeAndPrice();
    var refused =
        kit.runCommand(new CouponResult(false, true, "the campaign's budget is spent", 0, 1));
    assertEquals(
        List.of(new Order.OrderRejected("coupon spring:7: the campaign's budget is spent", "")),
        refused.events());
    Summary s = probe.receiveMessage().getValue();
    assertEquals(Status.REJECTED, s.status());
    assertTrue(Order.rejectedForCoupon(s));
    awaitCoupons("redeem spring:7 c1 o-c 2930", "give back spring:7 o-c");
    kit.runCommand(new ReleaseResult("apple", true, ""));
    kit.runCommand(new ReleaseResult("pear", true, ""));
    assertFalse(OrderSaga.settled(kit.getState()), "the coupon is not back yet");
    var back = kit.runCommand(new CouponReturnResult(true, ""));
    assertEquals(List.of(new Order.CouponReturned("spring:7")), back.events());
    assertTrue(OrderSaga.settled(back.state()));
  }

  @Test
  void aCampaignThatDoesNotAnswerIsAskedAgainThenTheOrderIsRejected() {
    placeAndPrice();
    assertTrue(kit.runCommand(new CouponResult(false, false, "timeout", 0, 1)).hasNoEvents());
    awaitCoupons("redeem spring:7 c1 o-c 2930", "redeem spring:7 c1 o-c 2930");
    var last =
        kit.runCommand(new CouponResult(false, false, "timeout", 0, Order.MAX_RESERVE_ATTEMPTS));
    assertEquals(Status.REJECTED, last.state().status());
    assertTrue(last.state().reason().contains("did not answer"), last.state().reason());
    // its redemption may still land: the coupon is given back, and again if a late success comes
    awaitCoupons(
        "redeem spring:7 c1 o-c 2930", "redeem spring:7 c1 o-c 2930", "give back spring:7 o-c");
    assertTrue(kit.runCommand(new CouponResult(true, false, "", 500, 2)).hasNoEvents());
    awaitCoupons(
        "redeem spring:7 c1 o-c 2930",
        "redeem spring:7 c1 o-c 2930",
        "give back spring:7 o-c",
        "give back spring:7 o-c");
  }

  @Test
  void aRestartWhileWaitingForTheCouponRedeemsItAgain() {
    placeAndPrice();
    kit.restart();
    awaitCoupons("redeem spring:7 c1 o-c 2930", "redeem spring:7 c1 o-c 2930");
  }

  @Test
  void aLineRefusedBeforeTheCouponStepNeverTouchesTheCoupon() {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Place(WITH_COUPON, probe.getRef()));
    kit.runCommand(new ReservationResult("pear", false, true, "sold out", 1));
    assertEquals(Status.REJECTED, probe.receiveMessage().getValue().status());
    kit.runCommand(new ReleaseResult("apple", true, ""));
    kit.runCommand(new ReleaseResult("pear", true, ""));
    assertTrue(OrderSaga.settled(kit.getState()));
    assertEquals(List.of(), coupons.calls());
  }

  @Test
  void aCancelledOrderIsCancelledOnlyOnceItsLinesAreReleasedAndItsCouponIsBack() {
    placeAndConfirm();
    TestProbe<StatusReply<Summary>> cancel = testKit.createTestProbe();
    kit.runCommand(new Order.Cancel("c1", "changed mind", cancel.getRef()));
    awaitCoupons("redeem spring:7 c1 o-c 2930", "give back spring:7 o-c");
    kit.runCommand(new ReleaseResult("apple", true, ""));
    var lines = kit.runCommand(new ReleaseResult("pear", true, ""));
    assertEquals(List.of(new Order.LineReleased("pear")), lines.events());
    assertEquals(Status.CANCELLING, lines.state().status());
    cancel.expectNoMessage(Duration.ofMillis(100));
    // a failed return is retried
    assertTrue(kit.runCommand(new CouponReturnResult(false, "timeout")).hasNoEvents());
    awaitCoupons("redeem spring:7 c1 o-c 2930", "give back spring:7 o-c", "give back spring:7 o-c");
    var back = kit.runCommand(new CouponReturnResult(true, ""));
    assertEquals(
        List.of(new Order.CouponReturned("spring:7"), new Order.OrderCancelled("changed mind")),
        back.events());
    Summary s = cancel.receiveMessage().getValue();
    assertEquals(Status.CANCELLED, s.status());
    // a restart of the cancelled order asks nothing more of the campaign
    kit.restart();
    assertEquals(
        List.of("redeem spring:7 c1 o-c 2930", "give back spring:7 o-c", "give back spring:7 o-c"),
        coupons.calls());
  }
}
