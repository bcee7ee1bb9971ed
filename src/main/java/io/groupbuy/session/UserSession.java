package io.groupbuy.session;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.ProtoPersisted;
import io.groupbuy.session.BehaviourCleaner.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One user's session, entity id the user id: the user's behaviour stream, cleaned ({@link
 * BehaviourCleaner}), feeding live features ({@link UserFeatures}) and a segment. An upload is
 * persisted, as the events that passed the first rules and the count of those that did not, before
 * it is answered, so nothing acknowledged is lost; the rest of cleaning (reordering, click bursts)
 * is worked out from the journal the same way each time. A change of segment is an event of its
 * own. Uploads that arrive while one is written go together in the next write ({@link
 * GroupCommitFront}). Idle sessions leave memory (sharding passivates them) and come back from a
 * snapshot and the events after it; the state is bounded whatever the user does.
 */
public final class UserSession
    extends EventSourcedBehaviorWithEnforcedReplies<
        UserSession.Command, UserSession.Event, SessionState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "UserSession");

  /** How sessions clean, what features keep, the segment thresholds, and snapshot spacing. */
  public record Settings(
      BehaviourCleaner.Settings cleaning,
      UserFeatures.Settings features,
      Segment.Thresholds segments,
      int snapshotEvery) {
    public Settings {
      if (snapshotEvery < 1)
        throw new IllegalArgumentException("groupbuy.session.snapshot-every must be >= 1");
    }

    /** From {@code groupbuy.session}. */
    public static Settings fromConfig(com.typesafe.config.Config c) {
      return new Settings(
          BehaviourCleaner.Settings.fromConfig(c.getConfig("cleaning")),
          UserFeatures.Settings.fromConfig(c.getConfig("features")),
          Segment.Thresholds.fromConfig(c.getConfig("segments")),
          c.getInt("snapshot-every"));
    }
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /**
   * Events of this user, in the order they happened, each already past {@link
   * BehaviourEvent#check}; answered once they are persisted, with each one's verdict.
   */
  public record Record(List<BehaviourEvent> events, ActorRef<StatusReply<Recorded>> replyTo)
      implements Command {}

  /**
   * A confirmed order of this user's: its lines (amounts may be 0 when only the subtotal is known),
   * subtotal and discount, at {@code tsMs}. An order recorded before is acknowledged again without
   * effect.
   */
  public record RecordOrder(
      String orderId,
      long tsMs,
      List<UserFeatures.OrderLine> lines,
      long subtotalFen,
      long discountFen,
      ActorRef<StatusReply<Recorded>> replyTo)
      implements Command {}

  /** Answered with the session as it is now. */
  public record GetSession(ActorRef<SessionState.View> replyTo) implements Command {}

  /** Internal, from the front: uploads that arrived while the last write was in flight. */
  record Batch(List<Command> commands, long number, ActorRef<Command> front)
      implements Command, NoSerializationVerificationNeeded {}

  record BatchWritten(long number) implements Command {}

  /** Internal, from the entity to its front: it has recovered. */
  record Recovered() implements Command, NoSerializationVerificationNeeded {}

  // ---- replies ----

  /** Each event's verdict, in the order sent (none for an order), and the segment after them. */
  public record Recorded(List<Rule> verdicts, Segment segment) implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  /**
   * Events that arrived together at {@code arrivalMs} and were accepted, in the order offered;
   * {@code dropped}: how many others were refused, by rule.
   */
  public record BehaviourRecorded(
      long arrivalMs, List<BehaviourEvent> events, Map<Rule, Long> dropped) implements Event {
    public BehaviourRecorded {
      events = List.copyOf(events);
      dropped = Map.copyOf(dropped);
    }
  }

  public record OrderRecorded(
      String orderId,
      long tsMs,
      List<UserFeatures.OrderLine> lines,
      long subtotalFen,
      long discountFen)
      implements Event {
    public OrderRecorded {
      lines = List.copyOf(lines);
    }
  }

  /** The user moved from one segment to another ({@code from} null: the first event). */
  public record SegmentChanged(Segment from, Segment to, long atMs) implements Event {}

  /** The sharded sessions, each behind its front. */
  public static void init(
      ActorSystem<?> system,
      Settings settings,
      GroupCommitFront.Settings batch,
      IntConsumer batchSizes,
      ObjLongConsumer<Rule> counted) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                ENTITY_KEY,
                ctx ->
                    withFront(
                        ctx.getEntityId(),
                        settings,
                        batch,
                        batchSizes,
                        counted,
                        System::currentTimeMillis)));
  }

  /**
   * One session behind its group-commit front; {@code counted} hears what the cleaner counted by
   * rule once it is persisted, {@code clock} is the server's time.
   */
  public static Behavior<Command> withFront(
      String userId,
      Settings settings,
      GroupCommitFront.Settings batch,
      IntConsumer batchSizes,
      ObjLongConsumer<Rule> counted,
      LongSupplier clock) {
    return GroupCommitFront.create(
        Command.class,
        "session " + userId,
        front -> new UserSession(userId, settings, front, counted, clock),
        GroupCommitFront.allBatched(
            Batch::new,
            BatchWritten::new,
            BatchWritten.class,
            BatchWritten::number,
            Recovered.class,
            UserSession::refuse),
        batch,
        batchSizes);
  }

  /** Answers a command the full front refused; a read is not answered: its ask times out. */
  private static void refuse(Command command, String reason) {
    if (command instanceof Record r) r.replyTo().tell(StatusReply.error(reason));
    if (command instanceof RecordOrder o) o.replyTo().tell(StatusReply.error(reason));
  }

  /** The session alone, every command decided and written by itself (tests). */
  public static Behavior<Command> create(String userId, Settings settings, LongSupplier clock) {
    return new UserSession(userId, settings, null, (rule, n) -> {}, clock);
  }

  private final Settings settings;
  private final ActorRef<Command> front; // null when alone
  private final ObjLongConsumer<Rule> counted;
  private final LongSupplier clock;

  /**
   * The events decided and not yet through the event handler, each with the state it left: a
   * decision changes the state in place as it goes (each command sees what the ones before it
   * left), so the handler takes that state rather than applying the event a second time. Recovery,
   * with nothing here, applies every event.
   */
  private final Map<Event, SessionState> decided = new IdentityHashMap<>();

  private UserSession(
      String userId,
      Settings settings,
      ActorRef<Command> front,
      ObjLongConsumer<Rule> counted,
      LongSupplier clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), userId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.settings = settings;
    this.front = front;
    this.counted = counted;
    this.clock = clock;
  }

  @Override
  public SessionState emptyState() {
    return SessionState.empty(settings.cleaning(), settings.features());
  }

  /**
   * A snapshot is written, off this actor, from a copy that nothing changes; one read back gets
   * this node's settings.
   */
  @Override
  public SnapshotAdapter<SessionState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(SessionState state) {
        return state.frozenCopy();
      }

      @Override
      public SessionState fromJournal(Object stored) {
        return ((SessionState) stored).boundTo(settings.cleaning(), settings.features());
      }
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<SessionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              decided.clear(); // what a write that failed before a restart had left
              if (front != null) front.tell(new Recovered());
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, SessionState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Batch.class, (s, b) -> decide(s, b.commands(), b.number()))
        .onCommand(BatchWritten.class, (s, c) -> Effect().noReply())
        .onAnyCommand((s, c) -> decide(s, List.of(c), -1));
  }

  @Override
  public EventHandler<SessionState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((SessionState s, Event e) -> apply(s, e));
  }

  private SessionState apply(SessionState s, Event e) {
    SessionState after = decided.remove(e);
    if (after != null) return after;
    SessionState state = s.writable();
    applyTo(state, e);
    return state;
  }

  private static void applyTo(SessionState s, Event e) {
    if (e instanceof BehaviourRecorded r) s.record(r.arrivalMs(), r.events(), r.dropped());
    else if (e instanceof SegmentChanged c) s.segment(c.to());
    else if (e instanceof OrderRecorded o)
      s.order(o.orderId(), o.tsMs(), o.lines(), o.subtotalFen(), o.discountFen());
    else throw new IllegalArgumentException("unknown session event " + e);
  }

  /**
   * Decides the commands in turn, each seeing what the ones before left; persists all their events
   * in one write, then answers.
   */
  private ReplyEffect<Event, SessionState> decide(
      SessionState s, List<Command> commands, long number) {
    List<Event> events = new ArrayList<>();
    List<Runnable> answers = new ArrayList<>(commands.size());
    Map<Rule, Long> countedBefore = s.counts();
    // the state is changed in place; should the write fail, the session restarts from its journal
    SessionState current = s;
    for (Command c : commands) {
      if (c instanceof GetSession g) {
        long now = clock.getAsLong();
        // a user who does nothing changes segment with time alone (dormant): recorded when read
        if (current.known()) current = segment(current, now, events);
        SessionState.View view = current.view(now, settings.segments());
        answers.add(() -> g.replyTo().tell(view));
      } else if (c instanceof Record r) {
        long now = clock.getAsLong();
        List<Rule> verdicts = current.verdicts(r.events(), now);
        List<BehaviourEvent> accepted = new ArrayList<>();
        Map<Rule, Long> dropped = new EnumMap<>(Rule.class);
        for (int i = 0; i < verdicts.size(); i++) {
          if (verdicts.get(i) == Rule.ACCEPTED) accepted.add(r.events().get(i));
          else dropped.merge(verdicts.get(i), 1L, Long::sum);
        }
        if (!verdicts.isEmpty()) {
          current = persist(new BehaviourRecorded(now, accepted, dropped), current, events);
        }
        current = segment(current, now, events);
        Recorded answer = new Recorded(verdicts, current.segment());
        answers.add(() -> r.replyTo().tell(StatusReply.success(answer)));
      } else if (c instanceof RecordOrder o) {
        if (!current.hasOrder(o.orderId())) {
          current =
              persist(
                  new OrderRecorded(
                      o.orderId(), o.tsMs(), o.lines(), o.subtotalFen(), o.discountFen()),
                  current,
                  events);
          current = segment(current, clock.getAsLong(), events);
        }
        Recorded answer = new Recorded(List.of(), current.segment());
        answers.add(() -> o.replyTo().tell(StatusReply.success(answer)));
      }
    }
    Map<Rule, Long> counts = current.countedSince(countedBefore);
    Runnable answerAll =
        () -> {
          counts.forEach(counted::accept);
          answers.forEach(Runnable::run);
          if (number >= 0) front.tell(new BatchWritten(number));
        };
    if (events.isEmpty()) {
      answerAll.run();
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(next -> answerAll.run()).thenNoReply();
  }

  /** The state with its segment as of {@code now}; a change is an event. */
  private SessionState segment(SessionState current, long now, List<Event> events) {
    Segment segment = current.segmentAt(now, settings.segments());
    if (segment == current.segment()) return current;
    return persist(new SegmentChanged(current.segment(), segment, now), current, events);
  }

  private SessionState persist(Event e, SessionState before, List<Event> events) {
    SessionState after = before.writable();
    applyTo(after, e);
    decided.put(e, after);
    events.add(e);
    return after;
  }
}
