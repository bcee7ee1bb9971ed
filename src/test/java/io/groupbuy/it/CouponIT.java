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
    }
  }
}
