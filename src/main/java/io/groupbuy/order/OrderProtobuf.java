package io.groupbuy.order;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.order.Order.CancellationRequested;
import io.groupbuy.order.Order.Details;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.LineReleased;
import io.groupbuy.order.Order.LineReserved;
import io.groupbuy.order.Order.OrderCancelled;
import io.groupbuy.order.Order.OrderConfirmed;
import io.groupbuy.order.Order.OrderPlaced;
import io.groupbuy.order.Order.OrderRejected;
import io.groupbuy.order.Order.State;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.proto.CouponApplied;
import io.groupbuy.order.proto.CouponReturned;
import io.groupbuy.order.proto.DeliveryUpdated;
import io.groupbuy.order.proto.HandedToDispatch;
import io.groupbuy.order.proto.LineCommitted;
import io.groupbuy.order.proto.OrderDetails;
import io.groupbuy.order.proto.OrderLine;
import io.groupbuy.order.proto.OrderSnapshot;
import io.groupbuy.order.proto.OrderStatus;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import java.util.LinkedHashSet;
import java.util.List;

/** Protobuf forms of {@link Order}'s events and snapshot ({@code protobuf/order.proto}). */
public final class OrderProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public OrderProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              OrderPlaced.class,
              "order.OrderPlaced",
              e ->
                  io.groupbuy.order.proto.OrderPlaced.newBuilder()
                      .setDetails(details(e.details()))
                      .build(),
              b ->
                  new OrderPlaced(
                      details(io.groupbuy.order.proto.OrderPlaced.parseFrom(b).getDetails()))),
          ProtoCodec.of(
              LineReserved.class,
              "order.LineReserved",
              e ->
                  io.groupbuy.order.proto.LineReserved.newBuilder()
                      .setSku(e.sku())
                      .setUnitPriceFen(e.unitPriceFen())
                      .build(),
              b -> {
                var p = io.groupbuy.order.proto.LineReserved.parseFrom(b);
                return new LineReserved(p.getSku(), p.getUnitPriceFen());
              }),
          ProtoCodec.of(
              OrderConfirmed.class,
              "order.OrderConfirmed",
              e -> io.groupbuy.order.proto.OrderConfirmed.getDefaultInstance(),
              b -> {
                io.groupbuy.order.proto.OrderConfirmed.parseFrom(b);
                return new OrderConfirmed();
              }),
          ProtoCodec.of(
              OrderRejected.class,
              "order.OrderRejected",
              e ->
                  io.groupbuy.order.proto.OrderRejected.newBuilder()
                      .setReason(e.reason())
                      .setSku(e.sku())
                      .build(),
              b -> {
                var p = io.groupbuy.order.proto.OrderRejected.parseFrom(b);
                return new OrderRejected(p.getReason(), p.getSku());
              }),
          ProtoCodec.of(
              CancellationRequested.class,
              "order.CancellationRequested",
              e ->
                  io.groupbuy.order.proto.CancellationRequested.newBuilder()
                      .setReason(e.reason())
                      .build(),
              b ->
                  new CancellationRequested(
                      io.groupbuy.order.proto.CancellationRequested.parseFrom(b).getReason())),
          ProtoCodec.of(
              LineReleased.class,
              "order.LineReleased",
              e -> io.groupbuy.order.proto.LineReleased.newBuilder().setSku(e.sku()).build(),
              b -> new LineReleased(io.groupbuy.order.proto.LineReleased.parseFrom(b).getSku())),
          ProtoCodec.of(
              OrderCancelled.class,
              "order.OrderCancelled",
              e ->
                  io.groupbuy.order.proto.OrderCancelled.newBuilder().setReason(e.reason()).build(),
              b ->
                  new OrderCancelled(
                      io.groupbuy.order.proto.OrderCancelled.parseFrom(b).getReason())),
          ProtoCodec.of(
              Order.HandedToDispatch.class,
              "order.HandedToDispatch",
              e -> HandedToDispatch.getDefaultInstance(),
              b -> {
                HandedToDispatch.parseFrom(b);
                return new Order.HandedToDispatch();
              }),
          ProtoCodec.of(
              Order.DeliveryUpdated.class,
              "order.DeliveryUpdated",
              e ->
                  DeliveryUpdated.newBuilder()
                      .setStatus(e.status().name())
                      .setStatusValue(status(e.status()))
                      .setVehicleId(e.vehicleId())
                      .setStopId(e.stopId())
                      .build(),
              b -> {
                var p = DeliveryUpdated.parseFrom(b);
                return new Order.DeliveryUpdated(
                    status(p.getStatusValue(), p.getStatus()), p.getVehicleId(), p.getStopId());
              }),
          ProtoCodec.of(
              Order.LineCommitted.class,
              "order.LineCommitted",
              e -> LineCommitted.newBuilder().setSku(e.sku()).build(),
              b -> new Order.LineCommitted(LineCommitted.parseFrom(b).getSku())),
          ProtoCodec.of(
              Order.CouponApplied.class,
              "order.CouponApplied",
              e ->
                  CouponApplied.newBuilder()
                      .setCouponId(e.couponId())
                      .setDiscountFen(e.discountFen())
                      .build(),
              b -> {
                var p = CouponApplied.parseFrom(b);
                return new Order.CouponApplied(p.getCouponId(), p.getDiscountFen());
              }),
          ProtoCodec.of(
              Order.CouponReturned.class,
              "order.CouponReturned",
              e -> CouponReturned.newBuilder().setCouponId(e.couponId()).build(),
              b -> new Order.CouponReturned(CouponReturned.parseFrom(b).getCouponId())),
          ProtoCodec.of(
              State.class, "order.Snapshot", OrderProtobuf::snapshot, OrderProtobuf::state));

  static OrderDetails details(Details d) {
    var b =
        OrderDetails.newBuilder()
            .setCustomerId(d.customerId())
            .setPickupPointId(d.pickupPointId())
            .setWarehouseId(d.warehouseId())
            .setPlacedAtEpochMs(d.placedAtEpochMs())
            .setCutoffEpochMs(d.cutoffEpochMs())
            .setIdempotencyKey(d.idempotencyKey())
            .setUrgent(d.urgent())
            .setCouponId(d.couponId());
    d.lines()
        .forEach(l -> b.addLines(OrderLine.newBuilder().setSku(l.sku()).setQuantity(l.quantity())));
    return b.build();
  }

  static Details details(OrderDetails p) {
    return new Details(
        p.getCustomerId(),
        p.getPickupPointId(),
        p.getWarehouseId(),
        p.getLinesList().stream().map(l -> new Line(l.getSku(), l.getQuantity())).toList(),
        p.getPlacedAtEpochMs(),
        p.getCutoffEpochMs(),
        p.getIdempotencyKey(),
        p.getUrgent(),
        p.getCouponId());
  }

  static byte[] stateBytes(State s) {
    return snapshot(s).toByteArray();
  }

  static State stateFrom(byte[] bytes) throws InvalidProtocolBufferException {
    return state(bytes);
  }

  static OrderSnapshot snapshot(State s) {
    var b =
        OrderSnapshot.newBuilder()
            .setStatus(s.status().name())
            .setStatusValue(status(s.status()))
            .setReason(s.reason())
            .addAllReservedSkus(s.reservedSkus())
            .addAllReleasedSkus(s.releasedSkus())
            .setHandedToDispatch(s.handedToDispatch())
            .setVehicleId(s.vehicleId())
            .addAllCommittedSkus(s.committedSkus())
            .putAllUnitPricesFen(s.unitPricesFen())
            .setDiscountFen(s.discountFen())
            .setCouponReturned(s.couponReturned());
    if (s.details() != null) b.setDetails(details(s.details()));
    return b.build();
  }

  private static State state(byte[] bytes) throws InvalidProtocolBufferException {
    return state(OrderSnapshot.parseFrom(bytes));
  }

  static State state(OrderSnapshot p) {
    return new State(
        status(p.getStatusValue(), p.getStatus()),
        p.hasDetails() ? details(p.getDetails()) : null,
        new LinkedHashSet<>(p.getReservedSkusList()),
        new LinkedHashSet<>(p.getReleasedSkusList()),
        p.getReason(),
        p.getHandedToDispatch(),
        p.getVehicleId(),
        new LinkedHashSet<>(p.getCommittedSkusList()),
        p.getUnitPricesFenMap(),
        p.getDiscountFen(),
        p.getCouponReturned());
  }

  static OrderStatus status(Status s) {
    return switch (s) {
      case NEW -> OrderStatus.ORDER_STATUS_NEW;
      case PLACING -> OrderStatus.ORDER_STATUS_PLACING;
      case CONFIRMED -> OrderStatus.ORDER_STATUS_CONFIRMED;
      case REJECTED -> OrderStatus.ORDER_STATUS_REJECTED;
      case CANCELLING -> OrderStatus.ORDER_STATUS_CANCELLING;
      case CANCELLED -> OrderStatus.ORDER_STATUS_CANCELLED;
      case WAVED -> OrderStatus.ORDER_STATUS_WAVED;
      case OUT_FOR_DELIVERY -> OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY;
      case AT_PICKUP_POINT -> OrderStatus.ORDER_STATUS_AT_PICKUP_POINT;
    };
  }

  /** The enum when the writer set it; the string of events written before it existed. */
  static Status status(OrderStatus value, String written) {
    return switch (value) {
      case ORDER_STATUS_NEW -> Status.NEW;
      case ORDER_STATUS_PLACING -> Status.PLACING;
      case ORDER_STATUS_CONFIRMED -> Status.CONFIRMED;
      case ORDER_STATUS_REJECTED -> Status.REJECTED;
      case ORDER_STATUS_CANCELLING -> Status.CANCELLING;
      case ORDER_STATUS_CANCELLED -> Status.CANCELLED;
      case ORDER_STATUS_WAVED -> Status.WAVED;
      case ORDER_STATUS_OUT_FOR_DELIVERY -> Status.OUT_FOR_DELIVERY;
      case ORDER_STATUS_AT_PICKUP_POINT -> Status.AT_PICKUP_POINT;
      case ORDER_STATUS_UNSPECIFIED, UNRECOGNIZED -> Status.valueOf(written);
    };
  }
}
