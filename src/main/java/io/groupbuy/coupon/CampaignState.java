package io.groupbuy.coupon;

import io.groupbuy.coupon.Campaign.CampaignDefined;
import io.groupbuy.coupon.Campaign.CouponIssued;
import io.groupbuy.coupon.Campaign.CouponRedeemed;
import io.groupbuy.coupon.Campaign.CouponReleased;
import io.groupbuy.coupon.Campaign.Event;
import io.groupbuy.coupon.Campaign.Terms;
import io.groupbuy.platform.ProtoPersisted;
import java.util.List;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A campaign's terms, its coupons and the budget used, in persistent maps: an event makes a new
 * state without copying the old, and a snapshot is written from one while the campaign goes on.
 */
public final class CampaignState implements ProtoPersisted {
  /**
   * One coupon; {@code orderId} null while it is not redeemed. {@code returnedBy}: the last order
   * that gave it back (or released it before its redemption landed), which may not redeem it again,
   * so a redemption that arrives after its order's release cannot take the coupon for good.
   */
  public record Held(
      String couponId,
      String userId,
      String issueId,
      String orderId,
      long discountFen,
      String returnedBy) {
    Held redeemed(String order, long discount) {
      return new Held(couponId, userId, issueId, order, discount, returnedBy);
    }

    Held returned(String order) {
      return new Held(couponId, userId, issueId, null, 0, order);
    }
  }

  public static final CampaignState EMPTY =
      new CampaignState(
          null, HashMap$.MODULE$.empty(), HashMap$.MODULE$.empty(), HashMap$.MODULE$.empty(), 0);

  final Terms terms; // null before the campaign is defined
  final HashMap<String, Held> coupons;
  final HashMap<String, String> byIssue;
  final HashMap<String, Integer> perUser;
  final long budgetUsedFen;

  CampaignState(
      Terms terms,
      HashMap<String, Held> coupons,
      HashMap<String, String> byIssue,
      HashMap<String, Integer> perUser,
      long budgetUsedFen) {
    this.terms = terms;
    this.coupons = coupons;
    this.byIssue = byIssue;
    this.perUser = perUser;
    this.budgetUsedFen = budgetUsedFen;
  }

  /** Rebuilt from a snapshot's coupons. */
  static CampaignState of(Terms terms, List<Held> coupons, long budgetUsedFen) {
    CampaignState s =
        new CampaignState(
            terms,
            HashMap$.MODULE$.empty(),
            HashMap$.MODULE$.empty(),
            HashMap$.MODULE$.empty(),
            budgetUsedFen);
    for (Held h : coupons) s = s.withIssued(h);
    return s;
  }

  public Terms terms() {
    return terms;
  }

  public long budgetUsedFen() {
    return budgetUsedFen;
  }

  public Held held(String couponId) {
    return coupons.get(couponId).getOrElse(() -> null);
  }

  String couponOfIssue(String issueId) {
    return byIssue.get(issueId).getOrElse(() -> null);
  }

  int issuedTo(String userId) {
    return perUser.get(userId).getOrElse(() -> 0);
  }

  int issued() {
    return coupons.size();
  }

  /** Coupons in no particular order, for snapshots. */
  Iterable<Held> all() {
    return CollectionConverters.asJava(coupons.values());
  }

  Campaign.Coupon coupon(String campaignId, String couponId) {
    Held h = held(couponId);
    return h == null
        ? null
        : new Campaign.Coupon(h.couponId(), campaignId, h.userId(), h.orderId(), h.discountFen());
  }

  Campaign.Summary summary(String campaignId) {
    int redeemed = 0;
    for (Held h : all()) if (h.orderId() != null) redeemed++;
    return new Campaign.Summary(
        campaignId,
        terms,
        coupons.size(),
        redeemed,
        budgetUsedFen,
        terms == null ? 0 : terms.budgetFen() - budgetUsedFen);
  }

  private CampaignState withIssued(Held h) {
    return new CampaignState(
        terms,
        coupons.updated(h.couponId(), h),
        h.issueId() == null ? byIssue : byIssue.updated(h.issueId(), h.couponId()),
        perUser.updated(h.userId(), issuedTo(h.userId()) + 1),
        budgetUsedFen);
  }

  CampaignState apply(Event e) {
    if (e instanceof CampaignDefined d) {
      return new CampaignState(d.terms(), coupons, byIssue, perUser, budgetUsedFen);
    } else if (e instanceof CouponIssued i) {
      return withIssued(new Held(i.couponId(), i.userId(), i.issueId(), null, 0, null));
    } else if (e instanceof CouponRedeemed r) {
      Held h = held(r.couponId());
      return new CampaignState(
          terms,
          coupons.updated(r.couponId(), h.redeemed(r.orderId(), r.discountFen())),
          byIssue,
          perUser,
          budgetUsedFen + r.discountFen());
    } else if (e instanceof CouponReleased r) {
      Held h = held(r.couponId());
      return new CampaignState(
          terms,
          coupons.updated(r.couponId(), h.returned(r.orderId())),
          byIssue,
          perUser,
          budgetUsedFen - r.discountFen());
    }
    throw new IllegalArgumentException("unknown campaign event " + e);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CampaignState s
        && java.util.Objects.equals(terms, s.terms)
        && coupons.equals(s.coupons)
        && budgetUsedFen == s.budgetUsedFen;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(terms, coupons, budgetUsedFen);
  }
}
