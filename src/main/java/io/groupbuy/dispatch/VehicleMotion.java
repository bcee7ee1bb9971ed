package io.groupbuy.dispatch;

import io.groupbuy.dispatch.Vehicle.Fix;
import java.util.List;

/**
 * Where a vehicle is and how fast it manages to drive, from its GPS fixes at full rate, and the
 * ETAs of its remaining stops that follow. Memory only: the journal keeps a sampled track.
 */
final class VehicleMotion {
  /** Closer than this to a stop or the depot, a slow vehicle is serving, not stuck in traffic. */
  private static final double SERVING_RADIUS_KM = 0.3;

  private static final double SERVING_SPEED_KMH = 3;

  private final DelayPredictor predictor;
  private final double plannedSpeedKmh;
  private Fix lastFix;
  private double speedEwma = Double.NaN;

  VehicleMotion(double roadFactor, double plannedSpeedKmh) {
    this.predictor = new DelayPredictor(roadFactor);
    this.plannedSpeedKmh = plannedSpeedKmh;
  }

  /** After recovery the last sampled track is the best position known. */
  void recovered(Fix track) {
    lastFix = track;
  }

  Fix lastFix() {
    return lastFix;
  }

  /** A fix no newer than the last one is late or repeated, and changes nothing. */
  boolean isNewer(Fix fix) {
    return lastFix == null || fix.atMs() > lastFix.atMs();
  }

  /** Takes a newer fix: the position, and the speed unless the vehicle stands serving a stop. */
  void observe(VehicleState s, Fix fix) {
    double speed = fix.speedKmh();
    if (speed < 0 && lastFix != null) {
      double hours = (fix.atMs() - lastFix.atMs()) / 3_600_000.0;
      speed = predictor.roadKm(lastFix.lat(), lastFix.lng(), fix.lat(), fix.lng()) / hours;
    }
    boolean serving = speed >= 0 && speed < SERVING_SPEED_KMH && nearStopOrDepot(s, fix);
    if (speed >= 0 && !serving)
      speedEwma = Double.isNaN(speedEwma) ? speed : 0.8 * speedEwma + 0.2 * speed;
    lastFix = fix;
  }

  private boolean nearStopOrDepot(VehicleState s, Fix fix) {
    if (predictor.roadKm(fix.lat(), fix.lng(), s.depotLat(), s.depotLng()) < SERVING_RADIUS_KM)
      return true;
    return s.remaining().stream()
        .limit(1)
        .anyMatch(
            r -> predictor.roadKm(fix.lat(), fix.lng(), r.lat(), r.lng()) < SERVING_RADIUS_KM);
  }

  /**
   * Speed used for predictions: what the vehicle manages lately, never above the planned road
   * speed.
   */
  double speedKmh() {
    if (Double.isNaN(speedEwma)) return plannedSpeedKmh;
    return Math.max(plannedSpeedKmh * 0.1, Math.min(plannedSpeedKmh, speedEwma));
  }

  double lat(VehicleState s) {
    return lastFix != null ? lastFix.lat() : s.depotLat();
  }

  double lng(VehicleState s) {
    return lastFix != null ? lastFix.lng() : s.depotLng();
  }

  /** The remaining stops' ETAs from here, leaving no earlier than a jam lets the vehicle. */
  List<DelayPredictor.Eta> etas(VehicleState s, long nowMs) {
    List<RouteStop> remaining = s.remaining();
    if (remaining.isEmpty()) return List.of();
    long depart = Math.max(nowMs, s.jamUntilMs());
    return predictor.predict(lat(s), lng(s), depart, speedKmh(), remaining);
  }
}
