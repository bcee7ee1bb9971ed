package io.groupbuy.session;

import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.UserSession.BehaviourRecorded;
import io.groupbuy.session.UserSession.OrderRecorded;
import io.groupbuy.session.UserSession.SegmentChanged;
import io.groupbuy.session.proto.BehaviourAction;
import io.groupbuy.session.proto.BehaviourEventProto;
import io.groupbuy.session.proto.CategoryInterest;
import io.groupbuy.session.proto.CleanerSnapshot;
import io.groupbuy.session.proto.CleaningRule;
import io.groupbuy.session.proto.ClickRun;
import io.groupbuy.session.proto.FeaturesSnapshot;
import io.groupbuy.session.proto.HeldEvent;
import io.groupbuy.session.proto.OpenCart;
import io.groupbuy.session.proto.PlacedOrderFigures;
import io.groupbuy.session.proto.RuleCount;
import io.groupbuy.session.proto.SessionBehaviourRecorded;
import io.groupbuy.session.proto.SessionOrderLine;
import io.groupbuy.session.proto.SessionOrderRecorded;
import io.groupbuy.session.proto.SessionSegmentChanged;
import io.groupbuy.session.proto.SessionSnapshot;
import io.groupbuy.session.proto.SkuBasket;
import io.groupbuy.session.proto.UserSegment;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf forms of {@link UserSession}'s events and snapshot, and of behaviour events on the wire
 * ({@code protobuf/session.proto}). The snapshot writes the cleaner's and the features' fields as
 * they are, in their order, so a restored session goes on exactly as the one written.
 */
public final class SessionProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public SessionProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              BehaviourRecorded.class,
              "session.BehaviourRecorded",
              SessionProtobuf::recorded,
              b -> recorded(SessionBehaviourRecorded.parseFrom(b))),
          ProtoCodec.of(
              SegmentChanged.class,
              "session.SegmentChanged",
              e ->
                  SessionSegmentChanged.newBuilder()
                      .setFrom(segment(e.from()))
                      .setTo(segment(e.to()))
                      .setAtMs(e.atMs())
                      .build(),
              b -> {
                var p = SessionSegmentChanged.parseFrom(b);
                return new SegmentChanged(segment(p.getFrom()), segment(p.getTo()), p.getAtMs());
              }),
          ProtoCodec.of(
              OrderRecorded.class,
              "session.OrderRecorded",
              SessionProtobuf::orderRecorded,
              b -> orderRecorded(SessionOrderRecorded.parseFrom(b))),
          ProtoCodec.of(
              SessionState.class,
              "session.Snapshot",
              SessionProtobuf::snapshot,
              b -> state(SessionSnapshot.parseFrom(b))));

  // ---- behaviour events ----

  public static BehaviourEventProto event(BehaviourEvent e) {
    var b =
        BehaviourEventProto.newBuilder()
            .setEventId(e.eventId())
            .setUserId(e.userId())
            .setTsMs(e.tsMs())
            .setAction(action(e.action()));
    if (e.sku() != null) b.setSku(e.sku());
    if (e.page() != null) b.setPage(e.page());
    if (e.durationMs() != null) b.setDurationMs(e.durationMs());
    if (e.category() != null) b.setCategory(e.category());
    return b.build();
  }

  /** A persisted event, checked when it was written: every field it needs is there. */
  static BehaviourEvent event(BehaviourEventProto p) {
    return new BehaviourEvent(
        p.getEventId(),
        p.getUserId(),
        p.getTsMs(),
        action(p.getAction()),
        p.hasSku() ? p.getSku() : null,
        p.hasPage() ? p.getPage() : null,
        p.hasDurationMs() ? p.getDurationMs() : null,
        p.hasCategory() ? p.getCategory() : null);
  }

  /** The action of an uploaded event, {@code null} if absent or unknown to this version. */
  public static BehaviourEvent.Action action(BehaviourAction a) {
    return switch (a) {
      case VIEW -> BehaviourEvent.Action.VIEW;
      case CLICK -> BehaviourEvent.Action.CLICK;
      case CART -> BehaviourEvent.Action.CART;
      case UNCART -> BehaviourEvent.Action.UNCART;
      case ORDER -> BehaviourEvent.Action.ORDER;
      case COUPON_USE -> BehaviourEvent.Action.COUPON_USE;
      case BEHAVIOUR_ACTION_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  static BehaviourAction action(BehaviourEvent.Action a) {
    return switch (a) {
      case VIEW -> BehaviourAction.VIEW;
      case CLICK -> BehaviourAction.CLICK;
      case CART -> BehaviourAction.CART;
      case UNCART -> BehaviourAction.UNCART;
      case ORDER -> BehaviourAction.ORDER;
      case COUPON_USE -> BehaviourAction.COUPON_USE;
    };
  }

  private static SessionBehaviourRecorded recorded(BehaviourRecorded e) {
    var b = SessionBehaviourRecorded.newBuilder().setArrivalMs(e.arrivalMs());
    e.events().forEach(ev -> b.addEvents(event(ev)));
    b.addAllDropped(counts(e.dropped()));
    return b.build();
  }

  private static BehaviourRecorded recorded(SessionBehaviourRecorded p) {
    return new BehaviourRecorded(
        p.getArrivalMs(),
        p.getEventsList().stream().map(SessionProtobuf::event).toList(),
        counts(p.getDroppedList()));
  }

  private static SessionOrderRecorded orderRecorded(OrderRecorded e) {
    var b =
        SessionOrderRecorded.newBuilder()
            .setOrderId(e.orderId())
            .setTsMs(e.tsMs())
            .setSubtotalFen(e.subtotalFen())
            .setDiscountFen(e.discountFen());
    for (UserFeatures.OrderLine l : e.lines()) {
      var line =
          SessionOrderLine.newBuilder()
              .setSku(l.sku())
              .setQuantity(l.quantity())
              .setAmountFen(l.amountFen());
      if (l.category() != null) line.setCategory(l.category());
      b.addLines(line);
    }
    return b.build();
  }

  private static OrderRecorded orderRecorded(SessionOrderRecorded p) {
    return new OrderRecorded(
        p.getOrderId(),
        p.getTsMs(),
        p.getLinesList().stream()
            .map(
                l ->
                    new UserFeatures.OrderLine(
                        l.getSku(),
                        l.hasCategory() ? l.getCategory() : null,
                        l.getQuantity(),
                        l.getAmountFen()))
            .toList(),
        p.getSubtotalFen(),
        p.getDiscountFen());
  }

  // ---- rules and segments ----

  private static List<RuleCount> counts(Map<Rule, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> RuleCount.newBuilder().setRule(rule(e.getKey())).setCount(e.getValue()).build())
        .toList();
  }

  private static Map<Rule, Long> counts(List<RuleCount> counts) {
    Map<Rule, Long> out = new EnumMap<>(Rule.class);
    for (RuleCount c : counts) {
      Rule r = rule(c.getRule());
      if (r != null) out.merge(r, c.getCount(), Long::sum);
    }
    return out;
  }

  private static CleaningRule rule(Rule r) {
    return CleaningRule.valueOf(r.name());
  }

  private static Rule rule(CleaningRule r) {
    return r == CleaningRule.CLEANING_RULE_UNSPECIFIED || r == CleaningRule.UNRECOGNIZED
        ? null
        : Rule.valueOf(r.name());
  }

  private static UserSegment segment(Segment s) {
    return s == null ? UserSegment.USER_SEGMENT_UNSPECIFIED : UserSegment.valueOf(s.name());
  }

  private static Segment segment(UserSegment s) {
    return s == UserSegment.USER_SEGMENT_UNSPECIFIED || s == UserSegment.UNRECOGNIZED
        ? null
        : Segment.valueOf(s.name());
  }

  // ---- snapshot ----

  static SessionSnapshot snapshotOf(SessionState s) {
    return snapshot(s);
  }

  private static SessionSnapshot snapshot(SessionState s) {
    return SessionSnapshot.newBuilder()
        .setCleaner(cleaner(s.cleaner))
        .setFeatures(features(s.features))
        .setSegment(segment(s.segment))
        .setLastArrivalMs(s.lastArrivalMs)
        .addAllRecentOrders(s.recentOrders)
        .addAllRecentBaskets(
            s.recentBaskets.stream()
                .map(b -> SkuBasket.newBuilder().addAllSkus(b).build())
                .toList())
        .build();
  }

  /** A state without settings: the session binds its own ({@link SessionState#boundTo}). */
  private static SessionState state(SessionSnapshot p) {
    return new SessionState(
        cleaner(p.getCleaner()),
        features(p.getFeatures()),
        segment(p.getSegment()),
        p.getLastArrivalMs(),
        p.getRecentOrdersList(),
        p.getRecentBasketsList().stream().map(b -> (List<String>) b.getSkusList()).toList());
  }

  private static CleanerSnapshot cleaner(BehaviourCleaner c) {
    var b =
        CleanerSnapshot.newBuilder()
            .addAllSeenIdFingerprints(
                java.util.Arrays.stream(c.seenIds.fingerprints()).boxed().toList())
            .addAllCounts(counts(c.counts))
            .setSeq(c.seq)
            .setLatestTsOffered(c.latestTsOffered)
            .setReleasedUpTo(c.releasedUpTo);
    for (BehaviourCleaner.Held h : c.held) {
      b.addHeld(
          HeldEvent.newBuilder()
              .setEvent(event(h.event()))
              .setArrivedMs(h.arrivedMs())
              .setSeq(h.seq()));
    }
    c.runs.forEach(
        (sku, run) -> {
          var r = ClickRun.newBuilder().setSku(sku).setLastArrivalMs(run.lastArrivalMs);
          run.clicks.forEach(click -> r.addClicks(event(click)));
          b.addRuns(r);
        });
    return b.build();
  }

  private static BehaviourCleaner cleaner(CleanerSnapshot p) {
    BehaviourCleaner c = new BehaviourCleaner(null);
    // as many as the snapshot kept: the node's own limit applies from the next event on
    int kept = Math.max(1, p.getSeenIdFingerprintsCount() + p.getSeenIdsCount());
    for (String id : p.getSeenIdsList()) c.seenIds.add(id, kept);
    for (long f : p.getSeenIdFingerprintsList()) c.seenIds.addFingerprint(f, kept);
    for (HeldEvent h : p.getHeldList()) {
      c.held.add(new BehaviourCleaner.Held(event(h.getEvent()), h.getArrivedMs(), h.getSeq()));
    }
    for (ClickRun r : p.getRunsList()) {
      BehaviourCleaner.Run run = new BehaviourCleaner.Run();
      r.getClicksList().forEach(click -> run.clicks.add(event(click)));
      run.lastArrivalMs = r.getLastArrivalMs();
      c.runs.put(r.getSku(), run);
    }
    c.counts.putAll(counts(p.getCountsList()));
    c.seq = p.getSeq();
    c.latestTsOffered = p.getLatestTsOffered();
    c.releasedUpTo = p.getReleasedUpTo();
    return c;
  }

  private static FeaturesSnapshot features(UserFeatures f) {
    var b =
        FeaturesSnapshot.newBuilder()
            .setFirstSeenMs(f.firstSeenMs)
            .setLastActiveMs(f.lastActiveMs)
            .setLastOrderMs(f.lastOrderMs)
            .setOrdersEver(f.ordersEver)
            .setAffinityAtMs(f.affinityAtMs)
            .setCartsConverted(f.cartsConverted)
            .setCartsAbandoned(f.cartsAbandoned)
            .addAllBoughtSkus(f.boughtSkus)
            .setLinesBought(f.linesBought)
            .setLinesRebought(f.linesRebought)
            .setOrdersWithDiscount(f.ordersWithDiscount)
            .setDiscountRateSum(f.discountRateSum);
    for (UserFeatures.PlacedOrder o : f.orders) {
      b.addOrders(
          PlacedOrderFigures.newBuilder()
              .setTsMs(o.tsMs())
              .setSubtotalFen(o.subtotalFen())
              .setDiscountFen(o.discountFen()));
    }
    f.affinity.forEach(
        (c, v) -> b.addAffinity(CategoryInterest.newBuilder().setCategory(c).setInterest(v)));
    f.openCarts.forEach((sku, ts) -> b.addOpenCarts(OpenCart.newBuilder().setSku(sku).setTsMs(ts)));
    return b.build();
  }

  private static UserFeatures features(FeaturesSnapshot p) {
    UserFeatures f = new UserFeatures(null);
    f.firstSeenMs = p.getFirstSeenMs();
    f.lastActiveMs = p.getLastActiveMs();
    f.lastOrderMs = p.getLastOrderMs();
    f.ordersEver = p.getOrdersEver();
    for (PlacedOrderFigures o : p.getOrdersList()) {
      f.orders.add(
          new UserFeatures.PlacedOrder(o.getTsMs(), o.getSubtotalFen(), o.getDiscountFen()));
    }
    for (CategoryInterest c : p.getAffinityList()) f.affinity.put(c.getCategory(), c.getInterest());
    f.affinityAtMs = p.getAffinityAtMs();
    for (OpenCart c : p.getOpenCartsList()) f.openCarts.put(c.getSku(), c.getTsMs());
    f.cartsConverted = p.getCartsConverted();
    f.cartsAbandoned = p.getCartsAbandoned();
    f.boughtSkus.addAll(p.getBoughtSkusList());
    f.linesBought = p.getLinesBought();
    f.linesRebought = p.getLinesRebought();
    f.ordersWithDiscount = p.getOrdersWithDiscount();
    f.discountRateSum = p.getDiscountRateSum();
    return f;
  }
}
