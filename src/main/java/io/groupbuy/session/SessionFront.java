package io.groupbuy.session;

import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.session.UserSession.Batch;
import io.groupbuy.session.UserSession.BatchWritten;
import io.groupbuy.session.UserSession.Command;
import java.util.List;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * How a {@link UserSession}'s {@link GroupCommitFront} treats its commands: uploads and reads alike
 * wait their turn, so a read sees every upload answered before it.
 */
final class SessionFront implements GroupCommitFront.Protocol<Command> {
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
    return message instanceof UserSession.Recovered;
  }

  @Override
  public void refuse(Command command, String reason) {
    if (command instanceof UserSession.Record r) r.replyTo().tell(StatusReply.error(reason));
    if (command instanceof UserSession.RecordOrder o) o.replyTo().tell(StatusReply.error(reason));
    // a read is not answered: its caller's ask times out and it retries
  }
}
