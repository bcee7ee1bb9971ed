package io.groupbuy.dispatch;

import com.typesafe.config.Config;
import io.groupbuy.platform.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.Done;

/**
 * The edge check of every GPS fix, from the drivers' WebSocket or a fleet gateway's batch: fixes
 * with an unknown-looking vehicle id, coordinates out of range, a timestamp too far in the past or
 * future, or a timestamp not newer than the last one seen for the vehicle on this node are dropped
 * and counted by reason; the rest go to the Vehicle entity (which ignores stale fixes again, so a
 * fix that reaches it through two nodes still counts once). A fix counts as accepted once the
 * entity has it.
 */
public final class GpsGate {
  public static final Pattern VEHICLE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  public record Settings(Duration maxAge, Duration maxFuture, int maxBatch) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("max-age"), c.getDuration("max-future"), c.getInt("max-batch"));
    }
  }

  private final Settings settings;
  private final Metrics metrics;
  private final ShardedDispatch dispatch;
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final Duration timeout;

  public GpsGate(Settings settings, Metrics metrics, ShardedDispatch dispatch, Duration timeout) {
    this.settings = settings;
    this.metrics = metrics;
    this.dispatch = dispatch;
    this.timeout = timeout;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Why a fix is refused ({@code out-of-range}, {@code stale}, {@code future}, {@code
   * bad-vehicle-id}), or null.
   */
  public String problem(
      String vehicleId, double lat, double lng, double speedKmh, long atMs, long nowMs) {
    if (vehicleId == null || !VEHICLE_ID.matcher(vehicleId).matches()) return "bad-vehicle-id";
    if (!(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180) || !(speedKmh >= -1 && speedKmh <= 300)) {
      return "out-of-range";
    }
    if (atMs < nowMs - settings.maxAge().toMillis()) return "stale";
    if (atMs > nowMs + settings.maxFuture().toMillis()) return "future";
    return null;
  }

  /**
   * Checks a fix: the reason it is dropped ({@link #problem} or {@code duplicate}, counted), or
   * null when it may go to its vehicle with {@link #send}. A negative speed means unknown (the
   * vehicle derives it from its track).
   */
  public String check(String vehicleId, double lat, double lng, double speedKmh, long atMs) {
    String problem = problem(vehicleId, lat, lng, speedKmh, atMs, System.currentTimeMillis());
    if (problem == null) {
      boolean[] newer = {false};
      lastSeen.compute(
          vehicleId,
          (id, last) -> {
            newer[0] = last == null || atMs > last;
            return newer[0] ? atMs : last;
          });
      if (!newer[0]) problem = "duplicate";
    }
    if (problem != null) metrics.gpsDropped.labelValues(problem).inc();
    return problem;
  }

  /** A fix that passed {@link #check}, with when the edge received it (epoch microseconds). */
  public record CheckedFix(Vehicle.Fix fix, long receivedAtMicros) {}

  public CheckedFix checked(double lat, double lng, double speedKmh, long atMs) {
    return new CheckedFix(new Vehicle.Fix(lat, lng, speedKmh, atMs), nowMicros());
  }

  /**
   * Hands checked fixes of one vehicle to it in one message; completes when the entity has them
   * (senders wait for this, which is the backpressure from the entities to the sockets), or fails
   * after the timeout.
   */
  public CompletionStage<Done> send(String vehicleId, List<CheckedFix> fixes) {
    return dispatch
        .vehicle(vehicleId)
        .<Done>ask(
            r ->
                new Vehicle.GpsFixes(
                    fixes.stream().map(CheckedFix::fix).toList(),
                    fixes.stream().map(CheckedFix::receivedAtMicros).toList(),
                    r),
            timeout)
        .whenComplete(
            (done, failure) -> {
              if (failure == null) metrics.gpsAccepted.inc(fixes.size());
              else metrics.gpsDropped.labelValues("timeout").inc(fixes.size());
            });
  }

  static long nowMicros() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
