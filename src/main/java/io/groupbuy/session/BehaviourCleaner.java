package io.groupbuy.session;

import com.typesafe.config.Config;
import io.groupbuy.session.BehaviourEvent.Action;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Cleans one user's behaviour stream, as plain code: the user's session feeds it each event with
 * the server's time of arrival and takes what comes out. The same inputs give the same outputs, so
 * a session replaying its journal rebuilds the same stream.
 *
 * <ul>
 *   <li>An event dated more than {@code maxAge} before its arrival or more than {@code maxAhead}
 *       after it is dropped ({@link Rule#TOO_OLD}, {@link Rule#TOO_FAR_AHEAD}).
 *   <li>An event id seen among the user's last {@code rememberedIds} is dropped ({@link
 *       Rule#DUPLICATE}).
 *   <li>Events are held {@code reorderWindow} after arrival and come out in the order of their
 *       times ({@link Rule#REORDERED} counts those that arrived after a later one). One dated
 *       before what already came out cannot be put in place: it comes out at once ({@link
 *       Rule#LATE}).
 *   <li>Clicks on the same item, each within {@code burstWindow} of the one before, are a run; a
 *       run of more than {@code burstClicks} comes out as one click that counts them ({@link
 *       Rule#BURST_MERGED} counts the clicks merged away). Clicks therefore come out when their run
 *       ends: {@code burstWindow} after its last click.
 * </ul>
 *
 * State is bounded: the remembered ids, the held events ({@code maxHeld}, past which the oldest
 * come out early) and the open click runs.
 */
public final class BehaviourCleaner {

  /** What happened to events, by rule; kept per user and summed in {@code /metrics}. */
  public enum Rule {
    ACCEPTED,
    DUPLICATE,
    TOO_OLD,
    TOO_FAR_AHEAD,
    REORDERED,
    LATE,
    BURST_MERGED
  }

  public record Settings(
      Duration maxAge,
      Duration maxAhead,
      Duration reorderWindow,
      int burstClicks,
      Duration burstWindow,
      int rememberedIds,
      int maxHeld) {
    public Settings {
      if (maxAge.isNegative() || maxAhead.isNegative() || reorderWindow.isNegative())
        throw new IllegalArgumentException("behaviour cleaning: durations must be >= 0");
      // a run ends by time once its last click arrived a burst window ago; a click arriving
      // meanwhile must have come out of the reorder hold by then
      if (burstClicks < 1 || burstWindow.compareTo(reorderWindow) < 0)
        throw new IllegalArgumentException(
            "behaviour cleaning: burst-clicks must be >= 1, burst-window >= reorder-window");
      if (rememberedIds < 1 || maxHeld < 1)
        throw new IllegalArgumentException(
            "behaviour cleaning: remembered-ids and max-held must be >= 1");
    }

    /** From {@code groupbuy.session.cleaning}. */
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("max-age"),
          c.getDuration("max-ahead"),
          c.getDuration("reorder-window"),
          c.getInt("burst-clicks"),
          c.getDuration("burst-window"),
          c.getInt("remembered-ids"),
          c.getInt("max-held"));
    }
  }

  /** An event as it comes out; {@code clicks} > 1 for a burst merged into one click. */
  public record Clean(BehaviourEvent event, int clicks) {}

  /** What one offered event did, and what came out meanwhile. */
  public record Result(Rule verdict, List<Clean> out) {}

  record Held(BehaviourEvent event, long arrivedMs, long seq) {}

  static final class Run {
    final List<BehaviourEvent> clicks = new ArrayList<>();
    long lastArrivalMs;

    Run copy() {
      Run c = new Run();
      c.clicks.addAll(clicks);
      c.lastArrivalMs = lastArrivalMs;
      return c;
    }

    long lastTs() {
      return clicks.get(clicks.size() - 1).tsMs();
    }
  }

  // package-private for SessionProtobuf, which writes and reads them for snapshots
  final Settings settings;
  private static final Comparator<Held> BY_TIME =
      Comparator.comparingLong((Held h) -> h.event().tsMs()).thenComparingLong(Held::seq);

  final RecentIds seenIds;
  final PriorityQueue<Held> held;
  // in the order runs opened, so that a copy or a restored snapshot closes them in the same order
  final Map<String, Run> runs = new LinkedHashMap<>();
  final EnumMap<Rule, Long> counts = new EnumMap<>(Rule.class);
  long seq;
  long latestTsOffered = Long.MIN_VALUE;
  long releasedUpTo = Long.MIN_VALUE;

  public BehaviourCleaner(Settings settings) {
    this(settings, new RecentIds(), new PriorityQueue<>(BY_TIME));
    for (Rule r : Rule.values()) counts.put(r, 0L);
  }

  private BehaviourCleaner(Settings settings, RecentIds seenIds, PriorityQueue<Held> held) {
    this.settings = settings;
    this.seenIds = seenIds;
    this.held = held;
  }

  /** A cleaner in the same state, changed apart from this one from now on. */
  public BehaviourCleaner copy() {
    return copy(settings);
  }

  /** As {@link #copy()}, under other settings. */
  public BehaviourCleaner copy(Settings settings) {
    // the queue's own copy takes its array as it is, where adding would sift each event in again
    BehaviourCleaner c = new BehaviourCleaner(settings, seenIds.copy(), new PriorityQueue<>(held));
    runs.forEach((sku, run) -> c.runs.put(sku, run.copy()));
    c.counts.putAll(counts);
    c.seq = seq;
    c.latestTsOffered = latestTsOffered;
    c.releasedUpTo = releasedUpTo;
    return c;
  }

  /** Offers one event arriving at {@code nowMs} (the server's clock). */
  public Result offer(BehaviourEvent e, long nowMs) {
    if (e.tsMs() < nowMs - settings.maxAge().toMillis()) return dropped(Rule.TOO_OLD, nowMs);
    if (e.tsMs() > nowMs + settings.maxAhead().toMillis())
      return dropped(Rule.TOO_FAR_AHEAD, nowMs);
    if (!seenIds.add(e.eventId(), settings.rememberedIds())) return dropped(Rule.DUPLICATE, nowMs);
    count(Rule.ACCEPTED, 1);
    List<Clean> out = new ArrayList<>();
    if (e.tsMs() < releasedUpTo) {
      count(Rule.LATE, 1);
      emit(e, nowMs, out);
    } else {
      if (e.tsMs() < latestTsOffered) count(Rule.REORDERED, 1);
      held.add(new Held(e, nowMs, seq++));
    }
    latestTsOffered = Math.max(latestTsOffered, e.tsMs());
    advance(nowMs, out);
    return new Result(Rule.ACCEPTED, out);
  }

  /**
   * The verdict {@link #offer} would give each of {@code events} arriving together at {@code
   * nowMs}, in turn, without changing this cleaner or copying it: only the time bounds and the
   * remembered ids decide a verdict, and the ids the earlier events of the batch would add (and
   * push out of memory) are followed here.
   */
  public List<Rule> verdicts(List<BehaviourEvent> events, long nowMs) {
    List<Rule> verdicts = new ArrayList<>(events.size());
    int remembered = seenIds.size();
    int capacity = settings.rememberedIds();
    // ids this batch adds, by their place in the order ids were added (0: the oldest remembered)
    java.util.Map<String, Integer> added = new java.util.HashMap<>();
    int adds = 0;
    for (BehaviourEvent e : events) {
      if (e.tsMs() < nowMs - settings.maxAge().toMillis()) {
        verdicts.add(Rule.TOO_OLD);
        continue;
      }
      if (e.tsMs() > nowMs + settings.maxAhead().toMillis()) {
        verdicts.add(Rule.TOO_FAR_AHEAD);
        continue;
      }
      // each add first forgets the oldest while the memory is full: places under this are gone
      int forgotten = adds == 0 ? 0 : Math.max(0, remembered + adds - capacity);
      Integer place = added.get(e.eventId());
      if (place == null) {
        int index = seenIds.indexOf(e.eventId());
        if (index >= 0) place = index;
      }
      if (place != null && place >= forgotten) {
        verdicts.add(Rule.DUPLICATE);
      } else {
        added.put(e.eventId(), remembered + adds);
        adds++;
        verdicts.add(Rule.ACCEPTED);
      }
    }
    return verdicts;
  }

  /** What comes out by {@code nowMs} with no new event (the session's timer calls it). */
  public List<Clean> advance(long nowMs) {
    List<Clean> out = new ArrayList<>();
    advance(nowMs, out);
    return out;
  }

  /** Counts events refused before they were offered here (a replay of accepted events only). */
  public void countDropped(Rule rule, long n) {
    if (rule == Rule.ACCEPTED || n < 0) throw new IllegalArgumentException(rule + " " + n);
    count(rule, n);
  }

  /** Counts by rule since this cleaner was made, in the rules' order. */
  public Map<Rule, Long> counts() {
    return java.util.Collections.unmodifiableMap(new EnumMap<>(counts));
  }

  /** Events held or in open click runs: what {@link #advance} will still release. */
  public int pending() {
    return held.size() + runs.values().stream().mapToInt(r -> r.clicks.size()).sum();
  }

  private Result dropped(Rule rule, long nowMs) {
    count(rule, 1);
    List<Clean> out = new ArrayList<>();
    advance(nowMs, out);
    return new Result(rule, out);
  }

  private void advance(long nowMs, List<Clean> out) {
    long window = settings.reorderWindow().toMillis();
    // an event whose hold is over releases every held event dated up to it, in time order
    long releaseUpTo = Long.MIN_VALUE;
    for (Held h : held) {
      if (h.arrivedMs() + window <= nowMs) releaseUpTo = Math.max(releaseUpTo, h.event().tsMs());
    }
    while (!held.isEmpty()
        && (held.peek().event().tsMs() <= releaseUpTo || held.size() > settings.maxHeld())) {
      Held h = held.poll();
      releasedUpTo = Math.max(releasedUpTo, h.event().tsMs());
      emit(h.event(), h.arrivedMs(), out);
    }
    closeRuns(nowMs, out);
  }

  private void emit(BehaviourEvent e, long arrivedMs, List<Clean> out) {
    if (e.action() != Action.CLICK || e.sku() == null) {
      out.add(new Clean(e, 1));
      return;
    }
    Run run = runs.get(e.sku());
    if (run != null && e.tsMs() - run.lastTs() > settings.burstWindow().toMillis()) {
      close(run, out);
      run = null;
    }
    if (run == null) {
      run = new Run();
      runs.put(e.sku(), run);
    }
    run.clicks.add(e);
    run.lastArrivalMs = arrivedMs;
  }

  private void closeRuns(long nowMs, List<Clean> out) {
    long burst = settings.burstWindow().toMillis();
    Iterator<Run> it = runs.values().iterator();
    while (it.hasNext()) {
      Run run = it.next();
      // no click can join once the run's last click is a burst window behind what came out, or
      // arrived that long ago (a click arriving since would have come out before)
      if (releasedUpTo - run.lastTs() > burst || nowMs - run.lastArrivalMs >= burst) {
        it.remove();
        close(run, out);
      }
    }
  }

  private void close(Run run, List<Clean> out) {
    if (run.clicks.size() > settings.burstClicks()) {
      count(Rule.BURST_MERGED, run.clicks.size() - 1);
      out.add(new Clean(run.clicks.get(0), run.clicks.size()));
    } else {
      for (BehaviourEvent click : run.clicks) out.add(new Clean(click, 1));
    }
  }

  private void count(Rule rule, long n) {
    counts.merge(rule, n, Long::sum);
  }
}
