package io.groupbuy.dispatch;

import static io.groupbuy.dispatch.DispatchProtoEnums.incident;
import static io.groupbuy.dispatch.DispatchProtoEnums.status;
import static io.groupbuy.dispatch.DispatchProtoEnums.stopEvent;
import static io.groupbuy.dispatch.DispatchProtoEnums.written;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.OrderRemoved;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.StopServed;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleUnavailable;
import io.groupbuy.dispatch.Vehicle.DelayPredicted;
import io.groupbuy.dispatch.Vehicle.Fix;
import io.groupbuy.dispatch.Vehicle.IncidentReported;
import io.groupbuy.dispatch.Vehicle.Progress;
import io.groupbuy.dispatch.Vehicle.RouteAcknowledged;
import io.groupbuy.dispatch.Vehicle.RouteAssigned;
import io.groupbuy.dispatch.Vehicle.StopReported;
import io.groupbuy.dispatch.Vehicle.TrackSampled;
import io.groupbuy.dispatch.Vehicle.VehicleRegistered;
import io.groupbuy.dispatch.proto.RegionOrderAdded;
import io.groupbuy.dispatch.proto.RegionOrderRemoved;
import io.groupbuy.dispatch.proto.RegionStopServed;
import io.groupbuy.dispatch.proto.RegionVehicleJoined;
import io.groupbuy.dispatch.proto.RegionVehicleUnavailable;
import io.groupbuy.dispatch.proto.StopEvent;
import io.groupbuy.dispatch.proto.VehicleSnapshot;
import io.groupbuy.dispatch.proto.VehicleStopProgress;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf forms of the Vehicle and DispatchRegion events and snapshots ({@code
 * protobuf/dispatch.proto}).
 */
public final class DispatchProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public DispatchProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              VehicleRegistered.class,
              "dispatch.VehicleRegistered",
              e ->
                  io.groupbuy.dispatch.proto.VehicleRegistered.newBuilder()
                      .setDriverId(e.driverId())
                      .setCapacity(e.capacity())
                      .setRegionId(e.regionId())
                      .setDepotLat(e.depotLat())
                      .setDepotLng(e.depotLng())
                      .build(),
              b -> {
                var p = io.groupbuy.dispatch.proto.VehicleRegistered.parseFrom(b);
                return new VehicleRegistered(
                    p.getDriverId(),
                    p.getCapacity(),
                    p.getRegionId(),
                    p.getDepotLat(),
                    p.getDepotLng());
              }),
          ProtoCodec.of(
              RouteAssigned.class,
              "dispatch.RouteAssigned",
              e ->
                  io.groupbuy.dispatch.proto.RouteAssigned.newBuilder()
                      .setVersion(e.version())
                      .setRegionId(e.regionId())
                      .addAllStops(e.stops().stream().map(DispatchProtobuf::stop).toList())
                      .setAtMs(e.atMs())
                      .build(),
              b -> {
                var p = io.groupbuy.dispatch.proto.RouteAssigned.parseFrom(b);
                return new RouteAssigned(
                    p.getVersion(), p.getRegionId(), stops(p.getStopsList()), p.getAtMs());
              }),
          ProtoCodec.of(
              RouteAcknowledged.class,
              "dispatch.RouteAcknowledged",
              e ->
                  io.groupbuy.dispatch.proto.RouteAcknowledged.newBuilder()
                      .setVersion(e.version())
                      .build(),
              b ->
                  new RouteAcknowledged(
                      io.groupbuy.dispatch.proto.RouteAcknowledged.parseFrom(b).getVersion())),
          ProtoCodec.of(
              StopReported.class,
              "dispatch.StopEvent",
              e ->
                  StopEvent.newBuilder()
                      .setKind(written(e.kind()))
                      .setType(stopEvent(e.kind()))
                      .setStopId(e.stopId())
                      .setAtMs(e.atMs())
                      .build(),
              b -> {
                var p = StopEvent.parseFrom(b);
                return new StopReported(
                    stopEvent(p.getType(), p.getKind()), p.getStopId(), p.getAtMs());
              }),
          ProtoCodec.of(
              TrackSampled.class,
              "dispatch.TrackSampled",
              e -> track(e.fix()),
              b -> new TrackSampled(fix(io.groupbuy.dispatch.proto.TrackSampled.parseFrom(b)))),
          ProtoCodec.of(
              IncidentReported.class,
              "dispatch.IncidentReported",
              e ->
                  io.groupbuy.dispatch.proto.IncidentReported.newBuilder()
                      .setKind(written(e.kind()))
                      .setType(incident(e.kind()))
                      .setDelayMinutes(e.delayMinutes())
                      .setNote(e.note())
                      .setAtMs(e.atMs())
                      .build(),
              b -> {
                var p = io.groupbuy.dispatch.proto.IncidentReported.parseFrom(b);
                return new IncidentReported(
                    incident(p.getType(), p.getKind()),
                    p.getDelayMinutes(),
                    p.getNote(),
                    p.getAtMs());
              }),
          ProtoCodec.of(
              DelayPredicted.class,
              "dispatch.DelayPredicted",
              e ->
                  io.groupbuy.dispatch.proto.DelayPredicted.newBuilder()
                      .setStopId(e.stopId())
                      .setRouteVersion(e.routeVersion())
                      .setPredictedEtaMs(e.predictedEtaMs())
                      .setLatenessSeconds(e.latenessSeconds())
                      .build(),
              b -> {
                var p = io.groupbuy.dispatch.proto.DelayPredicted.parseFrom(b);
                return new DelayPredicted(
                    p.getStopId(),
                    p.getRouteVersion(),
                    p.getPredictedEtaMs(),
                    p.getLatenessSeconds());
              }),
          ProtoCodec.of(
              VehicleState.class,
              "dispatch.VehicleSnapshot",
              DispatchProtobuf::vehicleSnapshot,
              DispatchProtobuf::vehicleState),
          ProtoCodec.of(
              RegionConfigured.class,
              "dispatch.RegionConfigured",
              DispatchProtobuf::config,
              b -> config(io.groupbuy.dispatch.proto.RegionConfigured.parseFrom(b))),
          ProtoCodec.of(
              OrderAdded.class,
              "dispatch.RegionOrderAdded",
              e ->
                  RegionOrderAdded.newBuilder()
                      .setOrderId(e.orderId())
                      .setPickupPointId(e.pickupPointId())
                      .setLat(e.lat())
                      .setLng(e.lng())
                      .setUnits(e.units())
                      .setUrgent(e.urgent())
                      .build(),
              b -> {
                var p = RegionOrderAdded.parseFrom(b);
                return new OrderAdded(
                    p.getOrderId(),
                    p.getPickupPointId(),
                    p.getLat(),
                    p.getLng(),
                    p.getUnits(),
                    p.getUrgent());
              }),
          ProtoCodec.of(
              OrderRemoved.class,
              "dispatch.RegionOrderRemoved",
              e ->
                  RegionOrderRemoved.newBuilder()
                      .setOrderId(e.orderId())
                      .setReason(e.reason())
                      .build(),
              b -> {
                var p = RegionOrderRemoved.parseFrom(b);
                return new OrderRemoved(p.getOrderId(), p.getReason());
              }),
          ProtoCodec.of(
              VehicleJoined.class,
              "dispatch.RegionVehicleJoined",
              DispatchProtobuf::joined,
              b -> joined(RegionVehicleJoined.parseFrom(b))),
          ProtoCodec.of(
              PlanCommitted.class,
              "dispatch.PlanCommitted",
              DispatchProtobuf::plan,
              b -> plan(io.groupbuy.dispatch.proto.PlanCommitted.parseFrom(b))),
          ProtoCodec.of(
              StopServed.class,
              "dispatch.RegionStopServed",
              e ->
                  RegionStopServed.newBuilder()
                      .setStopId(e.stopId())
                      .setVehicleId(e.vehicleId())
                      .build(),
              b -> {
                var p = RegionStopServed.parseFrom(b);
                return new StopServed(p.getStopId(), p.getVehicleId());
              }),
          ProtoCodec.of(
              VehicleUnavailable.class,
              "dispatch.RegionVehicleUnavailable",
              e ->
                  RegionVehicleUnavailable.newBuilder()
                      .setVehicleId(e.vehicleId())
                      .setReason(e.reason())
                      .build(),
              b -> {
                var p = RegionVehicleUnavailable.parseFrom(b);
                return new VehicleUnavailable(p.getVehicleId(), p.getReason());
              }),
          // Read-only: snapshots of the first form (the type's codec below replaces it for
          // writing).
          ProtoCodec.of(
              RegionState.class,
              "dispatch.RegionSnapshot",
              s -> {
                throw new IllegalStateException("region snapshots are written in the second form");
              },
              RegionSnapshots::readFirstForm),
          ProtoCodec.of(
              RegionState.class,
              "dispatch.RegionSnapshot.v2",
              RegionSnapshots::write,
              RegionSnapshots::read));

  static io.groupbuy.dispatch.proto.RouteStop stop(RouteStop s) {
    return io.groupbuy.dispatch.proto.RouteStop.newBuilder()
        .setStopId(s.stopId())
        .setLat(s.lat())
        .setLng(s.lng())
        .setUnits(s.units())
        .setWindowStartMs(s.windowStartMs())
        .setWindowEndMs(s.windowEndMs())
        .setServiceSeconds(s.serviceSeconds())
        .addAllOrderIds(s.orderIds())
        .setPlannedEtaMs(s.plannedEtaMs())
        .build();
  }

  static List<RouteStop> stops(List<io.groupbuy.dispatch.proto.RouteStop> list) {
    return list.stream()
        .map(
            p ->
                new RouteStop(
                    p.getStopId(),
                    p.getLat(),
                    p.getLng(),
                    p.getUnits(),
                    p.getWindowStartMs(),
                    p.getWindowEndMs(),
                    p.getServiceSeconds(),
                    p.getOrderIdsList(),
                    p.getPlannedEtaMs()))
        .toList();
  }

  private static io.groupbuy.dispatch.proto.TrackSampled track(Fix f) {
    return io.groupbuy.dispatch.proto.TrackSampled.newBuilder()
        .setLat(f.lat())
        .setLng(f.lng())
        .setSpeedKmh(f.speedKmh())
        .setAtMs(f.atMs())
        .build();
  }

  private static Fix fix(io.groupbuy.dispatch.proto.TrackSampled p) {
    return new Fix(p.getLat(), p.getLng(), p.getSpeedKmh(), p.getAtMs());
  }

  private static VehicleSnapshot vehicleSnapshot(VehicleState s) {
    var b =
        VehicleSnapshot.newBuilder()
            .setDriverId(s.driverId())
            .setCapacity(s.capacity())
            .setRegionId(s.regionId())
            .setDepotLat(s.depotLat())
            .setDepotLng(s.depotLng())
            .setStatus(written(s.status()))
            .setStatusValue(status(s.status()))
            .setRouteVersion(s.routeVersion())
            .addAllStops(s.stops().stream().map(DispatchProtobuf::stop).toList())
            .setAckedVersion(s.ackedVersion())
            .setIncident(written(s.incident()))
            .setIncidentType(incident(s.incident()))
            .setJamUntilMs(s.jamUntilMs());
    s.progress()
        .forEach(
            (id, p) ->
                b.addProgress(
                    VehicleStopProgress.newBuilder()
                        .setStopId(id)
                        .setArrivedAtMs(p.arrivedAtMs())
                        .setDepartedAtMs(p.departedAtMs())));
    if (s.lastTrack() != null) b.setLastTrack(track(s.lastTrack()));
    return b.build();
  }

  private static VehicleState vehicleState(byte[] bytes) throws InvalidProtocolBufferException {
    VehicleSnapshot p = VehicleSnapshot.parseFrom(bytes);
    Map<String, Progress> progress = new LinkedHashMap<>();
    p.getProgressList()
        .forEach(
            x ->
                progress.put(x.getStopId(), new Progress(x.getArrivedAtMs(), x.getDepartedAtMs())));
    return new VehicleState(
        p.getDriverId(),
        p.getCapacity(),
        p.getRegionId(),
        p.getDepotLat(),
        p.getDepotLng(),
        status(p.getStatusValue(), p.getStatus()),
        p.getRouteVersion(),
        stops(p.getStopsList()),
        progress,
        p.getAckedVersion(),
        p.hasLastTrack() ? fix(p.getLastTrack()) : null,
        incident(p.getIncidentType(), p.getIncident()),
        p.getJamUntilMs());
  }

  static io.groupbuy.dispatch.proto.RegionConfigured config(RegionConfigured e) {
    return io.groupbuy.dispatch.proto.RegionConfigured.newBuilder()
        .setDepotLat(e.depotLat())
        .setDepotLng(e.depotLng())
        .setSpeedKmh(e.speedKmh())
        .setServiceSeconds(e.serviceSeconds())
        .build();
  }

  static RegionConfigured config(io.groupbuy.dispatch.proto.RegionConfigured p) {
    return new RegionConfigured(
        p.getDepotLat(), p.getDepotLng(), p.getSpeedKmh(), p.getServiceSeconds());
  }

  private static RegionVehicleJoined joined(VehicleJoined e) {
    return RegionVehicleJoined.newBuilder()
        .setVehicleId(e.vehicleId())
        .setCapacity(e.capacity())
        .build();
  }

  private static VehicleJoined joined(RegionVehicleJoined p) {
    return new VehicleJoined(p.getVehicleId(), p.getCapacity());
  }

  private static io.groupbuy.dispatch.proto.PlanCommitted plan(PlanCommitted e) {
    var b =
        io.groupbuy.dispatch.proto.PlanCommitted.newBuilder()
            .setPlanVersion(e.planVersion())
            .addAllDroppedStopIds(e.droppedStopIds())
            .setCause(e.cause())
            .setAtMs(e.atMs())
            .setCutoffId(e.cutoffId());
    e.vehicles()
        .forEach(
            v ->
                b.addVehicles(
                    io.groupbuy.dispatch.proto.VehiclePlan.newBuilder()
                        .setVehicleId(v.vehicleId())
                        .setRouteVersion(v.routeVersion())
                        .setWave(v.wave())
                        .addAllStops(v.stops().stream().map(DispatchProtobuf::stop).toList())));
    return b.build();
  }

  static PlanCommitted plan(io.groupbuy.dispatch.proto.PlanCommitted p) {
    return new PlanCommitted(
        p.getPlanVersion(),
        p.getVehiclesList().stream()
            .map(
                v ->
                    new VehiclePlan(
                        v.getVehicleId(),
                        v.getRouteVersion(),
                        stops(v.getStopsList()),
                        v.getWave()))
            .toList(),
        p.getDroppedStopIdsList(),
        p.getCause(),
        p.getAtMs(),
        p.getCutoffId());
  }
}
