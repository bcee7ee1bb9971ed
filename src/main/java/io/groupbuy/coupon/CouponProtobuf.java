package io.groupbuy.coupon;

import io.groupbuy.coupon.Campaign.CampaignDefined;
import io.groupbuy.coupon.Campaign.CouponIssued;
import io.groupbuy.coupon.Campaign.CouponRedeemed;
import io.groupbuy.coupon.Campaign.CouponReleased;
import io.groupbuy.coupon.Campaign.Terms;
import io.groupbuy.coupon.proto.CampaignCoupon;
import io.groupbuy.coupon.proto.CampaignSnapshot;
import io.groupbuy.coupon.proto.CampaignTerms;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import java.util.ArrayList;
import java.util.List;

/** Protobuf forms of {@link Campaign}'s events and snapshot ({@code protobuf/coupon.proto}). */
public final class CouponProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public CouponProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              CampaignDefined.class,
              "coupon.CampaignDefined",
              e ->
                  io.groupbuy.coupon.proto.CampaignDefined.newBuilder()
                      .setTerms(terms(e.terms()))
                      .build(),
              b ->
                  new CampaignDefined(
                      terms(io.groupbuy.coupon.proto.CampaignDefined.parseFrom(b).getTerms()))),
          ProtoCodec.of(
              CouponIssued.class,
              "coupon.CouponIssued",
              e ->
                  io.groupbuy.coupon.proto.CouponIssued.newBuilder()
                      .setIssueId(e.issueId())
                      .setCouponId(e.couponId())
                      .setUserId(e.userId())
                      .build(),
              b -> {
                var p = io.groupbuy.coupon.proto.CouponIssued.parseFrom(b);
                return new CouponIssued(p.getIssueId(), p.getCouponId(), p.getUserId());
              }),
          ProtoCodec.of(
              CouponRedeemed.class,
              "coupon.CouponRedeemed",
              e ->
                  io.groupbuy.coupon.proto.CouponRedeemed.newBuilder()
                      .setCouponId(e.couponId())
                      .setOrderId(e.orderId())
                      .setDiscountFen(e.discountFen())
                      .build(),
              b -> {
                var p = io.groupbuy.coupon.proto.CouponRedeemed.parseFrom(b);
                return new CouponRedeemed(p.getCouponId(), p.getOrderId(), p.getDiscountFen());
              }),
          ProtoCodec.of(
              CouponReleased.class,
              "coupon.CouponReleased",
              e ->
                  io.groupbuy.coupon.proto.CouponReleased.newBuilder()
                      .setCouponId(e.couponId())
                      .setOrderId(e.orderId())
                      .setDiscountFen(e.discountFen())
                      .build(),
              b -> {
                var p = io.groupbuy.coupon.proto.CouponReleased.parseFrom(b);
                return new CouponReleased(p.getCouponId(), p.getOrderId(), p.getDiscountFen());
              }),
          ProtoCodec.of(
              CampaignState.class,
              "coupon.CampaignSnapshot",
              CouponProtobuf::snapshot,
              b -> state(CampaignSnapshot.parseFrom(b))));

  static CampaignTerms terms(Terms t) {
    return CampaignTerms.newBuilder()
        .setName(t.name())
        .setThresholdFen(t.thresholdFen())
        .setAmountFen(t.amountFen())
        .setPercentOff(t.percentOff())
        .setCapFen(t.capFen())
        .setBudgetFen(t.budgetFen())
        .setPerUserLimit(t.perUserLimit())
        .setTargetSegment(t.targetSegment() == null ? "" : t.targetSegment())
        .setTargetSku(t.targetSku() == null ? "" : t.targetSku())
        .setMinPropensity(t.minPropensity())
        .build();
  }

  static Terms terms(CampaignTerms p) {
    return new Terms(
        p.getName(),
        p.getThresholdFen(),
        p.getAmountFen(),
        p.getPercentOff(),
        p.getCapFen(),
        p.getBudgetFen(),
        p.getPerUserLimit(),
        p.getTargetSegment().isEmpty() ? null : p.getTargetSegment(),
        p.getTargetSku().isEmpty() ? null : p.getTargetSku(),
        p.getMinPropensity());
  }

  private static CampaignSnapshot snapshot(CampaignState s) {
    var b = CampaignSnapshot.newBuilder().setBudgetUsedFen(s.budgetUsedFen());
    if (s.terms() != null) b.setTerms(terms(s.terms()));
    for (CampaignState.Held h : s.all()) {
      var c = CampaignCoupon.newBuilder().setCouponId(h.couponId()).setUserId(h.userId());
      if (h.orderId() != null) c.setOrderId(h.orderId()).setDiscountFen(h.discountFen());
      if (h.issueId() != null) c.setIssueId(h.issueId());
      if (h.returnedBy() != null) c.setReturnedBy(h.returnedBy());
      b.addCoupons(c);
    }
    return b.build();
  }

  private static CampaignState state(CampaignSnapshot p) {
    List<CampaignState.Held> coupons = new ArrayList<>();
    for (CampaignCoupon c : p.getCouponsList()) {
      coupons.add(
          new CampaignState.Held(
              c.getCouponId(),
              c.getUserId(),
              c.getIssueId().isEmpty() ? null : c.getIssueId(),
              c.getOrderId().isEmpty() ? null : c.getOrderId(),
              c.getDiscountFen(),
              c.getReturnedBy().isEmpty() ? null : c.getReturnedBy()));
    }
    return CampaignState.of(
        p.hasTerms() ? terms(p.getTerms()) : null, coupons, p.getBudgetUsedFen());
  }
}
