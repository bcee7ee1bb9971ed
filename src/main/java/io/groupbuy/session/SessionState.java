package io.groupbuy.session;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.UserFeatures.Features;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One user's session: the cleaner, the features and the segment. It is changed in place by its
 * session alone, on the actor's thread: an upload used to copy the whole state, and with every user
 * writing every few seconds those copies outlived the young generation and filled the old one. Two
 * kinds of state are never changed: the {@link #empty} one the behaviour holds for every recovery
 * ({@link #writable} gives a changeable copy of it), and the copy a snapshot is written from
 * ({@link #frozenCopy}). A state read from a snapshot knows no settings until {@link #boundTo}
 * gives it the node's.
 */
public final class SessionState implements ProtoPersisted {
  BehaviourCleaner cleaner;
  UserFeatures features;
  Segment segment; // null before the first event
  long lastArrivalMs; // -1 before the first event
  final ArrayDeque<String> recentOrders; // the latest orders recorded, oldest first
  final ArrayDeque<List<String>> recentBaskets; // their SKUs, oldest first, for recommendations
  private final boolean frozen;

  /** Orders remembered so that one fed twice counts once. */
  static final int REMEMBERED_ORDERS = 500;

  /** Baskets kept for recommendations: the latest orders' SKUs. */
  static final int REMEMBERED_BASKETS = 20;

  SessionState(
      BehaviourCleaner cleaner,
      UserFeatures features,
      Segment segment,
      long lastArrival,
      Collection<String> recentOrders,
      Collection<List<String>> recentBaskets) {
    this(cleaner, features, segment, lastArrival, recentOrders, recentBaskets, false);
  }

  private SessionState(
      BehaviourCleaner cleaner,
      UserFeatures features,
      Segment segment,
      long lastArrival,
      Collection<String> recentOrders,
      Collection<List<String>> recentBaskets,
      boolean frozen) {
    this.cleaner = cleaner;
    this.features = features;
    this.segment = segment;
    this.lastArrivalMs = lastArrival;
    this.recentOrders = new ArrayDeque<>(recentOrders);
    this.recentBaskets = new ArrayDeque<>();
    for (List<String> basket : recentBaskets) this.recentBaskets.add(List.copyOf(basket));
    this.frozen = frozen;
  }

  /** A session with nothing in it, never changed: {@link #writable} gives one to change. */
  public static SessionState empty(
      BehaviourCleaner.Settings cleaning, UserFeatures.Settings features) {
    return new SessionState(
        new BehaviourCleaner(cleaning),
        new UserFeatures(features),
        null,
        -1,
        List.of(),
        List.of(),
        true);
  }

  /** This state if it may be changed, otherwise a copy of it that may. */
  public SessionState writable() {
    return frozen ? copy(cleaner.settings, features.settings, false) : this;
  }

  /** A copy that nothing changes: what a snapshot is written from while the session goes on. */
  public SessionState frozenCopy() {
    return copy(cleaner.settings, features.settings, true);
  }

  /** The same session under these settings (a restored snapshot, or the node's config changed). */
  public SessionState boundTo(BehaviourCleaner.Settings cleaning, UserFeatures.Settings features) {
    if (cleaner.settings == cleaning && this.features.settings == features) return this;
    return copy(cleaning, features, frozen);
  }

  private SessionState copy(
      BehaviourCleaner.Settings cleaning, UserFeatures.Settings featureSettings, boolean frozen) {
    return new SessionState(
        cleaner.copy(cleaning),
        features.copy(featureSettings),
        segment,
        lastArrivalMs,
        recentOrders,
        recentBaskets,
        frozen);
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
   * Takes in events that arrived together: {@code accepted} (those whose verdict was {@link
   * Rule#ACCEPTED}) go through the cleaner, and what comes out into the features; {@code dropped}
   * counts those refused.
   */
  public void record(long arrivalMs, List<BehaviourEvent> accepted, Map<Rule, Long> dropped) {
    checkWritable();
    for (BehaviourEvent e : accepted) feed(features, cleaner.offer(e, arrivalMs).out());
    feed(features, cleaner.advance(arrivalMs));
    dropped.forEach(cleaner::countDropped);
    lastArrivalMs = Math.max(lastArrivalMs, arrivalMs);
  }

  /** Whether the order was recorded (among the latest {@value #REMEMBERED_ORDERS}). */
  public boolean hasOrder(String orderId) {
    return recentOrders.contains(orderId);
  }

  /** Takes in a confirmed order of the user's. */
  public void order(
      String orderId,
      long tsMs,
      List<UserFeatures.OrderLine> lines,
      long subtotalFen,
      long discountFen) {
    checkWritable();
    features.onOrder(tsMs, lines, subtotalFen, discountFen);
    recentOrders.addLast(orderId);
    if (recentOrders.size() > REMEMBERED_ORDERS) recentOrders.removeFirst();
    recentBaskets.addLast(lines.stream().map(UserFeatures.OrderLine::sku).distinct().toList());
    if (recentBaskets.size() > REMEMBERED_BASKETS) recentBaskets.removeFirst();
  }

  /**
   * The cleaner's counts by rule as they are now, to compare with later ({@link #countedSince}).
   */
  public Map<Rule, Long> counts() {
    return cleaner.counts();
  }

  /** What the cleaner counted, by rule, since it counted {@code then} ({@link #counts}). */
  public Map<Rule, Long> countedSince(Map<Rule, Long> then) {
    Map<Rule, Long> now = cleaner.counts();
    Map<Rule, Long> delta = new java.util.EnumMap<>(Rule.class);
    now.forEach(
        (rule, n) -> {
          long d = n - then.getOrDefault(rule, 0L);
          if (d != 0) delta.put(rule, d);
        });
    return delta;
  }

  public void segment(Segment to) {
    checkWritable();
    segment = to;
  }

  private void checkWritable() {
    if (frozen) throw new IllegalStateException("a frozen session state is never changed");
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
        List.copyOf(recentBaskets),
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
