package io.groupbuy.platform;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit in front of a persistent entity: the sharded entity is this small actor, with the
 * persistent one as its child. Commands that arrive while a write is in flight wait here, not in
 * the persistent actor's stash (which is bounded and drops what overflows), and go to it together
 * as one batch once that write is done, so a burst costs one journal write per batch, not per
 * command, and the persistent actor holds at most one batch however fast commands come.
 *
 * <p>Each command is of a {@link Kind}: {@code BATCHED} commands are written together; {@code
 * IN_TURN} commands pass on one at a time, after every command that arrived before them; {@code
 * IMMEDIATE} ones (queries) pass on at once. A batch whose write failed is given up when the entity
 * says it has recovered from the restart that follows, or at the latest after the write timeout:
 * its callers' asks time out and they retry, which the entities make safe by idempotency. Past
 * {@code maxWaiting} a new command is refused at once (see {@link Protocol#refuse}), so a stalled
 * journal cannot make memory grow without bound.
 */
public final class GroupCommitFront<C> {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitFront.class);

  public enum Kind {
    BATCHED,
    IN_TURN,
    IMMEDIATE
  }

  /** What the front needs to know of the entity's protocol. */
  public interface Protocol<C> {
    Kind kind(C command);

    /** The entity's command carrying a batch; it answers {@link #written} to {@code front}. */
    C batch(List<C> commands, long number, ActorRef<C> front);

    /** The message telling the front that batch {@code number} is written and answered. */
    C written(long number);

    /** The number of the batch if the message is {@link #written}, else empty. */
    OptionalLong writtenNumber(C message);

    /** Answers the command with a retryable error: the front is full. */
    void refuse(C command, String reason);

    /**
     * Lets the protocol answer or keep a message at the front itself (a query answered from what
     * the entity last published, say); {@code false} passes it on as {@link #kind} says.
     */
    default boolean handledHere(C message) {
      return false;
    }

    /**
     * True if the message is the entity's word that it has recovered. After its first recovery,
     * that means it restarted (a journal write failed): the batch in flight is given up then,
     * rather than at the write timeout, and the next one goes.
     */
    default boolean isRecovered(C message) {
      return false;
    }
  }

  /** Makes an entity's batch command. */
  @FunctionalInterface
  public interface BatchFactory<C> {
    C batch(List<C> commands, long number, ActorRef<C> front);
  }

  /**
   * The protocol of an entity whose commands, reads included, all wait their turn in a batch: its
   * batch command, its "written" message (of {@code writtenType}, carrying its number), its
   * "recovered" message type, and how a command refused by a full front is answered.
   */
  public static <C, W extends C> Protocol<C> allBatched(
      BatchFactory<C> batch,
      java.util.function.LongFunction<C> written,
      Class<W> writtenType,
      java.util.function.ToLongFunction<W> number,
      Class<? extends C> recoveredType,
      java.util.function.BiConsumer<C, String> refuse) {
    return new Protocol<>() {
      @Override
      public Kind kind(C command) {
        return Kind.BATCHED;
      }

      @Override
      public C batch(List<C> commands, long n, ActorRef<C> front) {
        return batch.batch(commands, n, front);
      }

      @Override
      public C written(long n) {
        return written.apply(n);
      }

      @Override
      public OptionalLong writtenNumber(C message) {
        return writtenType.isInstance(message)
            ? OptionalLong.of(number.applyAsLong(writtenType.cast(message)))
            : OptionalLong.empty();
      }

      @Override
      public boolean isRecovered(C message) {
        return recoveredType.isInstance(message);
      }

      @Override
      public void refuse(C command, String reason) {
        refuse.accept(command, reason);
      }
    };
  }

  /** How a front batches; from a config section with max-commands, max-waiting, write-timeout. */
  public record Settings(int maxCommands, int maxWaiting, Duration writeTimeout) {
    public Settings {
      if (maxCommands < 1 || maxWaiting < maxCommands) {
        throw new IllegalArgumentException(
            "group commit: max-commands must be >= 1 and max-waiting >= max-commands");
      }
    }

    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getInt("max-commands"), c.getInt("max-waiting"), c.getDuration("write-timeout"));
    }
  }

  /**
   * The front and, as its child named "state", the persistent {@code entity}; {@code batchSizes}
   * hears how many commands each batch carries.
   */
  public static <C> Behavior<C> create(
      Class<C> type,
      String name,
      Behavior<C> entity,
      Protocol<C> protocol,
      Settings settings,
      IntConsumer batchSizes) {
    return create(type, name, front -> entity, protocol, settings, batchSizes);
  }

  /**
   * As above, for an entity that sends commands to itself through its front (outcomes of its own
   * calls, timers), so that they are batched like any other.
   */
  public static <C> Behavior<C> create(
      Class<C> type,
      String name,
      Function<ActorRef<C>, Behavior<C>> entity,
      Protocol<C> protocol,
      Settings settings,
      IntConsumer batchSizes) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<C> child = ctx.spawn(entity.apply(ctx.getSelf()), "state");
          ctx.watch(child);
          return Behaviors.withTimers(
              timers ->
                  new GroupCommitFront<>(ctx, timers, child, name, protocol, settings, batchSizes)
                      .behavior(type));
        });
  }

  private final ActorContext<C> context;
  private final TimerScheduler<C> timers;
  private final ActorRef<C> entity;
  private final String name;
  private final Protocol<C> protocol;
  private final Settings settings;
  private final IntConsumer batchSizes;
  private final ArrayDeque<C> waiting = new ArrayDeque<>();
  private long lastBatch;
  private boolean writing;
  private int recoveries;

  private GroupCommitFront(
      ActorContext<C> context,
      TimerScheduler<C> timers,
      ActorRef<C> entity,
      String name,
      Protocol<C> protocol,
      Settings settings,
      IntConsumer batchSizes) {
    this.context = context;
    this.timers = timers;
    this.entity = entity;
    this.name = name;
    this.protocol = protocol;
    this.settings = settings;
    this.batchSizes = batchSizes;
  }

  private Behavior<C> behavior(Class<C> type) {
    return Behaviors.receive(type)
        .onMessage(type, this::onMessage)
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }

  private Behavior<C> onMessage(C message) {
    OptionalLong written = protocol.writtenNumber(message);
    if (written.isPresent()) {
      onWritten(written.getAsLong());
    } else if (protocol.isRecovered(message)) {
      onRecovered();
    } else if (protocol.handledHere(message)) {
      return Behaviors.same();
    } else if (protocol.kind(message) == Kind.IMMEDIATE) {
      entity.tell(message);
    } else if (waiting.size() >= settings.maxWaiting()) {
      protocol.refuse(message, name + " has " + waiting.size() + " commands waiting; retry");
    } else {
      waiting.add(message);
      if (!writing) sendNext();
    }
    return Behaviors.same();
  }

  private void onRecovered() {
    recoveries++;
    if (recoveries == 1 || !writing) return;
    log.info("{} restarted; batch {} given up, its callers retry", name, lastBatch);
    timers.cancel("write");
    writing = false;
    sendNext();
  }

  private void onWritten(long number) {
    if (number != lastBatch || !writing) return; // a late answer, or the timeout of one
    timers.cancel("write");
    writing = false;
    sendNext();
  }

  /** Passes on the commands in turn at the head, then the batch that follows them, if any. */
  private void sendNext() {
    while (!waiting.isEmpty() && protocol.kind(waiting.peek()) != Kind.BATCHED) {
      entity.tell(waiting.poll());
    }
    if (waiting.isEmpty()) return;
    List<C> commands = new ArrayList<>();
    while (commands.size() < settings.maxCommands()
        && !waiting.isEmpty()
        && protocol.kind(waiting.peek()) == Kind.BATCHED) {
      commands.add(waiting.poll());
    }
    lastBatch++;
    writing = true;
    batchSizes.accept(commands.size());
    entity.tell(protocol.batch(commands, lastBatch, context.getSelf()));
    // the same message as the answer: past the timeout the batch counts as done, answered or not
    timers.startSingleTimer("write", protocol.written(lastBatch), settings.writeTimeout());
  }
}
