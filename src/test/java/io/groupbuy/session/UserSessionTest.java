package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.UnitTestConfig;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.BehaviourEvent.Action;
import io.groupbuy.session.UserSession.BehaviourRecorded;
import io.groupbuy.session.UserSession.Command;
import io.groupbuy.session.UserSession.Event;
import io.groupbuy.session.UserSession.Recorded;
import io.groupbuy.session.UserSession.SegmentChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session entity on the in-memory journal, every event, reply and state checked through the
 * production serializers: verdicts, what is persisted, segment changes, and that a restart (replay
 * from the journal, or from a snapshot) rebuilds the same session.
 */
class UserSessionTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final UserSession.Settings SETTINGS =
      UserSession.Settings.fromConfig(
          ConfigFactory.parseResources("session.conf").resolve().getConfig("groupbuy.session"));
  private static final long T0 = 1_780_000_000_000L;

  private final AtomicLong clock = new AtomicLong(T0);
  private EventSourcedBehaviorTestKit<Command, Event, SessionState> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), UserSession.create("u1", SETTINGS, clock::get));
  }

  private static BehaviourEvent event(String id, long ts, Action action, String sku) {
    return new BehaviourEvent(id, "u1", ts, action, sku, null, null, sku == null ? null : "veg");
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, SessionState, StatusReply<Recorded>>
      record(BehaviourEvent... events) {
    return kit.runCommand(r -> new UserSession.Record(List.of(events), r));
  }

  private SessionState.View view() {
    return kit.<SessionState.View>runCommand(UserSession.GetSession::new).reply();
  }

  @Test
  void anUnknownUserHasNoSegmentAndNothingCounted() {
    SessionState.View v = view();
    assertNull(v.segment());
    assertEquals(0L, v.cleaning().get(Rule.ACCEPTED));
  }

  @Test
  void persistsTheAcceptedEventsAndCountsTheDroppedOnes() {
    var result =
        record(
            event("e1", T0 - 1000, Action.VIEW, "apple"),
            event("e1", T0 - 1000, Action.VIEW, "apple"),
            event("e2", T0 - 8 * 86_400_000L, Action.VIEW, "apple"),
            event("e3", T0 + 3_600_000L, Action.VIEW, "apple"),
            event("e4", T0 - 500, Action.CART, "apple"));
    assertEquals(
        List.of(Rule.ACCEPTED, Rule.DUPLICATE, Rule.TOO_OLD, Rule.TOO_FAR_AHEAD, Rule.ACCEPTED),
        result.reply().getValue().verdicts());
    List<Event> events = result.events();
    BehaviourRecorded recorded = (BehaviourRecorded) events.get(0);
    assertEquals(
        List.of("e1", "e4"), recorded.events().stream().map(BehaviourEvent::eventId).toList());
    assertEquals(
        Map.of(Rule.DUPLICATE, 1L, Rule.TOO_OLD, 1L, Rule.TOO_FAR_AHEAD, 1L), recorded.dropped());
    assertEquals(new SegmentChanged(null, Segment.NEW, T0), events.get(1));
    assertEquals(Segment.NEW, result.reply().getValue().segment());

    // the same upload again: every event a duplicate, nothing new but the count
    var again = record(event("e1", T0 - 1000, Action.VIEW, "apple"));
    assertEquals(List.of(Rule.DUPLICATE), again.reply().getValue().verdicts());
    assertEquals(1, again.events().size(), "no segment change");
    assertEquals(2L, view().cleaning().get(Rule.DUPLICATE));
  }

  @Test
  void heldEventsComeOutInTimeOrderOnceTheReorderWindowIsPast() {
    record(
        event("late", T0 - 100, Action.VIEW, "apple"),
        event("early", T0 - 900, Action.VIEW, "pear"));
    SessionState.View now = view();
    assertEquals(2, now.pendingEvents(), "both held for the reorder window");
    assertEquals(1L, now.cleaning().get(Rule.REORDERED));
    clock.addAndGet(SETTINGS.cleaning().reorderWindow().toMillis());
    SessionState.View later = view();
    assertEquals(0, later.pendingEvents());
    assertEquals(T0 - 100, later.features().lastActiveMs());
  }

  @Test
  void aClickBurstCountsOnce() {
    List<BehaviourEvent> clicks = new ArrayList<>();
    for (int i = 0; i < 20; i++) clicks.add(event("c" + i, T0 - 2000 + i, Action.CLICK, "apple"));
    kit.<StatusReply<Recorded>>runCommand(r -> new UserSession.Record(clicks, r));
    clock.addAndGet(SETTINGS.cleaning().burstWindow().toMillis() + 1);
    assertEquals(19L, view().cleaning().get(Rule.BURST_MERGED));
  }

  @Test
  void aRestartRebuildsTheSameSessionFromItsJournalAndSnapshots() {
    for (int i = 0; i < 3 * SETTINGS.snapshotEvery(); i++) {
      clock.addAndGet(1000);
      long ts = clock.get() - 10;
      record(
          event("v" + i, ts, Action.VIEW, "sku" + (i % 7)),
          event("c" + i, ts + 1, Action.CART, "sku" + (i % 5)));
    }
    SessionState before = kit.getState();
    SessionState.View seen = view();
    kit.restart();
    assertEquals(before, kit.getState());
    assertEquals(seen, view());
    // and it goes on: an upload of an event still remembered is a duplicate
    String last = "v" + (3 * SETTINGS.snapshotEvery() - 1);
    assertEquals(
        List.of(Rule.DUPLICATE),
        record(event(last, clock.get() - 1, Action.VIEW, "sku0")).reply().getValue().verdicts());
  }

  /**
   * The state is changed in place while an upload is decided, before it is written: a write that
   * fails must leave none of it, neither in the session nor in the empty state every recovery
   * starts from (the first write of a session is the case that would change that one).
   */
  @Test
  void aFailedWriteLeavesNothingOfWhatItDecided() {
    kit.persistenceTestKit().failNextPersisted();
    assertThrows(AssertionError.class, () -> record(event("e1", T0 - 10, Action.VIEW, "apple")));
    assertEquals(
        List.of(Rule.ACCEPTED),
        record(event("e1", T0 - 10, Action.VIEW, "apple")).reply().getValue().verdicts(),
        "the failed first write remembered nothing");
    assertEquals(1L, view().cleaning().get(Rule.ACCEPTED));

    kit.persistenceTestKit().failNextPersisted();
    assertThrows(AssertionError.class, () -> record(event("e2", T0 - 5, Action.CART, "pear")));
    SessionState.View after = view();
    assertEquals(1L, after.cleaning().get(Rule.ACCEPTED));
    assertEquals(List.of(), after.inCart());
    assertEquals(
        List.of(Rule.DUPLICATE, Rule.ACCEPTED),
        record(event("e1", T0 - 10, Action.VIEW, "apple"), event("e2", T0 - 5, Action.CART, "pear"))
            .reply()
            .getValue()
            .verdicts());
  }

  /** A snapshot is written from a copy: what the session does after it does not reach the copy. */
  @Test
  void aSnapshotIsTakenFromACopyThatLaterEventsDoNotChange() {
    record(event("e1", T0 - 10, Action.VIEW, "apple"));
    SessionState live = kit.getState();
    SessionState copy = live.frozenCopy();
    assertEquals(live, copy);
    record(event("e2", T0 - 5, Action.CART, "pear"));
    assertTrue(live != copy && !live.equals(copy), "the live state moved on, the copy did not");
    assertEquals(
        List.of(Rule.ACCEPTED),
        copy.verdicts(List.of(event("e2", T0 - 5, Action.CART, "pear")), T0));
    assertThrows(
        IllegalStateException.class,
        () -> copy.record(T0, List.of(event("e3", T0, Action.VIEW, "apple")), Map.of()));
  }

  @Test
  void theSegmentFollowsTheFeaturesAndEachChangeIsAnEvent() {
    record(event("e1", T0, Action.VIEW, "apple"));
    // two months on, no order ever: no longer new, and never bought, so not dormant either
    clock.addAndGet(60L * 86_400_000L);
    var later = record(event("e2", clock.get(), Action.VIEW, "apple"));
    assertEquals(Segment.REGULAR, later.reply().getValue().segment());
    assertTrue(
        later.events().contains(new SegmentChanged(Segment.NEW, Segment.REGULAR, clock.get())));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, SessionState, StatusReply<Recorded>>
      order(String orderId, long subtotalFen) {
    return kit.runCommand(
        r ->
            new UserSession.RecordOrder(
                orderId,
                clock.get(),
                List.of(new UserFeatures.OrderLine("apple", "veg", 2, 0)),
                subtotalFen,
                0,
                r));
  }

  @Test
  void anOrderCountsOnceAndRegularRebuyingMakesTheUserLoyal() {
    var first = order("o1", 1200);
    assertTrue(first.events().get(0) instanceof UserSession.OrderRecorded);
    assertTrue(order("o1", 1200).hasNoEvents(), "the same order fed again");
    assertEquals(1, view().features().ordersEver());
    assertEquals(1200, view().features().monetaryFen());
    assertEquals(Segment.NEW, view().segment());

    clock.addAndGet(15L * 86_400_000L); // past new-for
    List<Event> changes = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      clock.addAndGet(86_400_000L);
      changes.addAll(order("o" + i, 1000).events());
    }
    assertEquals(Segment.LOYAL, view().segment());
    assertTrue(
        changes.stream().anyMatch(e -> e instanceof SegmentChanged c && c.to() == Segment.LOYAL),
        changes.toString());
    assertEquals(6, view().features().frequency());
    assertEquals(5 / 6.0, view().features().repurchaseRate(), 1e-9);

    // nothing more for 31 days: dormant, recorded as an event when the session is next read
    clock.addAndGet(31L * 86_400_000L);
    var read = kit.<SessionState.View>runCommand(UserSession.GetSession::new);
    assertEquals(Segment.DORMANT, read.reply().segment());
    assertEquals(
        List.of(new SegmentChanged(Segment.LOYAL, Segment.DORMANT, clock.get())), read.events());
    assertTrue(kit.<SessionState.View>runCommand(UserSession.GetSession::new).hasNoEvents());
  }
}
