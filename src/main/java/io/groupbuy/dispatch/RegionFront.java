package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.AddOrder;
import io.groupbuy.dispatch.DispatchRegion.AddOrders;
import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.GetPlan;
import io.groupbuy.dispatch.DispatchRegion.GetStopEta;
import io.groupbuy.dispatch.DispatchRegion.OrdersWritten;
import io.groupbuy.dispatch.DispatchRegion.PlanView;
import io.groupbuy.dispatch.DispatchRegion.StopEta;
import io.groupbuy.dispatch.DispatchRegion.ViewSource;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.GroupCommitFront;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;

/**
 * The sharded face of one region: a {@link GroupCommitFront} that journals confirmed orders in
 * batches as fast as they come (a flash sale hands the region hundreds a second), and passes every
 * other command on in its turn, after the orders that came before it (so a cutoff plans every order
 * acknowledged before it).
 *
 * <p>Plan and ETA queries are answered here, from the state the region published with its last
 * change ({@link ViewSource}), not by the region: a persistent actor holds every command while a
 * write is in flight, and a journal write that stalls under load would stall the queries with it.
 * The region publishes before it acknowledges anything, so a query sees every acknowledged change.
 * Until its first publication (while it recovers) queries go to the region.
 */
final class RegionFront implements GroupCommitFront.Protocol<Command> {
  private final String regionId;
  private ViewSource source;
  private PlanView plan; // of source, computed at the first query after it

  private RegionFront(String regionId) {
    this.regionId = regionId;
  }

  /** {@code region} makes the region entity, given the front it publishes to. */
  static Behavior<Command> create(
      String regionId,
      Function<ActorRef<Command>, Behavior<Command>> region,
      GroupCommitFront.Settings settings,
      IntConsumer batchSizes) {
    return GroupCommitFront.create(
        Command.class,
        "region " + regionId,
        region,
        new RegionFront(regionId),
        settings,
        batchSizes);
  }

  @Override
  public boolean handledHere(Command message) {
    if (message instanceof ViewSource v) {
      source = v;
      plan = null;
      return true;
    }
    if (source == null) return false;
    if (message instanceof GetPlan g) {
      if (plan == null) {
        plan =
            RegionViews.plan(regionId, source.state(), source.latest(), source.lastSolveMillis());
      }
      g.replyTo().tell(StatusReply.success(plan));
      return true;
    }
    if (message instanceof GetStopEta g) {
      StopEta eta = RegionViews.stopEta(source.state(), source.latest(), g.stopId());
      g.replyTo()
          .tell(
              eta != null
                  ? StatusReply.success(eta)
                  : DomainError.reply(RegionViews.notOnRoute(regionId, g.stopId())));
      return true;
    }
    return false;
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
  public boolean isRecovered(Command message) {
    return message instanceof DispatchRegion.Recovered;
  }

  @Override
  public void refuse(Command command, String reason) {
    // not a DomainError: the order backs off and comes back
    if (command instanceof AddOrder a) a.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof DispatchRegion.RemoveOrder r)
      r.replyTo().tell(StatusReply.error(reason));
  }
}
