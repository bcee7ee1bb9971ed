package io.groupbuy.order;

import io.groupbuy.order.OrderLedger.Batch;
import io.groupbuy.order.OrderLedger.BatchWritten;
import io.groupbuy.order.OrderLedger.Command;
import io.groupbuy.order.OrderLedger.ToOrder;
import io.groupbuy.platform.GroupCommitFront;
import java.util.List;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an order ledger's {@link GroupCommitFront} treats its commands: all of them, queries and the
 * outcomes of the ledger's own calls included, wait their turn in a batch, so that each order sees
 * its commands in the order they came.
 */
final class LedgerFront implements GroupCommitFront.Protocol<Command> {
  private static final Logger log = LoggerFactory.getLogger(OrderLedger.class);

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
    return message instanceof OrderLedger.Recovered;
  }

  @Override
  public void refuse(Command command, String reason) {
    if (command instanceof ToOrder t) {
      ActorRef<? extends StatusReply<?>> replyTo = replyTo(t.command());
      if (replyTo != null) {
        @SuppressWarnings("unchecked")
        ActorRef<StatusReply<Object>> to = (ActorRef<StatusReply<Object>>) replyTo;
        to.tell(StatusReply.error(reason));
        return;
      }
    }
    // the outcome of one of the ledger's own calls: the saga picks the step up again when the
    // ledger next recovers
    log.warn("{}; dropped {}", reason, command);
  }

  private static ActorRef<? extends StatusReply<?>> replyTo(Order.Command c) {
    if (c instanceof Order.Place p) return p.replyTo();
    if (c instanceof Order.Get g) return g.replyTo();
    if (c instanceof Order.Cancel x) return x.replyTo();
    if (c instanceof Order.UpdateDelivery u) return u.replyTo();
    return null;
  }
}
