package io.groupbuy.order;

import io.groupbuy.order.OrderLedger.ArchiveWritten;
import io.groupbuy.order.OrderLedger.Batch;
import io.groupbuy.order.OrderLedger.BatchWritten;
import io.groupbuy.order.OrderLedger.Command;
import io.groupbuy.order.OrderLedger.Entry;
import io.groupbuy.order.OrderLedger.Event;
import io.groupbuy.order.OrderLedger.LookedUp;
import io.groupbuy.order.OrderLedger.OrderRestored;
import io.groupbuy.order.OrderLedger.OrdersArchived;
import io.groupbuy.order.OrderLedger.Settings;
import io.groupbuy.order.OrderLedger.State;
import io.groupbuy.order.OrderLedger.ToOrder;
import io.groupbuy.platform.SnapshotSpacing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent entity of an {@link OrderLedger}, the child of its group-commit front. A batch is
 * decided command by command, each order's {@link OrderSaga} seeing what the commands before it
 * left, and all the batch's events are persisted in one write; only then are the steps' follow-ups
 * run (answers, calls to inventory and dispatch, timers). The outcomes of those calls and the
 * timers come back through the front, so they are batched like requests.
 */
final class LedgerBehavior extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, State> {
  private static final Logger log = LoggerFactory.getLogger(OrderLedger.class);

  /** Commands held for one order while the order table is read; a client retrying adds more. */
  private static final int MAX_AWAITING_PER_ORDER = 64;

  private static final Duration LOOKUP_RETRY = Duration.ofSeconds(1);

  /** Orders written to the order table per flush at most; the rest wait for the next one. */
  private static final int MAX_ARCHIVED_PER_FLUSH = 2000;

  static Behavior<Command> create(
      String ledgerId,
      ActorRef<Command> front,
      Settings settings,
      OrderSaga.Gateways gateways,
      OrderArchive archive) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new LedgerBehavior(ledgerId, ctx, timers, front, settings, gateways, archive)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> scheduler;
  private final ActorRef<Command> front;
  private final Settings settings;
  private final OrderSaga.Gateways gateways;
  private final OrderArchive archive;
  // Not state: what this incarnation is doing for its orders. After a restart, recovery resumes
  // every live saga and clients retry.
  private final Map<String, OrderSaga> sagas = new HashMap<>();
  private final Map<String, Map<String, Cancellable>> timers = new HashMap<>();
  private final Map<String, List<Order.Command>> awaitingLookup = new HashMap<>();
  private final Set<String> archiving = new HashSet<>();

  /** Settled orders to be written to the order table together at the next flush. */
  private final Set<String> toArchive = new LinkedHashSet<>();

  private final String ledgerId;
  private final SnapshotSpacing snapshots;

  /** The state after the last batch decided: what the sagas' follow-ups consult. */
  private State latest = State.EMPTY;

  private LedgerBehavior(
      String ledgerId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<Command> front,
      Settings settings,
      OrderSaga.Gateways gateways,
      OrderArchive archive) {
    super(
        PersistenceId.of(OrderLedger.ENTITY_KEY.name(), ledgerId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.ledgerId = ledgerId;
    this.snapshots = settings.snapshotSpacing();
    this.context = context;
    this.scheduler = timers;
    this.front = front;
    this.settings = settings;
    this.gateways = gateways;
    this.archive = archive;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEveryMax(), 2);
  }

  @Override
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    return snapshots.snapshotAfter(sequenceNr, state.size());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              snapshots.recoveredAt(lastSequenceNumber(context));
              front.tell(new OrderLedger.Recovered());
              // started here, not at setup: a restart cancels the actor's timers
              scheduler.startTimerWithFixedDelay(
                  OrderLedger.FlushArchive.class,
                  new OrderLedger.FlushArchive(),
                  settings.firstArchiveFlush(ledgerId),
                  settings.archiveFlushEvery());
              latest = state;
              state.orders().forEach((orderId, order) -> saga(orderId).resume(order));
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Batch.class, (s, b) -> decide(s, b.commands(), b.number()))
        .onCommand(BatchWritten.class, (s, c) -> Effect().noReply())
        .onCommand(
            OrderLedger.FlushArchive.class,
            (s, c) -> {
              flushArchive();
              return Effect().noReply();
            })
        // a command that did not come through the front: decided alone
        .onAnyCommand((s, c) -> decide(s, List.of(c), -1));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  private ReplyEffect<Event, State> decide(State s, List<Command> commands, long number) {
    Decisions d = new Decisions(s);
    for (Command c : commands) {
      if (c instanceof ToOrder t) d.toOrder(t.orderId(), t.command());
      else if (c instanceof LookedUp l) d.lookedUp(l);
      else if (c instanceof ArchiveWritten a) d.archiveWritten(a);
    }
    latest = d.state;
    Runnable done =
        () -> {
          d.followUps.forEach(Runnable::run);
          if (number >= 0) front.tell(new BatchWritten(number));
        };
    if (d.events.isEmpty()) {
      done.run();
      return Effect().noReply();
    }
    return Effect().persist(d.events).thenRun(next -> done.run()).thenNoReply();
  }

  /** One batch's decisions: the state as it goes, the events, and what follows the write. */
  private final class Decisions {
    State state;
    final List<Event> events = new ArrayList<>();
    final List<Runnable> followUps = new ArrayList<>();

    Decisions(State state) {
      this.state = state;
    }

    void record(Event e) {
      events.add(e);
      state = state.apply(e);
    }

    /** An order's entry with the order's state after it, which need not be worked out again. */
    void record(Entry e, Order.State after) {
      events.add(e);
      state = state.withOrder(e.orderId(), after);
    }

    void toOrder(String orderId, Order.Command command) {
      Order.State order = state.order(orderId);
      if (order != null) {
        step(orderId, order, command, null);
        return;
      }
      List<Order.Command> waiting = awaitingLookup.get(orderId);
      if (waiting != null) {
        if (waiting.size() < MAX_AWAITING_PER_ORDER) waiting.add(command);
        else log.warn("order {}: too many commands while it is looked up; dropped one", orderId);
        return;
      }
      if (command instanceof Order.Place p
          && !KeyTime.mayBeArchived(
              p.details().idempotencyKey(),
              System.currentTimeMillis(),
              settings.archiveWhenSettledAfter(),
              settings.clockMargin())) {
        step(orderId, Order.State.EMPTY, command, null); // new: its key is too young to be archived
        return;
      }
      awaitingLookup.put(orderId, new ArrayList<>(List.of(command)));
      lookUp(orderId);
    }

    /** {@code restoreFirst}: an archived order that comes back into the ledger if it changes. */
    void step(String orderId, Order.State order, Order.Command command, Order.State restoreFirst) {
      OrderSaga.Step step = saga(orderId).handle(order, command);
      if (!step.events().isEmpty() && restoreFirst != null) {
        record(new OrderRestored(orderId, restoreFirst));
      }
      Order.State running = restoreFirst != null ? restoreFirst : order;
      for (Order.Event e : step.events()) {
        running = running.apply(e);
        record(Entry.of(orderId, e, running), running);
      }
      Order.State after = running;
      followUps.add(() -> step.then().accept(after));
    }

    void lookedUp(LookedUp l) {
      String orderId = l.orderId();
      List<Order.Command> waiting = awaitingLookup.get(orderId);
      if (waiting == null) return;
      if (l.failed()) {
        context
            .getSystem()
            .scheduler()
            .scheduleOnce(
                LOOKUP_RETRY, () -> lookUp(orderId), context.getSystem().executionContext());
        return;
      }
      awaitingLookup.remove(orderId);
      Order.State base = l.found() != null ? l.found() : Order.State.EMPTY;
      for (Order.Command c : waiting) {
        Order.State live = state.order(orderId);
        if (live != null) step(orderId, live, c, null);
        else step(orderId, base, c, l.found());
      }
      if (state.order(orderId) == null) sagas.remove(orderId); // answered from the table alone
    }

    /** The orders unchanged since they were written leave the ledger, in one event. */
    void archiveWritten(ArchiveWritten a) {
      List<String> archived = new ArrayList<>();
      a.written()
          .forEach(
              (orderId, written) -> {
                if (archiveWritten(orderId, written, a.ok())) archived.add(orderId);
              });
      if (archived.isEmpty()) return;
      record(new OrdersArchived(archived));
      followUps.add(() -> archived.forEach(LedgerBehavior.this::forget));
    }

    /** Whether the order can leave the ledger. */
    private boolean archiveWritten(String orderId, Order.State written, boolean ok) {
      archiving.remove(orderId);
      Order.State now = state.order(orderId);
      if (now == null) return false;
      if (!ok) {
        followUps.add(
            () ->
                new OrderHost(orderId)
                    .later(
                        "passivate",
                        Order.PassivateIfSettled.INSTANCE,
                        settings.archiveWhenSettledAfter()));
        return false;
      }
      // changed since it was written: its saga archives it again once it is settled and idle
      return now.equals(written);
    }
  }

  private void lookUp(String orderId) {
    archive
        .find(orderId)
        .whenComplete(
            (found, failure) -> {
              if (failure != null) {
                log.warn("order {}: order table not readable ({}); retrying", orderId, failure);
              }
              front.tell(
                  new LookedUp(
                      orderId, failure == null ? found.orElse(null) : null, failure != null));
            });
  }

  private void startArchive(String orderId) {
    Order.State order = latest.order(orderId);
    if (order == null || !OrderSaga.settled(order) || archiving.contains(orderId)) return;
    long wait =
        KeyTime.archivableFrom(order.details().idempotencyKey(), settings.archiveWhenSettledAfter())
            - System.currentTimeMillis();
    if (wait > 0) { // its key is too young: a placement under it would not look in the table
      new OrderHost(orderId)
          .later("passivate", Order.PassivateIfSettled.INSTANCE, Duration.ofMillis(wait));
      return;
    }
    toArchive.add(orderId);
  }

  /**
   * Writes the settled orders waiting for the order table in one go (one write per partition); each
   * comes back as {@link ArchiveWritten} and leaves the ledger if it did not change since.
   */
  private void flushArchive() {
    Map<String, Order.State> orders = new LinkedHashMap<>();
    Iterator<String> next = toArchive.iterator();
    while (next.hasNext() && orders.size() < MAX_ARCHIVED_PER_FLUSH) {
      String orderId = next.next();
      next.remove();
      Order.State order = latest.order(orderId);
      if (order != null && OrderSaga.settled(order) && archiving.add(orderId)) {
        orders.put(orderId, order);
      }
    }
    if (orders.isEmpty()) return;
    archive
        .putAll(orders)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.warn(
                    "{} orders not archived ({}); trying later", orders.size(), failure.toString());
              }
              front.tell(new ArchiveWritten(orders, failure == null));
            });
  }

  private void forget(String orderId) {
    sagas.remove(orderId);
    Map<String, Cancellable> pending = timers.remove(orderId);
    if (pending != null) pending.values().forEach(Cancellable::cancel);
  }

  private OrderSaga saga(String orderId) {
    return sagas.computeIfAbsent(orderId, id -> new OrderSaga(id, new OrderHost(id), gateways));
  }

  /** What one order's saga does through its ledger: every outcome comes back through the front. */
  private final class OrderHost implements OrderSaga.Host {
    private final String orderId;

    OrderHost(String orderId) {
      this.orderId = orderId;
    }

    @Override
    public <T> void pipe(CompletionStage<T> call, BiFunction<T, Throwable, Order.Command> outcome) {
      call.whenComplete(
          (value, failure) -> front.tell(new ToOrder(orderId, outcome.apply(value, failure))));
    }

    @Override
    public void later(String key, Order.Command command, Duration delay) {
      if (latest.order(orderId) == null) return; // archived, or answered from the order table
      Map<String, Cancellable> mine = timers.computeIfAbsent(orderId, id -> new HashMap<>());
      Cancellable before =
          mine.put(key, context.scheduleOnce(delay, front, new ToOrder(orderId, command)));
      if (before != null) before.cancel();
    }

    @Override
    public void mayLeaveMemory() {
      startArchive(orderId);
    }

    @Override
    public Duration settledIdle() {
      return settings.archiveWhenSettledAfter();
    }
  }
}
