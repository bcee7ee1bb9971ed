package io.groupbuy.session;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.UserFeatures.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One user's session as a value: the cleaner, the features and the segment. It never changes once
 * made; {@link #record} gives a new one (copy on write), so a snapshot may be written from it while
 * the session goes on. A state read from a snapshot knows no settings until {@link #boundTo} gives
 * it the node's.
 */
public final class SessionState implements ProtoPersisted {
  final BehaviourCleaner cleaner;
  final UserFeatures features;
  final Segment segment; // null before the first event
  final long lastArrivalMs; // -1 before the first event
  final List<String> recentOrders; // the latest orders recorded, oldest first
  final List<List<String>> recentBaskets; // their SKUs, oldest first, for recommendations

  /** Orders remembered so that one fed twice counts once. */
  static final int REMEMBERED_ORDERS = 500;

  /** Baskets kept for recommendations: the latest orders' SKUs. */
  static final int REMEMBERED_BASKETS = 20;

  SessionState(
      BehaviourCleaner cleaner,
      UserFeatures features,
      Segment segment,
      long lastArrival,
      List<String> recentOrders,
      List<List<String>> recentBaskets) {
    this.cleaner = cleaner;
    this.features = features;
    this.segment = segment;
    this.lastArrivalMs = lastArrival;
    this.recentOrders = List.copyOf(recentOrders);
    this.recentBaskets = recentBaskets.stream().map(List::copyOf).toList();
  }

  public static SessionState empty(
      BehaviourCleaner.Settings cleaning, UserFeatures.Settings features) {
    return new SessionState(
        new BehaviourCleaner(cleaning), new UserFeatures(features), null, -1, List.of(), List.of());
  }

  /** The same session under these settings (a restored snapshot, or the node's config changed). */
  public SessionState boundTo(BehaviourCleaner.Settings cleaning, UserFeatures.Settings features) {
    if (cleaner.settings == cleaning && this.features.settings == features) return this;
    return new SessionState(
        cleaner.copy(cleaning),
        this.features.copy(features),
        segment,
        lastArrivalMs,
        recentOrders,
        recentBaskets);
  }

  /** Whether any behaviour or order was ever recorded. */
  public boolean known() {
    return lastArrivalMs >= 0 || !recentOrders.isEmpty();
  }

  /** The segment after the last event, or {@code null} before any. */
  public Segment segment() {
    return segment;
  }

  public long lastArrivalMs() {
    return lastArrivalMs;
  }

  /** What offering events would do, without doing it: each event's verdict, in order. */
  public List<Rule> verdicts(List<BehaviourEvent> events, long arrivalMs) {
    return cleaner.verdicts(events, arrivalMs);
  }

  /**
   * The session after events that arrived together: {@code accepted} (those whose verdict was
   * {@link Rule#ACCEPTED}) go through the cleaner, and what comes out into the features; {@code
   * dropped} counts those refused.
   */
  public SessionState record(
      long arrivalMs, List<BehaviourEvent> accepted, Map<Rule, Long> dropped) {
    BehaviourCleaner c = cleaner.copy();
    UserFeatures f = features.copy();
    for (BehaviourEvent e : accepted) feed(f, c.offer(e, arrivalMs).out());
    feed(f, c.advance(arrivalMs));
    dropped.forEach(c::countDropped);
    return new SessionState(
        c, f, segment, Math.max(lastArrivalMs, arrivalMs), recentOrders, recentBaskets);
  }

  /** Whether the order was recorded (among the latest {@value #REMEMBERED_ORDERS}). */
  public boolean hasOrder(String orderId) {
    return recentOrders.contains(orderId);
  }

  /** The session after a confirmed order of the user's. */
  public SessionState order(
      String orderId,
      long tsMs,
      List<UserFeatures.OrderLine> lines,
      long subtotalFen,
      long discountFen) {
    UserFeatures f = features.copy();
    f.onOrder(tsMs, lines, subtotalFen, discountFen);
    List<String> orders = new ArrayList<>(recentOrders);
    orders.add(orderId);
    if (orders.size() > REMEMBERED_ORDERS) orders.remove(0);
    List<List<String>> baskets = new ArrayList<>(recentBaskets);
    baskets.add(lines.stream().map(UserFeatures.OrderLine::sku).distinct().toList());
    if (baskets.size() > REMEMBERED_BASKETS) baskets.remove(0);
    return new SessionState(cleaner, f, segment, lastArrivalMs, orders, baskets);
  }

  /** What the cleaner counted, by rule, since {@code before} (an earlier state of this session). */
  public Map<Rule, Long> countedSince(SessionState before) {
    Map<Rule, Long> now = cleaner.counts();
    Map<Rule, Long> then = before.cleaner.counts();
    Map<Rule, Long> delta = new java.util.EnumMap<>(Rule.class);
    now.forEach(
        (rule, n) -> {
          long d = n - then.getOrDefault(rule, 0L);
          if (d != 0) delta.put(rule, d);
        });
    return delta;
  }

  public SessionState withSegment(Segment to) {
    return new SessionState(cleaner, features, to, lastArrivalMs, recentOrders, recentBaskets);
  }

  /** The segment the features put the user in as of {@code nowMs}. */
  public Segment segmentAt(long nowMs, Segment.Thresholds thresholds) {
    return Segment.of(features.copy().features(nowMs), nowMs, thresholds);
  }

  /** What the session looks like at {@code nowMs}, held events released as if time had passed. */
  public View view(long nowMs, Segment.Thresholds thresholds) {
    BehaviourCleaner c = cleaner.copy();
    UserFeatures f = features.copy();
    feed(f, c.advance(nowMs));
    Features now = f.features(nowMs);
    return new View(
        known() ? Segment.of(now, nowMs, thresholds) : null,
        now,
        c.counts(),
        c.pending(),
        recentBaskets,
        f.openCarts());
  }

  /**
   * A session seen from outside: its segment now ({@code null} if unknown), features, counts, the
   * latest orders' SKUs (oldest first) and what is in the cart.
   */
  public record View(
      Segment segment,
      Features features,
      Map<Rule, Long> cleaning,
      int pendingEvents,
      List<List<String>> recentBaskets,
      List<String> inCart)
      implements CborSerializable {}

  private static void feed(UserFeatures f, List<BehaviourCleaner.Clean> out) {
    for (BehaviourCleaner.Clean clean : out) {
      f.onEvent(clean.event(), clean.event().category(), clean.clicks());
    }
  }

  /** Equal when a snapshot would write both the same: every field, in the same order. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SessionState other
        && SessionProtobuf.snapshotOf(this).equals(SessionProtobuf.snapshotOf(other));
  }

  @Override
  public int hashCode() {
    return SessionProtobuf.snapshotOf(this).hashCode();
  }

  @Override
  public String toString() {
    return "SessionState(segment " + segment + ", last arrival " + lastArrivalMs + ")";
  }
}
