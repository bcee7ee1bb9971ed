package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.sim.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A coupon campaign on a two-node cluster: 500 redemptions sent at once, half through each node,
 * against a budget for 100: exactly 100 succeed and the rest are told the budget is spent; issuing
 * again is idempotent; a release gives the budget back; eligibility follows the live segment.
 */
class CouponIT {
  @Test
  void concurrentRedemptionsFromTwoNodesNeverOverspendTheBudget() throws Exception {
    String keyspace = ItSupport.uniqueKeyspace("it_coupon");
    try (NodeProcess n1 =
            NodeProcess.start("c1", TestCassandra.shared(), keyspace, null, Map.of());
        NodeProcess n2 =
            NodeProcess.start("c2", TestCassandra.shared(), keyspace, n1.remotePort, Map.of())) {
      ClusterIT.awaitMembers(n1, 2);
      ApiClient a = n1.client();
      ApiClient b = n2.client();
      String op = ItSupport.OPERATOR;
      // 满50减10 for anyone, budget for 100 redemptions
      Map<String, Object> terms =
          Map.of(
              "name",
              "50-10",
              "thresholdFen",
              5000,
              "amountFen",
              1000,
              "percentOff",
              0,
              "capFen",
              0,
              "budgetFen",
              100_000,
              "perUserLimit",
              1);
      var defined = a.call("PUT", "/campaigns/spring", op, terms);
      assertEquals(200, defined.status(), defined.raw());
      assertEquals(200, b.call("PUT", "/campaigns/spring", op, terms).status(), "same terms again");

      List<String> coupons = new ArrayList<>();
      for (int u = 0; u < 500; u++) {
        var c =
            (u % 2 == 0 ? a : b)
                .call(
                    "POST",
                    "/campaigns/spring/coupons",
                    op,
                    Map.of("issueId", "issue-" + u, "userId", "user-" + u));
        assertEquals(200, c.status(), c.raw());
        coupons.add(c.body().path("couponId").asText());
      }
      var again =
          b.call(
              "POST",
              "/campaigns/spring/coupons",
              op,
              Map.of("issueId", "issue-7", "userId", "user-7"));
      assertEquals(
          coupons.get(7), again.body().path("couponId").asText(), "re-issue is idempotent");
      var second =
          a.call(
              "POST",
              "/campaigns/spring/coupons",
              op,
              Map.of("issueId", "issue-7b", "userId", "user-7"));
      assertEquals(409, second.status(), "one coupon per user: " + second.raw());

      List<CompletableFuture<ApiClient.Reply>> redemptions = new ArrayList<>();
      for (int u = 0; u < 500; u++) {
        redemptions.add(
            (u % 2 == 0 ? a : b)
                .send(
                    "POST",
                    "/campaigns/spring/redemptions",
                    op,
                    Map.of(
                        "couponId", coupons.get(u), "orderId", "order-" + u, "subtotalFen", 6000)));
      }
      int ok = 0;
      int spent = 0;
      List<Integer> redeemed = new ArrayList<>();
      for (int u = 0; u < 500; u++) {
        ApiClient.Reply r = redemptions.get(u).join();
        if (r.status() == 200) {
          ok++;
          redeemed.add(u);
          assertEquals(1000, r.body().path("discountFen").asLong(), r.raw());
        } else {
          assertEquals(409, r.status(), r.raw());
          assertTrue(r.body().path("message").asText().contains("budget is spent"), r.raw());
          spent++;
        }
      }
      assertEquals(100, ok, "exactly the budget's 100 redemptions succeed");
      assertEquals(400, spent);
      var summary = b.call("GET", "/campaigns/spring", op, null).body();
      assertEquals(100_000, summary.path("budgetUsedFen").asLong());
      assertEquals(0, summary.path("budgetLeftFen").asLong());
      assertEquals(500, summary.path("issued").asInt());

      // a cancelled order gives its coupon back: one more redemption fits
      int first = redeemed.get(0);
      var release =
          a.call(
              "POST",
              "/campaigns/spring/releases",
              op,
              Map.of("couponId", coupons.get(first), "orderId", "order-" + first));
      assertEquals(200, release.status(), release.raw());
      int waiting = 0;
      while (redeemed.contains(waiting)) waiting++;
      var late =
          b.call(
              "POST",
              "/campaigns/spring/redemptions",
              op,
              Map.of(
                  "couponId",
                  coupons.get(waiting),
                  "orderId",
                  "order-" + waiting,
                  "subtotalFen",
                  6000));
      assertEquals(200, late.status(), late.raw());
      assertEquals(
          100_000,
          b.call("GET", "/campaigns/spring", op, null).body().path("budgetUsedFen").asLong());

      // bad input
      assertEquals(404, a.call("GET", "/campaigns/nothing", op, null).status());
      assertEquals(
          400,
          a.call(
                  "POST",
                  "/campaigns/spring/redemptions",
                  op,
                  Map.of("couponId", coupons.get(1), "orderId", "x", "subtotalFen", -5))
              .status());
      assertEquals(
          403, a.call("GET", "/campaigns/spring", ItSupport.customer("user-1"), null).status());
      // a campaign for loyal users refuses a user who is new
      var loyal =
          a.call(
              "PUT",
              "/campaigns/loyal-only",
              op,
              Map.of(
                  "name",
                  "member",
                  "thresholdFen",
                  0,
                  "amountFen",
                  0,
                  "percentOff",
                  10,
                  "capFen",
                  800,
                  "budgetFen",
                  10_000,
                  "perUserLimit",
                  1,
                  "targetSegment",
                  "LOYAL"));
      assertEquals(200, loyal.status(), loyal.raw());
      var notLoyal =
          a.call(
              "POST",
              "/campaigns/loyal-only/coupons",
              op,
              Map.of("issueId", "l-1", "userId", "user-1"));
      assertEquals(409, notLoyal.status(), notLoyal.raw());

      ordersRedeemAtPlacementAndCancellingReturnsTheCoupon(a, b);
    }
  }

  /**
   * Orders through the order saga on the same cluster: the discount shows in the order's total, a
   * coupon of someone else or under its threshold rejects the order and frees its stock, and a
   * cancelled order gives its coupon back for the next order.
   */
  private static void ordersRedeemAtPlacementAndCancellingReturnsTheCoupon(ApiClient a, ApiClient b)
      throws Exception {
    String op = ItSupport.OPERATOR;
    ItSupport.loadCatalog(a, List.of("apple"));
    ItSupport.receive(a, "apple", 100);
    var defined =
        a.call(
            "PUT",
            "/campaigns/basket",
            op,
            Map.of(
                "name",
                "10-3",
                "thresholdFen",
                1000,
                "amountFen",
                300,
                "percentOff",
                0,
                "capFen",
                0,
                "budgetFen",
                600,
                "perUserLimit",
                1));
    assertEquals(200, defined.status(), defined.raw());
    String mine = issue(a, "basket", "buyer-1");
    String hers = issue(b, "basket", "buyer-2");
    String buyer = ItSupport.customer("buyer-1");

    var placed = b.call("POST", "/orders", buyer, withCoupon("b1-1", 10, mine));
    assertEquals(201, placed.status(), placed.raw());
    long subtotal = placed.body().path("subtotalFen").asLong();
    assertTrue(subtotal >= 1000, placed.raw());
    assertEquals(mine, placed.body().path("couponId").asText());
    assertEquals(300, placed.body().path("discountFen").asLong(), placed.raw());
    assertEquals(subtotal - 300, placed.body().path("totalFen").asLong(), placed.raw());
    var campaign = a.call("GET", "/campaigns/basket", op, null).body();
    assertEquals(300, campaign.path("budgetUsedFen").asLong(), campaign.toString());
    // the same placement again: the same order, no second redemption
    var retried = a.call("POST", "/orders", buyer, withCoupon("b1-1", 10, mine));
    assertEquals(placed.body().path("orderId"), retried.body().path("orderId"), retried.raw());
    assertEquals(
        300, a.call("GET", "/campaigns/basket", op, null).body().path("budgetUsedFen").asLong());

    // another user's coupon, or a basket under the threshold: rejected, naming the coupon
    long available = ItSupport.stock(a, "apple").path("available").asLong();
    var foreign =
        a.call("POST", "/orders", ItSupport.customer("buyer-3"), withCoupon("b3-1", 10, mine));
    assertEquals(409, foreign.status(), foreign.raw());
    assertEquals("couponId", foreign.body().path("field").asText(), foreign.raw());
    assertTrue(foreign.body().path("message").asText().contains("another user"), foreign.raw());
    var small =
        a.call("POST", "/orders", ItSupport.customer("buyer-2"), withCoupon("b2-1", 1, hers));
    assertEquals(409, small.status(), small.raw());
    assertTrue(small.body().path("message").asText().contains("threshold"), small.raw());
    awaitAvailable(a, available); // the rejected orders' lines are released

    // cancelling gives the coupon back; the next order of its holder uses it again
    String orderId = placed.body().path("orderId").asText();
    var cancelled = b.call("POST", "/orders/" + orderId + "/cancel", buyer, null);
    assertEquals(200, cancelled.status(), cancelled.raw());
    assertEquals("CANCELLED", cancelled.body().path("status").asText(), cancelled.raw());
    assertEquals(
        0, a.call("GET", "/campaigns/basket", op, null).body().path("budgetUsedFen").asLong());
    var next = a.call("POST", "/orders", buyer, withCoupon("b1-2", 10, mine));
    assertEquals(201, next.status(), next.raw());
    assertEquals(300, next.body().path("discountFen").asLong(), next.raw());
    var used = b.call("GET", "/campaigns/basket", op, null).body();
    assertEquals(300, used.path("budgetUsedFen").asLong(), used.toString());
    assertEquals(1, used.path("redeemed").asInt(), used.toString());

    var malformed = a.call("POST", "/orders", buyer, withCoupon("b1-3", 10, "no coupon!"));
    assertEquals(400, malformed.status(), malformed.raw());
    assertEquals("couponId", malformed.body().path("field").asText(), malformed.raw());
  }

  private static String issue(ApiClient api, String campaign, String user) {
    var c =
        api.call(
            "POST",
            "/campaigns/" + campaign + "/coupons",
            ItSupport.OPERATOR,
            Map.of("issueId", campaign + "-" + user, "userId", user));
    assertEquals(200, c.status(), c.raw());
    return c.body().path("couponId").asText();
  }

  private static Map<String, Object> withCoupon(String key, int apples, String couponId) {
    Map<String, Object> order = new java.util.HashMap<>(ItSupport.order(key, "apple", apples));
    order.put("couponId", couponId);
    return order;
  }

  private static void awaitAvailable(ApiClient api, long expected) throws InterruptedException {
    long by = System.currentTimeMillis() + 20_000;
    while (ItSupport.stock(api, "apple").path("available").asLong() != expected) {
      assertTrue(System.currentTimeMillis() < by, "rejected orders' stock was never released");
      Thread.sleep(200);
    }
  }
}
