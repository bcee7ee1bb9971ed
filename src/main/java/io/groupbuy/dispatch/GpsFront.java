package io.groupbuy.dispatch;

import io.groupbuy.dispatch.Vehicle.Command;
import io.groupbuy.dispatch.Vehicle.Fix;
import io.groupbuy.dispatch.Vehicle.Gps;
import io.groupbuy.dispatch.Vehicle.GpsFixes;
import io.groupbuy.dispatch.Vehicle.GpsHandled;
import java.time.Clock;
import java.util.function.DoubleConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The front of a sharded {@link Vehicle} (see {@link Vehicle#entity}): takes GPS fixes at any rate
 * and hands them to the persistent vehicle one at a time, keeping only the newest while one is
 * being handled; every other command passes straight through. It reports how long each fix took
 * from the edge to here, on its own clock.
 */
final class GpsFront {
  final ActorRef<Command> self;
  final ActorRef<Command> vehicle;
  final DoubleConsumer fixLatencySeconds;
  final Clock clock;
  boolean inFlight;
  Fix newest;

  GpsFront(ActorRef<Command> self, ActorRef<Command> vehicle, DoubleConsumer latency, Clock clock) {
    this.self = self;
    this.vehicle = vehicle;
    this.fixLatencySeconds = latency;
    this.clock = clock;
  }

  /** Hands the fix on now if nothing is in flight, else keeps it if it is the newest waiting. */
  private void offer(Fix fix) {
    if (inFlight) {
      if (newest == null || fix.atMs() > newest.atMs()) newest = fix;
    } else {
      inFlight = true;
      vehicle.tell(new Gps(fix, 0, self));
    }
  }

  Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(
            Gps.class,
            g -> {
              if (g.receivedAtMicros() > 0) {
                fixLatencySeconds.accept(
                    Math.max(0, GpsGate.micros(clock) - g.receivedAtMicros()) / 1e6);
              }
              offer(g.fix());
              return Behaviors.same();
            })
        .onMessage(
            GpsFixes.class,
            g -> {
              long now = GpsGate.micros(clock);
              g.receivedAtMicros()
                  .forEach(t -> fixLatencySeconds.accept(Math.max(0, now - t) / 1e6));
              // the sender waits for this before its next chunk: the edge cannot outrun the
              // entities
              if (g.reachedTo() != null) g.reachedTo().tell(Done.getInstance());
              if (!g.fixes().isEmpty()) offer(g.newest());
              return Behaviors.same();
            })
        .onMessage(
            GpsHandled.class,
            h -> {
              if (newest != null) {
                vehicle.tell(new Gps(newest, 0, self));
                newest = null;
              } else {
                inFlight = false;
              }
              return Behaviors.same();
            })
        .onAnyMessage(
            c -> {
              vehicle.tell(c);
              return Behaviors.same();
            })
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }
}
