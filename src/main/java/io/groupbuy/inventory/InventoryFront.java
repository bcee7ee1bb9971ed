package io.groupbuy.inventory;

import io.groupbuy.inventory.ProductInventory.Batch;
import io.groupbuy.inventory.ProductInventory.BatchWritten;
import io.groupbuy.inventory.ProductInventory.Command;
import io.groupbuy.inventory.ProductInventory.StockCommand;
import io.groupbuy.platform.GroupCommitFront;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;

/**
 * The sharded face of one {@link ProductInventory}: a {@link GroupCommitFront} in which every
 * command, reads included, waits its turn in a batch, so that a flash sale on one SKU costs one
 * journal write per batch, not per reservation, and a read sees every command sent before it.
 */
final class InventoryFront implements GroupCommitFront.Protocol<Command> {
  static Behavior<Command> create(
      String entityId, GroupCommitFront.Settings settings, IntConsumer batchSizes) {
    return GroupCommitFront.create(
        Command.class,
        "inventory " + entityId,
        front -> ProductInventory.create(entityId, front),
        new InventoryFront(),
        settings,
        batchSizes);
  }

  @Override
  public GroupCommitFront.Kind kind(Command command) {
    return GroupCommitFront.Kind.BATCHED;
  }

  @Override
  public Command batch(List<Command> commands, long number, ActorRef<Command> front) {
    return new Batch(commands, number, front);
  }

  @Override
  public Command written(long number) {
    return new BatchWritten(number);
  }

  @Override
  public OptionalLong writtenNumber(Command message) {
    return message instanceof BatchWritten w ? OptionalLong.of(w.number()) : OptionalLong.empty();
  }

  @Override
  public boolean isRecovered(Command message) {
    return message instanceof ProductInventory.Recovered;
  }

  @Override
  public void refuse(Command command, String reason) {
    // not a DomainError: the caller should come back, as for any overloaded entity
    if (command instanceof StockCommand c) c.replyTo().tell(StatusReply.error(reason));
  }
}
