package io.groupbuy.dispatch;

import com.typesafe.config.Config;
import io.groupbuy.platform.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.Done;

/**
 * GPS ingestion, one path for the drivers' WebSocket and a fleet gateway's batch: each fix is
 * admitted or refused at the edge ({@link #admit}), admitted fixes go to their Vehicle entity one
 * message per vehicle ({@link #send}), and a batch does both ({@link #ingest}). Refused: an
 * unknown-looking vehicle id, coordinates out of range, a timestamp too far in the past or future,
 * or one not newer than the last seen for the vehicle on this node; each is counted by reason. The
 * entity ignores stale fixes again, so a fix that reaches it through two nodes still counts once. A
 * fix counts as accepted once the entity has it.
 */
public final class GpsGate {
  public static final Pattern VEHICLE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  public record Settings(Duration maxAge, Duration maxFuture, int maxBatch) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getDuration("max-age"), c.getDuration("max-future"), c.getInt("max-batch"));
    }
  }

  /** Why a fix was dropped; {@link #code()} is the metric label and the API's error code. */
  public enum Refusal {
    BAD_VEHICLE_ID("bad-vehicle-id"),
    OUT_OF_RANGE("out-of-range"),
    STALE("stale"),
    FUTURE("future"),
    DUPLICATE("duplicate"),
    MISSING_FIELD("missing-field"),
    TIMEOUT("timeout");

    private final String code;

    Refusal(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** A fix that passed the edge, with when the edge received it (epoch microseconds). */
  public record CheckedFix(Vehicle.Fix fix, long receivedAtMicros) {}

  /** The edge's answer for one fix: admitted (to be sent), or refused with its reason. */
  public sealed interface Admission {}

  public record Admitted(CheckedFix fix) implements Admission {}

  public record Refused(Refusal reason) implements Admission {}

  /** One fix of a batch as it arrived; missing fields are null. */
  public record RawFix(String vehicleId, Double lat, Double lng, Double speedKmh, Long at) {}

  /** What a batch came to: fixes accepted by their vehicles, and drops by reason code. */
  public record BatchResult(int accepted, Map<String, Integer> dropped) {}

  private final Settings settings;
  private final Metrics metrics;
  private final ShardedDispatch dispatch;
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final Clock clock;

  public GpsGate(
      Settings settings, Metrics metrics, ShardedDispatch dispatch, Duration timeout, Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.dispatch = dispatch;
    this.timeout = timeout;
    this.clock = clock;
  }

  public Settings settings() {
    return settings;
  }

  /** Why a fix cannot be right whatever came before it, or null. */
  public Refusal problem(
      String vehicleId, double lat, double lng, double speedKmh, long atMs, long nowMs) {
    if (vehicleId == null || !VEHICLE_ID.matcher(vehicleId).matches()) {
      return Refusal.BAD_VEHICLE_ID;
    }
    if (!(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180) || !(speedKmh >= -1 && speedKmh <= 300)) {
      return Refusal.OUT_OF_RANGE;
    }
    if (atMs < nowMs - settings.maxAge().toMillis()) return Refusal.STALE;
    if (atMs > nowMs + settings.maxFuture().toMillis()) return Refusal.FUTURE;
    return null;
  }

  /**
   * Admits a fix (to be {@link #send sent}) or refuses it, counting the refusal. A negative speed
   * means unknown (the vehicle derives it from its track).
   */
  public Admission admit(String vehicleId, double lat, double lng, double speedKmh, long atMs) {
    Refusal problem = problem(vehicleId, lat, lng, speedKmh, atMs, clock.millis());
    if (problem == null) {
      boolean[] newer = {false};
      lastSeen.compute(
          vehicleId,
          (id, last) -> {
            newer[0] = last == null || atMs > last;
            return newer[0] ? atMs : last;
          });
      if (!newer[0]) problem = Refusal.DUPLICATE;
    }
    if (problem != null) {
      metrics.gpsDropped.labelValues(problem.code()).inc();
      return new Refused(problem);
    }
    return new Admitted(new CheckedFix(new Vehicle.Fix(lat, lng, speedKmh, atMs), micros(clock)));
  }

  /**
   * Hands admitted fixes of one vehicle to it in one message; completes when the entity has them
   * (senders wait for this, which is the backpressure from the entities to the edge), or fails
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
              else metrics.gpsDropped.labelValues(Refusal.TIMEOUT.code()).inc(fixes.size());
            });
  }

  /** A batch: every fix admitted or refused, the admitted sent, one message per vehicle. */
  public CompletionStage<BatchResult> ingest(List<RawFix> fixes) {
    Map<String, Integer> dropped = new TreeMap<>();
    Map<String, List<CheckedFix>> byVehicle = new LinkedHashMap<>();
    for (RawFix f : fixes) {
      Admission a =
          f == null || f.lat() == null || f.lng() == null || f.at() == null
              ? new Refused(Refusal.MISSING_FIELD)
              : admit(
                  f.vehicleId(),
                  f.lat(),
                  f.lng(),
                  f.speedKmh() == null ? -1 : f.speedKmh(),
                  f.at());
      if (a instanceof Admitted ok) {
        byVehicle.computeIfAbsent(f.vehicleId(), v -> new ArrayList<>()).add(ok.fix());
      } else if (a instanceof Refused no) {
        dropped.merge(no.reason().code(), 1, Integer::sum);
      }
    }
    List<CompletableFuture<Integer>> sent = new ArrayList<>();
    byVehicle.forEach(
        (vehicle, list) ->
            sent.add(
                send(vehicle, list)
                    .handle((done, failure) -> failure == null ? list.size() : -list.size())
                    .toCompletableFuture()));
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              int accepted = 0;
              for (CompletableFuture<Integer> n : sent) {
                if (n.join() > 0) accepted += n.join();
                else dropped.merge(Refusal.TIMEOUT.code(), -n.join(), Integer::sum);
              }
              return new BatchResult(accepted, dropped);
            });
  }

  /** Epoch microseconds of the clock's current instant. */
  static long micros(Clock clock) {
    Instant t = clock.instant();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
