package io.groupbuy.dispatch;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.RegionState.RegionOrder;
import io.groupbuy.dispatch.RegionState.ServedStop;
import io.groupbuy.dispatch.proto.RegionOpenOrder;
import io.groupbuy.dispatch.proto.RegionOrderRef;
import io.groupbuy.dispatch.proto.RegionPointOrders;
import io.groupbuy.dispatch.proto.RegionSnapshot;
import io.groupbuy.dispatch.proto.RegionSnapshotPlan;
import io.groupbuy.dispatch.proto.RegionSnapshotStop;
import io.groupbuy.dispatch.proto.RegionSnapshotV2;
import io.groupbuy.dispatch.proto.RegionSnapshotVehiclePlan;
import io.groupbuy.dispatch.proto.RegionStopServed;
import io.groupbuy.dispatch.proto.RegionVehicleJoined;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The snapshot of a {@link RegionState} ({@code RegionSnapshotV2} of {@code
 * protobuf/dispatch.proto}): each order id once, as 16 bytes when it has the API's form {@code
 * o-<uuid>}, and a stop's orders as references to the open orders. The first form, which repeated
 * every order id in the plan as text, is still read.
 */
final class RegionSnapshots {
  private static final int API_ORDER_ID_LENGTH = 38;

  private RegionSnapshots() {}

  /**
   * {@code o-} and a lower-case UUID, checked by hand: a regex here cost more than the rest of the
   * snapshot (async-profiler, order benchmark).
   */
  static boolean isApiOrderId(String id) {
    if (id.length() != API_ORDER_ID_LENGTH || id.charAt(0) != 'o' || id.charAt(1) != '-') {
      return false;
    }
    for (int i = 2; i < API_ORDER_ID_LENGTH; i++) {
      char c = id.charAt(i);
      boolean dash = i == 10 || i == 15 || i == 20 || i == 25;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  static RegionSnapshotV2 write(RegionState s) {
    var b =
        RegionSnapshotV2.newBuilder()
            .addAllUnavailableVehicleIds(s.unavailable())
            .addAllCutoffIds(s.cutoffs());
    if (s.config() != null) b.setConfig(DispatchProtobuf.config(s.config()));
    s.vehicles()
        .forEach(
            (id, capacity) ->
                b.addVehicles(
                    RegionVehicleJoined.newBuilder().setVehicleId(id).setCapacity(capacity)));
    s.served()
        .forEach(
            x ->
                b.addServed(
                    RegionStopServed.newBuilder()
                        .setVehicleId(x.vehicleId())
                        .setStopId(x.stopId())));
    // open orders grouped by pickup point (and its coordinates, which an order carries itself)
    Map<String, Integer> index = new HashMap<>();
    Map<List<Object>, RegionPointOrders.Builder> points = new LinkedHashMap<>();
    for (RegionOrder o : s.orders().values()) {
      RegionPointOrders.Builder point =
          points.computeIfAbsent(
              List.of(o.pickupPointId(), o.lat(), o.lng()),
              k ->
                  RegionPointOrders.newBuilder()
                      .setPickupPointId(o.pickupPointId())
                      .setLat(o.lat())
                      .setLng(o.lng()));
      var order =
          RegionOpenOrder.newBuilder()
              .setUnits(o.units())
              .setDispatched(o.dispatched())
              .setUrgent(o.urgent());
      if (isApiOrderId(o.orderId())) {
        order.setUuid(uuidBytes(o.orderId()));
      } else {
        order.setText(o.orderId());
      }
      point.addOrders(order);
    }
    for (RegionPointOrders.Builder point : points.values()) {
      for (RegionOpenOrder o : point.getOrdersList()) {
        index.put(o.hasUuid() ? uuidId(o.getUuid()) : o.getText(), index.size());
      }
      b.addPoints(point);
    }
    if (s.plan() != null) b.setPlan(plan(s.plan(), index));
    return b.build();
  }

  private static RegionSnapshotPlan plan(PlanCommitted plan, Map<String, Integer> index) {
    var b =
        RegionSnapshotPlan.newBuilder()
            .setPlanVersion(plan.planVersion())
            .addAllDroppedStopIds(plan.droppedStopIds())
            .setCause(plan.cause())
            .setAtMs(plan.atMs())
            .setCutoffId(plan.cutoffId());
    for (VehiclePlan v : plan.vehicles()) {
      var vb =
          RegionSnapshotVehiclePlan.newBuilder()
              .setVehicleId(v.vehicleId())
              .setRouteVersion(v.routeVersion())
              .setWave(v.wave());
      for (RouteStop stop : v.stops()) {
        var sb =
            RegionSnapshotStop.newBuilder()
                .setStop(DispatchProtobuf.stop(stop.withOrderIds(List.of())));
        for (String id : stop.orderIds()) {
          Integer open = index.get(id);
          var ref = RegionOrderRef.newBuilder();
          if (open != null) {
            ref.setOpenIndex(open);
          } else if (isApiOrderId(id)) {
            ref.setUuid(uuidBytes(id));
          } else {
            ref.setText(id);
          }
          sb.addOrders(ref);
        }
        vb.addStops(sb);
      }
      b.addVehicles(vb);
    }
    return b.build();
  }

  static RegionState read(byte[] bytes) throws InvalidProtocolBufferException {
    RegionSnapshotV2 p = RegionSnapshotV2.parseFrom(bytes);
    Map<String, RegionOrder> orders = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (RegionPointOrders point : p.getPointsList()) {
      for (RegionOpenOrder o : point.getOrdersList()) {
        String id = o.hasUuid() ? uuidId(o.getUuid()) : o.getText();
        ids.add(id);
        orders.put(
            id,
            new RegionOrder(
                id,
                point.getPickupPointId(),
                point.getLat(),
                point.getLng(),
                o.getUnits(),
                o.getDispatched(),
                o.getUrgent()));
      }
    }
    Map<String, Integer> vehicles = new LinkedHashMap<>();
    p.getVehiclesList().forEach(v -> vehicles.put(v.getVehicleId(), v.getCapacity()));
    Set<ServedStop> served = new LinkedHashSet<>();
    p.getServedList().forEach(x -> served.add(new ServedStop(x.getVehicleId(), x.getStopId())));
    return new RegionState(
        p.hasConfig() ? DispatchProtobuf.config(p.getConfig()) : null,
        orders,
        vehicles,
        p.hasPlan() ? plan(p.getPlan(), ids) : null,
        served,
        new LinkedHashSet<>(p.getUnavailableVehicleIdsList()),
        new LinkedHashSet<>(p.getCutoffIdsList()));
  }

  private static PlanCommitted plan(RegionSnapshotPlan p, List<String> ids) {
    List<VehiclePlan> vehicles = new ArrayList<>();
    for (RegionSnapshotVehiclePlan v : p.getVehiclesList()) {
      List<RouteStop> stops = new ArrayList<>();
      for (RegionSnapshotStop s : v.getStopsList()) {
        List<String> orderIds = new ArrayList<>();
        for (RegionOrderRef ref : s.getOrdersList()) {
          orderIds.add(
              ref.hasOpenIndex()
                  ? ids.get(ref.getOpenIndex())
                  : ref.hasUuid() ? uuidId(ref.getUuid()) : ref.getText());
        }
        stops.add(DispatchProtobuf.stops(List.of(s.getStop())).get(0).withOrderIds(orderIds));
      }
      vehicles.add(new VehiclePlan(v.getVehicleId(), v.getRouteVersion(), stops, v.getWave()));
    }
    return new PlanCommitted(
        p.getPlanVersion(),
        vehicles,
        p.getDroppedStopIdsList(),
        p.getCause(),
        p.getAtMs(),
        p.getCutoffId());
  }

  /**
   * The first form: orders with a {@code dispatched} flag and the plan with every order id. Stops
   * served were kept by id alone; they are taken as served by the vehicle whose plan holds them.
   */
  static RegionState readFirstForm(byte[] bytes) throws InvalidProtocolBufferException {
    RegionSnapshot p = RegionSnapshot.parseFrom(bytes);
    Map<String, RegionOrder> orders = new LinkedHashMap<>();
    p.getOrdersList()
        .forEach(
            o ->
                orders.put(
                    o.getOrderId(),
                    new RegionOrder(
                        o.getOrderId(),
                        o.getPickupPointId(),
                        o.getLat(),
                        o.getLng(),
                        o.getUnits(),
                        o.getDispatched(),
                        o.getUrgent())));
    Map<String, Integer> vehicles = new LinkedHashMap<>();
    p.getVehiclesList().forEach(v -> vehicles.put(v.getVehicleId(), v.getCapacity()));
    PlanCommitted plan = p.hasPlan() ? DispatchProtobuf.plan(p.getPlan()) : null;
    Set<ServedStop> served = new LinkedHashSet<>();
    if (plan != null) {
      for (VehiclePlan v : plan.vehicles()) {
        for (RouteStop stop : v.stops()) {
          if (p.getServedStopIdsList().contains(stop.stopId())) {
            served.add(new ServedStop(v.vehicleId(), stop.stopId()));
          }
        }
      }
    }
    RegionConfigured config = p.hasConfig() ? DispatchProtobuf.config(p.getConfig()) : null;
    return new RegionState(
        config,
        orders,
        vehicles,
        plan,
        served,
        new LinkedHashSet<>(p.getUnavailableVehicleIdsList()),
        new LinkedHashSet<>(p.getCutoffIdsList()));
  }

  private static ByteString uuidBytes(String orderId) {
    UUID u = UUID.fromString(orderId.substring(2));
    return ByteString.copyFrom(
        ByteBuffer.allocate(16)
            .putLong(u.getMostSignificantBits())
            .putLong(u.getLeastSignificantBits())
            .array());
  }

  private static String uuidId(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    return "o-" + new UUID(b.getLong(), b.getLong());
  }
}
