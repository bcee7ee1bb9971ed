package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.AddOrder;
import io.groupbuy.dispatch.DispatchRegion.AddOrders;
import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.GetPlan;
import io.groupbuy.dispatch.DispatchRegion.GetStopEta;
import io.groupbuy.dispatch.DispatchRegion.OrdersWritten;
import io.groupbuy.platform.GroupCommitFront;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;

/**
 * The sharded face of one region: a {@link GroupCommitFront} that journals confirmed orders in
 * batches as fast as they come (a flash sale hands the region hundreds a second), answers plan and
 * ETA queries at once, and passes every other command on in its turn, after the orders that came
 * before it (so a cutoff plans every order acknowledged before it).
 */
final class RegionFront implements GroupCommitFront.Protocol<Command> {
  static Behavior<Command> create(
      String regionId,
      Behavior<Command> region,
      GroupCommitFront.Settings settings,
      IntConsumer batchSizes) {
    return GroupCommitFront.create(
        Command.class, "region " + regionId, region, new RegionFront(), settings, batchSizes);
  }

  @Override
  public GroupCommitFront.Kind kind(Command command) {
    if (command instanceof AddOrder) return GroupCommitFront.Kind.BATCHED;
    if (command instanceof GetPlan || command instanceof GetStopEta) {
      return GroupCommitFront.Kind.IMMEDIATE;
    }
    return GroupCommitFront.Kind.IN_TURN;
  }

  @Override
  public Command batch(List<Command> commands, long number, ActorRef<Command> front) {
    return new AddOrders(commands.stream().map(c -> (AddOrder) c).toList(), number, front);
  }

  @Override
  public Command written(long number) {
    return new OrdersWritten(number);
  }

  @Override
  public OptionalLong writtenNumber(Command message) {
    return message instanceof OrdersWritten w ? OptionalLong.of(w.number()) : OptionalLong.empty();
  }

  @Override
  public void refuse(Command command, String reason) {
    // not a DomainError: the order backs off and comes back
    if (command instanceof AddOrder a) a.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof DispatchRegion.RemoveOrder r)
      r.replyTo().tell(StatusReply.error(reason));
  }
}
