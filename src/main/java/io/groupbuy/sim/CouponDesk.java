package io.groupbuy.sim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's marketing desk: defines one campaign per segment through the coupon API, hands
 * the customers it looks at a coupon of the campaign for their live segment, and lets their next
 * order use it. Counts what the API answers: coupons issued and refused, redemptions and the
 * discount they gave, orders rejected for their coupon.
 */
final class CouponDesk {
  /** A campaign the desk runs: for one segment, as the coupon API takes its terms. */
  record Offer(String campaignId, String segment, Map<String, Object> terms) {}

  static final List<Offer> OFFERS =
      List.of(
          offer("sim-welcome", "NEW", "新人满20减3", 2000, 300, 0, 0, 1),
          offer("sim-comeback", "REGULAR", "满30减4", 3000, 400, 0, 0, 2),
          offer("sim-thrift", "PRICE_SENSITIVE", "满50减8", 5000, 800, 0, 0, 5),
          offer("sim-member", "LOYAL", "会员95折", 0, 0, 5, 500, 5));

  private static Offer offer(
      String id,
      String segment,
      String name,
      long thresholdFen,
      long amountFen,
      int percentOff,
      long capFen,
      int perUser) {
    return new Offer(
        id,
        segment,
        Map.of(
            "name", name,
            "thresholdFen", thresholdFen,
            "amountFen", amountFen,
            "percentOff", percentOff,
            "capFen", capFen,
            "budgetFen", 500_000L,
            "perUserLimit", perUser,
            "targetSegment", segment));
  }

  private final ApiClient api;
  private final String operatorToken;
  private final String runId;
  private final Map<String, String> wallet = new ConcurrentHashMap<>();
  private final Map<String, Integer> issuesTo = new ConcurrentHashMap<>();
  final AtomicLong issued = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong redeemed = new AtomicLong();
  final AtomicLong discountFen = new AtomicLong();
  final AtomicLong ordersRefused = new AtomicLong();
  final AtomicLong underThreshold = new AtomicLong();

  /** {@code runId} keeps this run's issue ids apart from an earlier run's on the same journal. */
  CouponDesk(ApiClient api, String operatorToken, String runId) {
    this.api = api;
    this.operatorToken = operatorToken;
    this.runId = runId;
  }

  /** Defines the campaigns (the same terms again change nothing); false if the API refused. */
  boolean open() {
    for (Offer o : OFFERS) {
      var r = api.call("PUT", "/campaigns/" + o.campaignId(), operatorToken, o.terms());
      if (r.status() != 200) {
        System.out.println("[sim] campaign " + o.campaignId() + " refused: " + r.raw());
        return false;
      }
    }
    return true;
  }

  /** Offers the customer, in this segment now, a coupon of the segment's campaign. */
  void offer(String customer, String segment) {
    if (wallet.containsKey(customer)) return;
    Offer o = OFFERS.stream().filter(x -> x.segment().equals(segment)).findFirst().orElse(null);
    if (o == null) return;
    int n = issuesTo.merge(customer, 1, Integer::sum);
    var r =
        api.call(
            "POST",
            "/campaigns/" + o.campaignId() + "/coupons",
            operatorToken,
            Map.of("issueId", runId + "-" + customer + "-" + n, "userId", customer));
    if (r.status() == 200) {
      issued.incrementAndGet();
      wallet.put(customer, r.body().path("couponId").asText());
    } else {
      refused.incrementAndGet(); // the per-user limit reached, or the budget spent
    }
  }

  /** The coupon the customer's next order uses, leaving the wallet; null if none. */
  String take(String customer) {
    return wallet.remove(customer);
  }

  /**
   * What the placement answered for an order that named the customer's coupon; true if the order
   * was refused for its coupon. A basket under the coupon's threshold keeps the coupon for the next
   * order, as a shopping app would.
   */
  boolean placed(
      String customer, String couponId, int status, com.fasterxml.jackson.databind.JsonNode body) {
    if (status == 201 && body.path("discountFen").asLong() > 0) {
      redeemed.incrementAndGet();
      discountFen.addAndGet(body.path("discountFen").asLong());
      return false;
    }
    if (status != 409 || !"couponId".equals(body.path("field").asText())) return false;
    String why = body.path("message").asText();
    if (why.contains("threshold")) {
      underThreshold.incrementAndGet();
      wallet.putIfAbsent(customer, couponId);
    } else {
      ordersRefused.incrementAndGet();
      if (ordersRefused.get() <= 3) System.out.println("[sim] coupon refused: " + why);
    }
    return true;
  }

  String progress() {
    return String.format(
        "coupons issued %d (refused %d), redeemed %d (¥%.2f off); baskets under the threshold %d,"
            + " coupons refused otherwise %d",
        issued.get(),
        refused.get(),
        redeemed.get(),
        discountFen.get() / 100.0,
        underThreshold.get(),
        ordersRefused.get());
  }
}
