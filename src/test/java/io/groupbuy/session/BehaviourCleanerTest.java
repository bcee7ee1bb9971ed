package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.session.BehaviourCleaner.Clean;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.BehaviourEvent.Action;
import io.groupbuy.session.BehaviourEvent.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each cleaning rule alone, then all of them against a shuffled, duplicated, bursty stream. */
class BehaviourCleanerTest {
  private static final long T0 = 1_780_000_000_000L;
  private static final BehaviourCleaner.Settings SETTINGS =
      new BehaviourCleaner.Settings(
          Duration.ofDays(7),
          Duration.ofMinutes(5),
          Duration.ofSeconds(2),
          3,
          Duration.ofSeconds(10),
          1000,
          500);

  private static BehaviourEvent event(String id, long ts, Action action, String sku) {
    return new BehaviourEvent(id, "u1", ts, action, sku, null, null);
  }

  private static List<String> ids(List<Clean> out) {
    return out.stream().map(c -> c.event().eventId()).toList();
  }

  @Test
  void eventsWithoutIdUserActionOrTimeAreRejectedWithTheirReason() {
    assertEquals(
        Rejection.MISSING_USER, BehaviourEvent.check("e1", " ", Action.VIEW, T0, null).get());
    assertEquals(Rejection.MISSING_ACTION, BehaviourEvent.check("e1", "u1", null, T0, null).get());
    assertEquals(
        Rejection.MISSING_EVENT_ID, BehaviourEvent.check(null, "u1", Action.VIEW, T0, null).get());
    assertEquals(
        Rejection.MISSING_TIMESTAMP,
        BehaviourEvent.check("e1", "u1", Action.VIEW, null, null).get());
    assertEquals(
        Rejection.NEGATIVE_DURATION, BehaviourEvent.check("e1", "u1", Action.VIEW, T0, -1L).get());
    assertTrue(BehaviourEvent.check("e1", "u1", Action.VIEW, T0, 1500L).isEmpty());
  }

  @Test
  void aRepeatedEventIdIsDropped() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    assertEquals(Rule.ACCEPTED, c.offer(event("e1", T0, Action.VIEW, "a"), T0).verdict());
    assertEquals(Rule.DUPLICATE, c.offer(event("e1", T0, Action.VIEW, "a"), T0 + 10).verdict());
    assertEquals(List.of("e1"), ids(c.advance(T0 + 5_000)));
    assertEquals(1L, c.counts().get(Rule.DUPLICATE));
  }

  @Test
  void timesBeforeTheFloorOrTooFarAheadAreDropped() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    long now = T0;
    assertEquals(
        Rule.TOO_OLD,
        c.offer(event("old", now - Duration.ofDays(8).toMillis(), Action.VIEW, "a"), now)
            .verdict());
    assertEquals(
        Rule.TOO_FAR_AHEAD,
        c.offer(event("ahead", now + Duration.ofMinutes(6).toMillis(), Action.VIEW, "a"), now)
            .verdict());
    // a client clock 4 minutes fast is within maxAhead
    assertEquals(
        Rule.ACCEPTED,
        c.offer(event("skewed", now + Duration.ofMinutes(4).toMillis(), Action.VIEW, "a"), now)
            .verdict());
  }

  @Test
  void eventsArrivingOutOfOrderWithinTheWindowComeOutInOrder() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    List<Clean> out = new ArrayList<>();
    out.addAll(c.offer(event("b", T0 + 200, Action.VIEW, "a"), T0).out());
    out.addAll(c.offer(event("a", T0 + 100, Action.CART, "a"), T0 + 50).out());
    out.addAll(c.offer(event("c", T0 + 300, Action.ORDER, "a"), T0 + 60).out());
    assertTrue(out.isEmpty(), "held for the window: " + out);
    out.addAll(c.advance(T0 + 2_100));
    assertEquals(List.of("a", "b", "c"), ids(out));
    assertEquals(1L, c.counts().get(Rule.REORDERED));
    // one dated before what came out cannot be put in place: out at once, counted late
    var late = c.offer(event("early", T0 + 150, Action.VIEW, "a"), T0 + 3_000);
    assertEquals(List.of("early"), ids(late.out()));
    assertEquals(1L, c.counts().get(Rule.LATE));
  }

  @Test
  void aBurstOfClicksOnOneItemComesOutAsOneClickAndAFewClicksStayAsTheyAre() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    List<Clean> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) // 8 clicks on x, 500 ms apart: a burst (more than 3)
    out.addAll(c.offer(event("x" + i, T0 + i * 500L, Action.CLICK, "x"), T0 + i * 500L).out());
    for (int i = 0; i < 2; i++) { // 2 clicks on y: not a burst
      long t = T0 + 4_000 + i * 700L;
      out.addAll(c.offer(event("y" + i, t, Action.CLICK, "y"), t).out());
    }
    out.addAll(c.advance(T0 + 30_000));
    List<Clean> xs = out.stream().filter(o -> o.event().sku().equals("x")).toList();
    assertEquals(1, xs.size(), out.toString());
    assertEquals(8, xs.get(0).clicks());
    assertEquals("x0", xs.get(0).event().eventId());
    assertEquals(
        List.of("y0", "y1"), ids(out.stream().filter(o -> o.event().sku().equals("y")).toList()));
    assertEquals(7L, c.counts().get(Rule.BURST_MERGED));
    assertEquals(0, c.pending());
  }

  @Test
  void clicksFurtherApartThanTheBurstWindowAreSeparateRuns() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    List<Clean> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) // every 11 s: each its own run
    out.addAll(
          c.offer(event("x" + i, T0 + i * 11_000L, Action.CLICK, "x"), T0 + i * 11_000L).out());
    out.addAll(c.advance(T0 + 200_000));
    assertEquals(6, out.size());
    assertTrue(out.stream().allMatch(o -> o.clicks() == 1));
  }

  /**
   * A shuffled stream with every event sent twice and a burst in it: what comes out is each event
   * once, in time order except the burst's merged click, and nothing is left held.
   */
  @Test
  void aShuffledDuplicatedStreamComesOutOnceAndInOrder() {
    BehaviourCleaner c = new BehaviourCleaner(SETTINGS);
    List<BehaviourEvent> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Action a = i % 5 == 0 ? Action.CART : Action.VIEW;
      sent.add(event("e" + i, T0 + i * 100L, a, "s" + (i % 7)));
    }
    List<BehaviourEvent> arrivals = new ArrayList<>(sent);
    arrivals.addAll(sent);
    // shuffle within blocks of 10 (about 1 s), well inside the 2 s window
    Random random = new Random(7);
    for (int from = 0; from < arrivals.size(); from += 10)
      Collections.shuffle(arrivals.subList(from, Math.min(from + 10, arrivals.size())), random);
    List<Clean> out = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      // arrival times follow the order of arrival, 50 ms apart
      out.addAll(c.offer(arrivals.get(i), T0 + i * 50L).out());
    }
    out.addAll(c.advance(T0 + 1_000_000));
    assertEquals(sent.stream().map(BehaviourEvent::eventId).toList(), ids(out));
    assertEquals(200L, c.counts().get(Rule.DUPLICATE));
    assertEquals(0L, c.counts().get(Rule.LATE));
    assertEquals(0, c.pending());
  }

  @Test
  void heldEventsAreBounded() {
    BehaviourCleaner.Settings small =
        new BehaviourCleaner.Settings(
            Duration.ofDays(7),
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            3,
            Duration.ofHours(1),
            1000,
            5);
    BehaviourCleaner c = new BehaviourCleaner(small);
    List<Clean> out = new ArrayList<>();
    for (int i = 0; i < 20; i++)
      out.addAll(c.offer(event("e" + i, T0 + i, Action.VIEW, "a"), T0).out());
    assertEquals(15, out.size());
    assertEquals(5, c.pending());
  }

  @Test
  void verdictsAreWhatOfferingTheBatchWouldGiveWithoutChangingTheCleaner() {
    // a small memory, so that batches push remembered ids out and bring them back
    BehaviourCleaner.Settings small =
        new BehaviourCleaner.Settings(
            Duration.ofMinutes(10),
            Duration.ofMinutes(1),
            Duration.ofSeconds(2),
            3,
            Duration.ofSeconds(10),
            8,
            500);
    Random r = new Random(5);
    BehaviourCleaner cleaner = new BehaviourCleaner(small);
    long now = T0;
    Action[] actions = Action.values();
    for (int batch = 0; batch < 2_000; batch++) {
      now += r.nextInt(3_000);
      List<BehaviourEvent> events = new ArrayList<>();
      int n = 1 + r.nextInt(12);
      for (int i = 0; i < n; i++) {
        long ts = now + (r.nextInt(30) - 25) * 30_000L; // some too old, some too far ahead
        events.add(
            event("e" + r.nextInt(30), ts, actions[r.nextInt(actions.length)], "s" + r.nextInt(3)));
      }
      BehaviourCleaner trial = cleaner.copy();
      List<Rule> expected = new ArrayList<>();
      for (BehaviourEvent e : events) expected.add(trial.offer(e, now).verdict());
      var before = cleaner.counts();
      assertEquals(expected, cleaner.verdicts(events, now), "batch " + batch + ": " + events);
      assertEquals(before, cleaner.counts(), "verdicts changed the cleaner");
      // then the batch goes in, as a session records it
      for (BehaviourEvent e : events) cleaner.offer(e, now);
    }
  }
}
