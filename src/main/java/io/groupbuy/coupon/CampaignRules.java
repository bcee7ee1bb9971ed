package io.groupbuy.coupon;

import io.groupbuy.coupon.Campaign.CampaignDefined;
import io.groupbuy.coupon.Campaign.Command;
import io.groupbuy.coupon.Campaign.CouponIssued;
import io.groupbuy.coupon.Campaign.CouponRedeemed;
import io.groupbuy.coupon.Campaign.CouponReleased;
import io.groupbuy.coupon.Campaign.Event;
import io.groupbuy.platform.DomainError;
import java.util.List;

/** What a campaign does with one command, as plain code: events, or a refusal. */
final class CampaignRules {
  private CampaignRules() {}

  record Decision(List<Event> events, DomainError refusal) {
    static Decision of(Event... events) {
      return new Decision(List.of(events), null);
    }

    static Decision refuse(DomainError e) {
      return new Decision(List.of(), e);
    }
  }

  static Decision decide(String campaignId, CampaignState s, Command c) {
    if (c instanceof Campaign.Define d) {
      String problem = d.terms().problem();
      if (problem != null) return Decision.refuse(new DomainError.Invalid(problem, "terms"));
      if (s.terms() == null) return Decision.of(new CampaignDefined(d.terms()));
      if (s.terms().equals(d.terms())) return Decision.of();
      return Decision.refuse(
          new DomainError.Conflict("campaign " + campaignId + " exists with other terms"));
    }
    if (s.terms() == null) {
      return Decision.refuse(new DomainError.NotFound("no campaign " + campaignId, "campaignId"));
    }
    if (c instanceof Campaign.Get) return Decision.of();
    if (c instanceof Campaign.Issue i) return issue(campaignId, s, i);
    if (c instanceof Campaign.Redeem r) return redeem(s, r);
    if (c instanceof Campaign.Release r) return release(s, r);
    return Decision.of();
  }

  private static Decision issue(String campaignId, CampaignState s, Campaign.Issue i) {
    String existing = s.couponOfIssue(i.issueId());
    if (existing != null) {
      CampaignState.Held h = s.held(existing);
      return h.userId().equals(i.userId())
          ? Decision.of()
          : Decision.refuse(
              new DomainError.Conflict("issue " + i.issueId() + " went to another user"));
    }
    String target = s.terms().targetSegment();
    if (target != null && !target.isEmpty() && !target.equals(i.userSegment())) {
      return Decision.refuse(
          new DomainError.Rejected(
              "user "
                  + i.userId()
                  + " is "
                  + (i.userSegment() == null ? "unknown" : i.userSegment())
                  + ", the campaign is for "
                  + target));
    }
    if (s.terms().byPropensity()) {
      String wanted =
          String.format(
              java.util.Locale.ROOT,
              "the campaign is for users who buy %s next with P >= %.3f",
              s.terms().targetSku(),
              s.terms().minPropensity());
      if (i.propensity() == null) {
        return Decision.refuse(
            new DomainError.Rejected(
                "user " + i.userId() + " has no orders to predict from; " + wanted));
      }
      if (i.propensity() < s.terms().minPropensity()) {
        return Decision.refuse(
            new DomainError.Rejected(
                String.format(
                    java.util.Locale.ROOT,
                    "user %s buys %s next with P %.3f; %s",
                    i.userId(),
                    s.terms().targetSku(),
                    i.propensity(),
                    wanted)));
      }
    }
    if (s.issuedTo(i.userId()) >= s.terms().perUserLimit()) {
      return Decision.refuse(
          new DomainError.Rejected(
              "user " + i.userId() + " has the " + s.terms().perUserLimit() + " coupons allowed"));
    }
    String couponId = campaignId + ":" + (s.issued() + 1);
    return Decision.of(new CouponIssued(i.issueId(), couponId, i.userId()));
  }

  private static Decision redeem(CampaignState s, Campaign.Redeem r) {
    CampaignState.Held h = s.held(r.couponId());
    if (h == null) {
      return Decision.refuse(new DomainError.NotFound("no coupon " + r.couponId(), "couponId"));
    }
    if (r.userId() != null && !h.userId().equals(r.userId())) {
      return Decision.refuse(
          new DomainError.Rejected(
              "coupon " + r.couponId() + " belongs to another user than " + r.userId()));
    }
    if (h.orderId() != null) {
      return h.orderId().equals(r.orderId())
          ? Decision.of()
          : Decision.refuse(
              new DomainError.Conflict("coupon " + r.couponId() + " is used by another order"));
    }
    if (r.orderId().equals(h.returnedBy())) {
      return Decision.refuse(
          new DomainError.Rejected(
              "order " + r.orderId() + " gave coupon " + r.couponId() + " back already"));
    }
    long discount = s.terms().discountOn(r.subtotalFen());
    if (discount <= 0) {
      return Decision.refuse(
          new DomainError.Rejected(
              "the order's subtotal "
                  + r.subtotalFen()
                  + " fen is under the coupon's threshold of "
                  + s.terms().thresholdFen()
                  + " fen"));
    }
    if (s.budgetUsedFen() + discount > s.terms().budgetFen()) {
      return Decision.refuse(new DomainError.Rejected("the campaign's budget is spent"));
    }
    return Decision.of(new CouponRedeemed(r.couponId(), r.orderId(), discount));
  }

  private static Decision release(CampaignState s, Campaign.Release r) {
    CampaignState.Held h = s.held(r.couponId());
    if (h == null) {
      return Decision.refuse(new DomainError.NotFound("no coupon " + r.couponId(), "couponId"));
    }
    if (h.orderId() == null) {
      // released already, or the order's redemption has not landed: fence it off
      return r.orderId().equals(h.returnedBy())
          ? Decision.of()
          : Decision.of(new CouponReleased(r.couponId(), r.orderId(), 0));
    }
    if (!h.orderId().equals(r.orderId())) {
      return Decision.refuse(
          new DomainError.Conflict("coupon " + r.couponId() + " is used by another order"));
    }
    return Decision.of(new CouponReleased(r.couponId(), r.orderId(), h.discountFen()));
  }
}
