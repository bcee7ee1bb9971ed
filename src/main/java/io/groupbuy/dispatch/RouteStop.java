package io.groupbuy.dispatch;

import io.groupbuy.platform.CborSerializable;
import java.util.List;

/**
 * One pickup point on a vehicle's route: where it is, how many units it gets, the window in which
 * service must start, how long service takes, which orders it carries, and the ETA the plan gave
 * it.
 */
public record RouteStop(
    String stopId,
    double lat,
    double lng,
    int units,
    long windowStartMs,
    long windowEndMs,
    int serviceSeconds,
    List<String> orderIds,
    long plannedEtaMs)
    implements CborSerializable {
  public RouteStop {
    orderIds = List.copyOf(orderIds);
  }

  public RouteStop withOrderIds(List<String> ids) {
    return new RouteStop(
        stopId, lat, lng, units, windowStartMs, windowEndMs, serviceSeconds, ids, plannedEtaMs);
  }

  public RouteStop withPlannedEta(long etaMs) {
    return new RouteStop(
        stopId, lat, lng, units, windowStartMs, windowEndMs, serviceSeconds, orderIds, etaMs);
  }
}
