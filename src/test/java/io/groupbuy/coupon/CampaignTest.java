package io.groupbuy.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.coupon.Campaign.Command;
import io.groupbuy.coupon.Campaign.Coupon;
import io.groupbuy.coupon.Campaign.Event;
import io.groupbuy.coupon.Campaign.Summary;
import io.groupbuy.coupon.Campaign.Terms;
import io.groupbuy.platform.DomainError;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A campaign's rules on the in-memory journal, through the production serializers. */
class CampaignTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  // 满50减10, budget for three redemptions, two coupons per user, for price-sensitive users
  private static final Terms TERMS =
      new Terms("50-10", 5000, 1000, 0, 0, 3000, 2, "PRICE_SENSITIVE");

  private EventSourcedBehaviorTestKit<Command, Event, CampaignState> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), Campaign.create("c1"));
    assertTrue(
        kit.<StatusReply<Summary>>runCommand(r -> new Campaign.Define(TERMS, r))
            .reply()
            .isSuccess());
  }

  private StatusReply<Coupon> issue(String issueId, String user, String segment) {
    return kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Issue(issueId, user, segment, r))
        .reply();
  }

  private StatusReply<Coupon> redeem(String coupon, String order, long subtotal) {
    return kit.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Redeem(coupon, null, order, subtotal, r))
        .reply();
  }

  private static String refusal(StatusReply<?> r) {
    assertTrue(r.isError(), "expected a refusal");
    return ((DomainError.Failure) r.getError()).error().message();
  }

  @Test
  void definingAgainIsNoChangeButOtherTermsConflict() {
    var same = kit.<StatusReply<Summary>>runCommand(r -> new Campaign.Define(TERMS, r));
    assertTrue(same.hasNoEvents());
    var other =
        kit.<StatusReply<Summary>>runCommand(
            r -> new Campaign.Define(new Terms("x", 0, 500, 0, 0, 100, 1, null), r));
    assertEquals(
        DomainError.Kind.CONFLICT, ((DomainError.Failure) other.reply().getError()).error().kind());
  }

  @Test
  void issuingIsIdempotentTargetedAndLimitedPerUser() {
    Coupon first = issue("i1", "alice", "PRICE_SENSITIVE").getValue();
    assertEquals(first, issue("i1", "alice", "PRICE_SENSITIVE").getValue());
    assertEquals("c1:1", first.couponId());
    assertTrue(
        refusal(issue("i2", "bob", "LOYAL")).contains("the campaign is for PRICE_SENSITIVE"));
    issue("i3", "alice", "PRICE_SENSITIVE");
    assertTrue(refusal(issue("i4", "alice", "PRICE_SENSITIVE")).contains("2 coupons allowed"));
  }

  @Test
  void redemptionsStopAtTheBudgetAndAReleaseGivesItBack() {
    for (int u = 1; u <= 4; u++) issue("i" + u, "user" + u, "PRICE_SENSITIVE");
    assertTrue(refusal(redeem("c1:1", "o1", 4999)).contains("under the coupon's threshold"));
    for (int u = 1; u <= 3; u++) {
      assertEquals(1000, redeem("c1:" + u, "o" + u, 6000).getValue().discountFen());
    }
    // the same order again: the same answer, no second discount
    var again =
        kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Redeem("c1:1", null, "o1", 6000, r));
    assertTrue(again.hasNoEvents());
    assertTrue(refusal(redeem("c1:1", "o9", 6000)).contains("another order"));
    assertTrue(refusal(redeem("c1:4", "o4", 6000)).contains("budget is spent"));
    kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Release("c1:2", "o2", r));
    assertEquals(1000, redeem("c1:4", "o4", 6000).getValue().discountFen());
    Summary s = kit.<StatusReply<Summary>>runCommand(Campaign.Get::new).reply().getValue();
    assertEquals(3000, s.budgetUsedFen());
    assertEquals(3, s.redeemed());
    kit.restart();
    assertEquals(s, kit.<StatusReply<Summary>>runCommand(Campaign.Get::new).reply().getValue());
  }

  @Test
  void onlyItsHolderRedeemsACouponAndAReturnedOrderCannotTakeItAgain() {
    issue("i1", "alice", "PRICE_SENSITIVE");
    var byBob =
        kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Redeem("c1:1", "bob", "o1", 6000, r));
    assertTrue(refusal(byBob.reply()).contains("belongs to another user"));
    // the order gives the coupon back before its redemption lands (a redemption that timed out)
    var early = kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Release("c1:1", "o1", r));
    assertEquals(1, early.events().size());
    var late =
        kit.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Redeem("c1:1", "alice", "o1", 6000, r));
    assertTrue(refusal(late.reply()).contains("gave coupon c1:1 back"));
    // a second release is no change; another order of hers still may use the coupon
    var again = kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Release("c1:1", "o1", r));
    assertTrue(again.hasNoEvents());
    var other =
        kit.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Redeem("c1:1", "alice", "o2", 6000, r));
    assertEquals(1000, other.reply().getValue().discountFen());
    kit.restart(); // the fence survives a restart (events and snapshot fields)
    var after = kit.<StatusReply<Coupon>>runCommand(r -> new Campaign.Release("c1:1", "o2", r));
    assertEquals(0, after.reply().getValue().discountFen());
    assertTrue(
        refusal(
                kit.<StatusReply<Coupon>>runCommand(
                        r -> new Campaign.Redeem("c1:1", "alice", "o2", 6000, r))
                    .reply())
            .contains("back already"));
  }

  @Test
  void aCampaignByPropensityIssuesOnlyToUsersLikelyToBuyItsSku() {
    var kitByP =
        EventSourcedBehaviorTestKit.<Command, Event, CampaignState>create(
            testKit.system(), Campaign.create("c2"));
    Terms likely = new Terms("pears", 0, 200, 0, 0, 10_000, 1, null, "pear", 0.2);
    assertTrue(
        kitByP
            .<StatusReply<Summary>>runCommand(r -> new Campaign.Define(likely, r))
            .reply()
            .isSuccess());
    var low =
        kitByP.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Issue("p1", "amy", "REGULAR", 0.15, r));
    assertTrue(
        refusal(low.reply()).contains("buys pear next with P 0.150"), low.reply().toString());
    var unknown =
        kitByP.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Issue("p2", "ben", "NEW", null, r));
    assertTrue(refusal(unknown.reply()).contains("no orders to predict from"));
    var high =
        kitByP.<StatusReply<Coupon>>runCommand(
            r -> new Campaign.Issue("p3", "cy", "LOYAL", 0.35, r));
    assertEquals("c2:1", high.reply().getValue().couponId());
    // terms must be usable
    Terms noSku = new Terms("x", 0, 200, 0, 0, 10_000, 1, null, null, 0.2);
    assertTrue(noSku.problem().contains("targetSku is required"));
    Terms certain = new Terms("x", 0, 200, 0, 0, 10_000, 1, null, "pear", 1.0);
    assertTrue(certain.problem().contains("below 1"));
  }

  @Test
  void aMemberPriceTakesAShareUpToItsCap() {
    Terms member = new Terms("member", 0, 0, 10, 800, 100_000, 1, "LOYAL");
    assertEquals(500, member.discountOn(5000));
    assertEquals(800, member.discountOn(20_000));
  }
}
