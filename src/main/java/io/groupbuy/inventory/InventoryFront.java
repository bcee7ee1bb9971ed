package io.groupbuy.inventory;

import com.typesafe.config.Config;
import io.groupbuy.inventory.ProductInventory.Batch;
import io.groupbuy.inventory.ProductInventory.BatchWritten;
import io.groupbuy.inventory.ProductInventory.Command;
import io.groupbuy.inventory.ProductInventory.StockCommand;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;

/**
 * The sharded face of one {@link ProductInventory}: commands that arrive while a write is in flight
 * wait here, not in the persistent actor's stash, and go to it together as one {@link Batch} once
 * that write is done. So a flash sale on one SKU costs one journal write per batch, not per
 * reservation, and however fast orders come the persistent actor holds at most one batch.
 *
 * <p>A batch that is not answered within {@code writeTimeout} (its write failed and the entity is
 * restarting) is given up: its callers' asks time out and they retry, which the entity's
 * idempotency per order id makes safe. Beyond {@code maxWaiting} commands a new one is refused at
 * once with a retryable error, so a stalled journal cannot make this actor's memory grow without
 * bound.
 */
final class InventoryFront {

  /** How the front batches; see {@code groupbuy.inventory.batch}. */
  record Settings(int maxCommands, int maxWaiting, Duration writeTimeout) {
    Settings {
      if (maxCommands < 1 || maxWaiting < maxCommands) {
        throw new IllegalArgumentException(
            "inventory batch: max-commands must be >= 1 and max-waiting >= max-commands");
      }
    }

    static Settings fromConfig(Config c) {
      return new Settings(
          c.getInt("max-commands"), c.getInt("max-waiting"), c.getDuration("write-timeout"));
    }
  }

  static Behavior<Command> create(String entityId, Settings settings, IntConsumer batchSizes) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Command> inventory = ctx.spawn(ProductInventory.create(entityId), "state");
          ctx.watch(inventory);
          return Behaviors.withTimers(
              timers ->
                  new InventoryFront(ctx, timers, inventory, entityId, settings, batchSizes)
                      .behavior());
        });
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<Command> inventory;
  private final String entityId;
  private final Settings settings;
  private final IntConsumer batchSizes;
  private final ArrayDeque<Command> waiting = new ArrayDeque<>();
  private long lastBatch;
  private boolean writing;

  private InventoryFront(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<Command> inventory,
      String entityId,
      Settings settings,
      IntConsumer batchSizes) {
    this.context = context;
    this.timers = timers;
    this.inventory = inventory;
    this.entityId = entityId;
    this.settings = settings;
    this.batchSizes = batchSizes;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(BatchWritten.class, this::onWritten)
        .onMessage(Command.class, this::onCommand)
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }

  private Behavior<Command> onCommand(Command command) {
    if (waiting.size() >= settings.maxWaiting()) {
      if (command instanceof StockCommand c) {
        // not a DomainError: the caller should come back, as for any overloaded entity
        c.replyTo()
            .tell(
                StatusReply.error(
                    "inventory "
                        + entityId
                        + " has "
                        + waiting.size()
                        + " commands waiting; retry"));
      }
      return Behaviors.same();
    }
    waiting.add(command);
    if (!writing) sendBatch();
    return Behaviors.same();
  }

  private Behavior<Command> onWritten(BatchWritten written) {
    if (written.number() != lastBatch || !writing) return Behaviors.same(); // a late answer
    timers.cancel("write");
    writing = false;
    if (!waiting.isEmpty()) sendBatch();
    return Behaviors.same();
  }

  private void sendBatch() {
    int size = Math.min(settings.maxCommands(), waiting.size());
    List<Command> commands = new ArrayList<>(size);
    for (int i = 0; i < size; i++) commands.add(waiting.poll());
    lastBatch++;
    writing = true;
    batchSizes.accept(size);
    inventory.tell(new Batch(commands, lastBatch, context.getSelf()));
    // the same message as the answer: past the timeout the batch counts as done, answered or not
    timers.startSingleTimer("write", new BatchWritten(lastBatch), settings.writeTimeout());
  }
}
