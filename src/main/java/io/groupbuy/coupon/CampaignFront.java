package io.groupbuy.coupon;

import io.groupbuy.coupon.Campaign.Batch;
import io.groupbuy.coupon.Campaign.BatchWritten;
import io.groupbuy.coupon.Campaign.Command;
import io.groupbuy.platform.GroupCommitFront;
import java.util.List;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** A campaign's group-commit front: every command waits its turn in a batch. */
final class CampaignFront implements GroupCommitFront.Protocol<Command> {
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
    return message instanceof Campaign.Recovered;
  }

  @Override
  public void refuse(Command command, String reason) {
    if (command instanceof Campaign.Define d) d.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Campaign.Issue i) i.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Campaign.Redeem r) r.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Campaign.Release r) r.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Campaign.Get g) g.replyTo().tell(StatusReply.error(reason));
  }
}
