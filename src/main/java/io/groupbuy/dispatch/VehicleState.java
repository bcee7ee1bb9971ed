package io.groupbuy.dispatch;

import io.groupbuy.dispatch.Vehicle.DelayPredicted;
import io.groupbuy.dispatch.Vehicle.Event;
import io.groupbuy.dispatch.Vehicle.Fix;
import io.groupbuy.dispatch.Vehicle.IncidentKind;
import io.groupbuy.dispatch.Vehicle.IncidentReported;
import io.groupbuy.dispatch.Vehicle.Progress;
import io.groupbuy.dispatch.Vehicle.RouteAcknowledged;
import io.groupbuy.dispatch.Vehicle.RouteAssigned;
import io.groupbuy.dispatch.Vehicle.Status;
import io.groupbuy.dispatch.Vehicle.StopReported;
import io.groupbuy.dispatch.Vehicle.TrackSampled;
import io.groupbuy.dispatch.Vehicle.VehicleRegistered;
import io.groupbuy.platform.ProtoPersisted;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a vehicle's journal says: its driver and depot, its status, the current route with the
 * progress on each stop, the last route the driver acknowledged, a sampled track and the incident
 * it is in ({@code null}: none). Events are applied here, apart from the behaviour.
 */
public record VehicleState(
    String driverId,
    int capacity,
    String regionId,
    double depotLat,
    double depotLng,
    Status status,
    long routeVersion,
    List<RouteStop> stops,
    Map<String, Progress> progress,
    long ackedVersion,
    Fix lastTrack,
    IncidentKind incident,
    long jamUntilMs)
    implements ProtoPersisted {
  public static final VehicleState EMPTY =
      new VehicleState("", 0, "", 0, 0, Status.OFF_DUTY, 0, List.of(), Map.of(), 0, null, null, 0);

  public VehicleState {
    stops = List.copyOf(stops);
    progress = Collections.unmodifiableMap(new LinkedHashMap<>(progress));
  }

  boolean registered() {
    return !driverId.isEmpty();
  }

  RouteStop stop(String stopId) {
    return stops.stream().filter(s -> s.stopId().equals(stopId)).findFirst().orElse(null);
  }

  Progress progressOf(String stopId) {
    return progress.getOrDefault(stopId, new Progress(0, 0));
  }

  /** Stops not yet departed, in route order. */
  List<RouteStop> remaining() {
    return stops.stream().filter(s -> progressOf(s.stopId()).departedAtMs() == 0).toList();
  }

  VehicleState apply(Event event) {
    if (event instanceof VehicleRegistered e) {
      return new VehicleState(
          e.driverId(),
          e.capacity(),
          e.regionId(),
          e.depotLat(),
          e.depotLng(),
          status == Status.OFF_DUTY ? Status.IDLE : status,
          routeVersion,
          stops,
          progress,
          ackedVersion,
          lastTrack,
          incident,
          jamUntilMs);
    } else if (event instanceof RouteAssigned e) {
      return onRoute(e);
    } else if (event instanceof RouteAcknowledged e) {
      return new VehicleState(
          driverId,
          capacity,
          regionId,
          depotLat,
          depotLng,
          status,
          routeVersion,
          stops,
          progress,
          Math.max(ackedVersion, e.version()),
          lastTrack,
          incident,
          jamUntilMs);
    } else if (event instanceof StopReported e) {
      return onStop(e);
    } else if (event instanceof TrackSampled e) {
      return new VehicleState(
          driverId,
          capacity,
          regionId,
          depotLat,
          depotLng,
          status,
          routeVersion,
          stops,
          progress,
          ackedVersion,
          e.fix(),
          incident,
          jamUntilMs);
    } else if (event instanceof IncidentReported e) {
      boolean breakdown = e.kind() == IncidentKind.BREAKDOWN;
      long jam =
          breakdown ? jamUntilMs : Math.max(jamUntilMs, e.atMs() + e.delayMinutes() * 60_000L);
      return new VehicleState(
          driverId,
          capacity,
          regionId,
          depotLat,
          depotLng,
          breakdown ? Status.BROKEN_DOWN : status,
          routeVersion,
          stops,
          progress,
          ackedVersion,
          lastTrack,
          e.kind(),
          jam);
    } else if (event instanceof DelayPredicted) {
      return this;
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private VehicleState onRoute(RouteAssigned e) {
    // progress on stops that stay on the route is kept: a reroute does not un-serve anything
    Map<String, Progress> kept = new LinkedHashMap<>();
    for (RouteStop s : e.stops()) {
      Progress p = progress.get(s.stopId());
      if (p != null) kept.put(s.stopId(), p);
    }
    Status next;
    if (status == Status.BROKEN_DOWN) next = status;
    else if (e.stops().isEmpty())
      next =
          status == Status.EN_ROUTE
              ? Status.RETURNING
              : status == Status.LOADING ? Status.IDLE : status;
    else if (status == Status.IDLE || status == Status.OFF_DUTY) next = Status.LOADING;
    else next = status == Status.RETURNING ? Status.EN_ROUTE : status;
    return new VehicleState(
        driverId,
        capacity,
        e.regionId(),
        depotLat,
        depotLng,
        next,
        e.version(),
        e.stops(),
        kept,
        ackedVersion,
        lastTrack,
        incident,
        jamUntilMs);
  }

  private VehicleState onStop(StopReported e) {
    if (e.kind() == Vehicle.StopEventKind.RETURNED) {
      // back at the depot: the route, its progress and any incident are over
      return new VehicleState(
          driverId,
          capacity,
          regionId,
          depotLat,
          depotLng,
          Status.IDLE,
          routeVersion,
          List.of(),
          Map.of(),
          ackedVersion,
          lastTrack,
          null,
          0);
    }
    Map<String, Progress> p = new LinkedHashMap<>(progress);
    Status next = status;
    switch (e.kind()) {
      case DEPARTED_DEPOT -> next = Status.EN_ROUTE;
      case ARRIVED -> {
        p.put(e.stopId(), new Progress(e.atMs(), 0));
        if (status == Status.LOADING) next = Status.EN_ROUTE;
      }
      case DEPARTED -> {
        Progress before = progressOf(e.stopId());
        p.put(
            e.stopId(),
            new Progress(before.arrivedAtMs() == 0 ? e.atMs() : before.arrivedAtMs(), e.atMs()));
      }
      case RETURNED -> throw new IllegalStateException("handled above");
    }
    VehicleState s =
        new VehicleState(
            driverId,
            capacity,
            regionId,
            depotLat,
            depotLng,
            next,
            routeVersion,
            stops,
            p,
            ackedVersion,
            lastTrack,
            incident,
            jamUntilMs);
    if (e.kind() == Vehicle.StopEventKind.DEPARTED
        && s.remaining().isEmpty()
        && status != Status.BROKEN_DOWN) {
      return new VehicleState(
          driverId,
          capacity,
          regionId,
          depotLat,
          depotLng,
          Status.RETURNING,
          routeVersion,
          stops,
          p,
          ackedVersion,
          lastTrack,
          incident,
          jamUntilMs);
    }
    return s;
  }
}
