package io.groupbuy.dispatch;

import io.groupbuy.routing.VrptwProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * Predicts when a vehicle reaches each of its remaining stops from where it is now, the speed it is
 * managing and any reported hold-up, and how late that is against each stop's window. Plain
 * arithmetic, no actor code.
 */
public final class DelayPredictor {
  /** Predicted arrival at one stop and how far after its window's end that is (0 when on time). */
  public record Eta(String stopId, long etaMs, long latenessMs) {}

  private final double roadFactor;

  /** {@code roadFactor}: road distance per straight-line distance (about 1.3 in cities). */
  public DelayPredictor(double roadFactor) {
    this.roadFactor = roadFactor;
  }

  /** Road kilometres between two points given as latitude/longitude degrees. */
  public double roadKm(double lat1, double lng1, double lat2, double lng2) {
    return roadFactor
        * VrptwProblem.Distance.HAVERSINE_KM.between(
            new VrptwProblem.Stop(0, lng1, lat1, 0, 0, 0, 0),
            new VrptwProblem.Stop(0, lng2, lat2, 0, 0, 0, 0));
  }

  /**
   * ETAs for {@code remaining} in order, leaving ({@code lat}, {@code lng}) at {@code departMs}
   * (now, or later when the vehicle is held up) at {@code speedKmh}, waiting for windows to open
   * and spending each stop's service time.
   */
  public List<Eta> predict(
      double lat, double lng, long departMs, double speedKmh, List<RouteStop> remaining) {
    if (!(speedKmh > 0)) throw new IllegalArgumentException("speed must be positive");
    List<Eta> out = new ArrayList<>(remaining.size());
    double clock = departMs;
    double atLat = lat;
    double atLng = lng;
    for (RouteStop s : remaining) {
      clock += roadKm(atLat, atLng, s.lat(), s.lng()) / speedKmh * 3_600_000.0;
      long arrival = Math.round(clock);
      out.add(new Eta(s.stopId(), arrival, Math.max(0, arrival - s.windowEndMs())));
      clock = Math.max(clock, s.windowStartMs()) + s.serviceSeconds() * 1000.0;
      atLat = s.lat();
      atLng = s.lng();
    }
    return out;
  }
}
