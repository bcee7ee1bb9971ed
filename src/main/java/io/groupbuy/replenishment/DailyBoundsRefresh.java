package io.groupbuy.replenishment;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.http.ApiError;
import io.groupbuy.platform.Failures;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Once a day, after the day has closed (at {@code at} local time), or every {@code interval} if one
 * is set, goes over every SKU at every warehouse, one pair at a time: its inventory reviews the
 * closed days it has not seen (sales against forecast: replenishment at once when ahead for days in
 * a row, a discount suggested when stock turns over slowly), then its bounds are recomputed from
 * its demand forecast. It runs as a cluster singleton, so one node does it; pairs without demand or
 * without a price are skipped and counted.
 */
public final class DailyBoundsRefresh {
  private DailyBoundsRefresh() {}

  /** {@code interval} null: daily at {@code at}. */
  public record Settings(LocalTime at, Duration interval, ZoneId zone) {}

  /** What a run came to. */
  public record Summary(int set, int withoutDemand, int refused, int failed) {}

  interface Message {}

  private enum Tick implements Message {
    INSTANCE
  }

  /** A run's summary, or why the run could not go over the assortment at all. */
  private record Done(Summary summary, Throwable failure) implements Message {}

  /** Starts the singleton on this node's cluster. */
  public static void start(
      ActorSystem<?> system, ForecastBoundsService service, Catalog catalog, Settings settings) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                behavior(service, catalog, settings, Clock.systemUTC()), "daily-bounds-refresh"));
  }

  static Behavior<Message> behavior(
      ForecastBoundsService service, Catalog catalog, Settings settings, Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Tick.INSTANCE, untilNext(settings, clock));
                  return Behaviors.receive(Message.class)
                      .onMessage(
                          Tick.class,
                          t -> {
                            context.pipeToSelf(
                                runOnce(service, catalog, settings.zone()), Done::new);
                            return Behaviors.same();
                          })
                      .onMessage(
                          Done.class,
                          d -> {
                            if (d.failure() != null)
                              context
                                  .getLog()
                                  .warn(
                                      "Bounds from forecasts: the run failed, next at the usual"
                                          + " time",
                                      d.failure());
                            else
                              context
                                  .getLog()
                                  .info(
                                      "Bounds from forecasts: {} set, {} without demand, {} refused"
                                          + " (no price or unknown), {} failed",
                                      d.summary().set(),
                                      d.summary().withoutDemand(),
                                      d.summary().refused(),
                                      d.summary().failed());
                            timers.startSingleTimer(Tick.INSTANCE, untilNext(settings, clock));
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  /** Every SKU at every warehouse, one after another. */
  static CompletionStage<Summary> runOnce(
      ForecastBoundsService service, Catalog catalog, ZoneId zone) {
    return catalog
        .skusAndWarehouses()
        .thenCompose(
            all -> {
              int[] counts = new int[4];
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (String warehouse : all.getValue()) {
                for (String sku : all.getKey()) {
                  chain =
                      chain.thenCompose(
                          v ->
                              service
                                  .reviewClosedDays(warehouse, sku, today(zone))
                                  .handle((stock, e) -> null)
                                  .thenCompose(r -> service.recompute(warehouse, sku, null))
                                  .handle(
                                      (r, e) -> {
                                        counts[outcome(r, e)]++;
                                        return null;
                                      }));
                }
              }
              return chain.thenApply(v -> new Summary(counts[0], counts[1], counts[2], counts[3]));
            });
  }

  private static int outcome(ForecastBoundsService.Result r, Throwable e) {
    if (e == null) return 0;
    if (!(Failures.unwrap(e) instanceof ApiError.Failure f)) return 3;
    return f.error.code().equals(ForecastBoundsService.NO_DEMAND) ? 1 : 2;
  }

  private static java.time.LocalDate today(ZoneId zone) {
    return java.time.LocalDate.now(zone);
  }

  static Duration untilNext(Settings settings, Clock clock) {
    if (settings.interval() != null) return settings.interval();
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(settings.zone()));
    ZonedDateTime next = now.with(settings.at());
    if (!next.isAfter(now)) next = next.plusDays(1);
    return Duration.between(now, next);
  }

  /** Reads {@code groupbuy.replenishment.refresh}. */
  public static Settings settings(com.typesafe.config.Config config, ZoneId zone) {
    var c = config.getConfig("groupbuy.replenishment.refresh");
    String interval = c.getString("interval");
    return new Settings(
        LocalTime.parse(c.getString("at")),
        interval.equals("off") ? null : c.getDuration("interval"),
        zone);
  }
}
