package io.groupbuy.order;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.order.OrderLedger.Entry;
import io.groupbuy.order.OrderLedger.OrderRestored;
import io.groupbuy.order.OrderLedger.OrdersArchived;
import io.groupbuy.order.OrderLedger.State;
import io.groupbuy.order.proto.LedgerEntry;
import io.groupbuy.order.proto.LedgerOrder;
import io.groupbuy.order.proto.LedgerOrderArchived;
import io.groupbuy.order.proto.LedgerOrderRestored;
import io.groupbuy.order.proto.LedgerSnapshot;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf forms of {@link OrderLedger}'s events and snapshot ({@code protobuf/order.proto}). An
 * entry carries the order event in the form it has in an order's own journal, under its manifest.
 */
public final class LedgerProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public LedgerProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  private static final Map<Class<?>, ProtoCodec<?>> BY_TYPE = new HashMap<>();
  private static final Map<String, ProtoCodec<?>> BY_MANIFEST = new HashMap<>();

  static {
    for (ProtoCodec<?> c : OrderProtobuf.CODECS) {
      BY_TYPE.put(c.type(), c);
      BY_MANIFEST.put(c.manifest(), c);
    }
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(Entry.class, "order.LedgerEntry", LedgerProtobuf::entry, b -> entry(b)),
          ProtoCodec.of(
              OrdersArchived.class,
              "order.LedgerOrderArchived",
              e -> LedgerOrderArchived.newBuilder().addAllOrderIds(e.orderIds()).build(),
              b -> new OrdersArchived(LedgerOrderArchived.parseFrom(b).getOrderIdsList())),
          ProtoCodec.of(
              OrderRestored.class,
              "order.LedgerOrderRestored",
              e ->
                  LedgerOrderRestored.newBuilder()
                      .setOrderId(e.orderId())
                      .setState(OrderProtobuf.snapshot(e.state()))
                      .build(),
              b -> {
                var p = LedgerOrderRestored.parseFrom(b);
                return new OrderRestored(p.getOrderId(), OrderProtobuf.state(p.getState()));
              }),
          ProtoCodec.of(
              State.class,
              "order.LedgerSnapshot",
              LedgerProtobuf::snapshot,
              LedgerProtobuf::state));

  @SuppressWarnings("unchecked")
  private static LedgerEntry entry(Entry e) {
    var codec = (ProtoCodec<Object>) BY_TYPE.get(e.event().getClass());
    if (codec == null) throw new IllegalArgumentException("no codec for " + e.event());
    var b =
        LedgerEntry.newBuilder()
            .setOrderId(e.orderId())
            .setManifest(codec.manifest())
            .setEvent(codec.toProto().apply(e.event()).toByteString());
    if (e.details() != null) b.setDetails(OrderProtobuf.details(e.details()));
    if (e.totalFen() != null) b.setTotalFen(e.totalFen());
    if (e.discountFen() != 0) b.setDiscountFen(e.discountFen());
    return b.build();
  }

  private static Entry entry(byte[] bytes) throws InvalidProtocolBufferException {
    LedgerEntry p = LedgerEntry.parseFrom(bytes);
    ProtoCodec<?> codec = BY_MANIFEST.get(p.getManifest());
    if (codec == null) {
      throw new InvalidProtocolBufferException("unknown order event " + p.getManifest());
    }
    Object event = codec.parser().parse(p.getEvent().toByteArray());
    return new Entry(
        p.getOrderId(),
        (Order.Event) event,
        p.hasDetails() ? OrderProtobuf.details(p.getDetails()) : null,
        p.hasTotalFen() ? p.getTotalFen() : null,
        p.getDiscountFen());
  }

  private static LedgerSnapshot snapshot(State s) {
    var b = LedgerSnapshot.newBuilder();
    s.orders()
        .forEach(
            (id, order) ->
                b.addOrders(
                    LedgerOrder.newBuilder()
                        .setOrderId(id)
                        .setState(OrderProtobuf.snapshot(order))));
    return b.build();
  }

  private static State state(byte[] bytes) throws InvalidProtocolBufferException {
    Map<String, Order.State> orders = new HashMap<>();
    for (LedgerOrder o : LedgerSnapshot.parseFrom(bytes).getOrdersList()) {
      orders.put(o.getOrderId(), OrderProtobuf.state(o.getState()));
    }
    return State.of(orders);
  }
}
