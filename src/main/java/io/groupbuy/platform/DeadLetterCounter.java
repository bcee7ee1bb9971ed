package io.groupbuy.platform;

import org.apache.pekko.actor.AllDeadLetters;
import org.apache.pekko.actor.SuppressedDeadLetter;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Counts every message the node could not deliver or dropped ({@code groupbuy_dead_letters_total},
 * by kind: DeadLetter, Dropped, UnhandledMessage, SuppressedDeadLetter), so a load test can show
 * that none was lost. Pekko's own dead-letter log stops after a few lines; this does not.
 */
public final class DeadLetterCounter {
  private DeadLetterCounter() {}

  public static void start(ActorSystem<?> system, Metrics metrics) {
    long[] seen = {0};
    Behavior<AllDeadLetters> counter =
        Behaviors.receive(AllDeadLetters.class)
            .onAnyMessage(
                letter -> {
                  String kind = letter.getClass().getSimpleName();
                  metrics.deadLetters.labelValues(kind).inc();
                  // suppressed ones are by design (acks nobody waits for, callbacks of finished
                  // streams): counted, not logged
                  if (letter instanceof SuppressedDeadLetter) return Behaviors.same();
                  long n = ++seen[0];
                  // the first ten, then one in a thousand: enough to name the cause, not a flood
                  if (n <= 10 || n % 1000 == 0) {
                    system
                        .log()
                        .warn(
                            "{} #{}: {} to {}",
                            kind,
                            n,
                            letter.message().getClass().getName(),
                            letter.recipient().path());
                  }
                  return Behaviors.same();
                })
            .build();
    var ref = system.systemActorOf(counter, "dead-letter-counter", Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(AllDeadLetters.class, ref));
  }
}
