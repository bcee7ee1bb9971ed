package io.groupbuy.platform;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * A job that runs once a day at a local time (or every {@code interval}, for tests and demos) on
 * one node of the cluster: a cluster singleton, so a node that leaves hands it to another. A run
 * that is still going when the next is due delays it; a failed run is logged and the next comes at
 * the usual time.
 */
public final class DailyJob {
  private DailyJob() {}

  /** {@code interval} null: daily at {@code at} in {@code zone}. */
  public record Schedule(LocalTime at, Duration interval, ZoneId zone) {
    /** Reads {@code at} (HH:mm) and {@code interval} ("off" for daily) from {@code c}. */
    public static Schedule fromConfig(Config c, ZoneId zone) {
      String interval = c.getString("interval");
      return new Schedule(
          LocalTime.parse(c.getString("at")),
          interval.equals("off") ? null : c.getDuration("interval"),
          zone);
    }
  }

  private interface Message {}

  private enum Tick implements Message {
    INSTANCE
  }

  /** A run's one-line summary, or its failure. */
  private record Done(String summary, Throwable failure) implements Message {}

  /** {@code run} does the work and answers a line for the log. */
  public static void start(
      ActorSystem<?> system,
      String name,
      Schedule schedule,
      Supplier<CompletionStage<String>> run) {
    ClusterSingleton.get(system)
        .init(SingletonActor.of(behavior(name, schedule, run, Clock.systemUTC()), name));
  }

  private static Behavior<Message> behavior(
      String name, Schedule schedule, Supplier<CompletionStage<String>> run, Clock clock) {
    return Behaviors.<Message>setup(
            context ->
                Behaviors.withTimers(
                    timers -> {
                      timers.startSingleTimer(Tick.INSTANCE, untilNext(schedule, clock));
                      return Behaviors.receive(Message.class)
                          .onMessage(
                              Tick.class,
                              t -> {
                                context.pipeToSelf(run.get(), Done::new);
                                return Behaviors.same();
                              })
                          .onMessage(
                              Done.class,
                              d -> {
                                if (d.failure() != null)
                                  context
                                      .getLog()
                                      .warn(
                                          "{}: the run failed, next at the usual time",
                                          name,
                                          d.failure());
                                else context.getLog().info("{}: {}", name, d.summary());
                                timers.startSingleTimer(Tick.INSTANCE, untilNext(schedule, clock));
                                return Behaviors.same();
                              })
                          .build();
                    }))
        .narrow();
  }

  /** How long until the next run is due. */
  public static Duration untilNext(Schedule schedule, Clock clock) {
    if (schedule.interval() != null) return schedule.interval();
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(schedule.zone()));
    ZonedDateTime next = now.with(schedule.at());
    if (!next.isAfter(now)) next = next.plusDays(1);
    return Duration.between(now, next);
  }
}
