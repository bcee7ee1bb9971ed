package io.groupbuy.purchasing;

import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import io.groupbuy.purchasing.PurchaseOrders.Line;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseClosed;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseOrder;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseRaised;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseReceived;
import io.groupbuy.purchasing.PurchaseOrders.Status;
import io.groupbuy.purchasing.proto.PurchaseLine;
import io.groupbuy.purchasing.proto.PurchasingSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf forms of {@link PurchaseOrders}' events and snapshot ({@code
 * protobuf/purchasing.proto}).
 */
public final class PurchasingProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public PurchasingProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              PurchaseRaised.class,
              "purchasing.PurchaseRaised",
              e ->
                  io.groupbuy.purchasing.proto.PurchaseRaised.newBuilder()
                      .setDeliveryDate(e.deliveryDate())
                      .setPoId(e.poId())
                      .setRaisedAtEpochMs(e.raisedAtEpochMs())
                      .addAllLines(e.lines().stream().map(PurchasingProtobuf::line).toList())
                      .build(),
              b -> {
                var p = io.groupbuy.purchasing.proto.PurchaseRaised.parseFrom(b);
                return new PurchaseRaised(
                    p.getDeliveryDate(),
                    p.getPoId(),
                    p.getRaisedAtEpochMs(),
                    p.getLinesList().stream().map(PurchasingProtobuf::line).toList());
              }),
          ProtoCodec.of(
              PurchaseReceived.class,
              "purchasing.PurchaseReceived",
              e ->
                  io.groupbuy.purchasing.proto.PurchaseReceived.newBuilder()
                      .setPoId(e.poId())
                      .setReceiptId(e.receiptId())
                      .putAllQuantities(e.quantities())
                      .build(),
              b -> {
                var p = io.groupbuy.purchasing.proto.PurchaseReceived.parseFrom(b);
                return new PurchaseReceived(p.getPoId(), p.getReceiptId(), p.getQuantitiesMap());
              }),
          ProtoCodec.of(
              PurchaseClosed.class,
              "purchasing.PurchaseClosed",
              e ->
                  io.groupbuy.purchasing.proto.PurchaseClosed.newBuilder()
                      .setPoId(e.poId())
                      .setReason(e.reason())
                      .setComplete(e.complete())
                      .build(),
              b -> {
                var p = io.groupbuy.purchasing.proto.PurchaseClosed.parseFrom(b);
                return new PurchaseClosed(p.getPoId(), p.getReason(), p.getComplete());
              }),
          ProtoCodec.of(
              PurchaseBook.class,
              "purchasing.PurchasingSnapshot",
              PurchasingProtobuf::snapshot,
              b -> book(PurchasingSnapshot.parseFrom(b))));

  private static PurchaseLine line(Line l) {
    return PurchaseLine.newBuilder()
        .setSku(l.sku())
        .setOrdered(l.ordered())
        .setReceived(l.received())
        .setConfirmed(l.confirmed())
        .setLateExpected(l.lateExpected())
        .setLateSafety(l.lateSafety())
        .setLossAllowance(l.lossAllowance())
        .setAvailable(l.available())
        .setOnOrder(l.onOrder())
        .build();
  }

  private static Line line(PurchaseLine p) {
    return new Line(
        p.getSku(),
        p.getOrdered(),
        p.getReceived(),
        p.getConfirmed(),
        p.getLateExpected(),
        p.getLateSafety(),
        p.getLossAllowance(),
        p.getAvailable(),
        p.getOnOrder());
  }

  private static PurchasingSnapshot snapshot(PurchaseBook book) {
    var b = PurchasingSnapshot.newBuilder();
    for (PurchaseOrder o : book.orders())
      b.addOrders(
          io.groupbuy.purchasing.proto.PurchaseOrder.newBuilder()
              .setPoId(o.poId())
              .setDeliveryDate(o.deliveryDate())
              .setRaisedAtEpochMs(o.raisedAtEpochMs())
              .addAllLines(o.lines().stream().map(PurchasingProtobuf::line).toList())
              .addAllReceipts(
                  o.receipts().stream()
                      .map(
                          r ->
                              io.groupbuy.purchasing.proto.PurchaseReceived.newBuilder()
                                  .setPoId(o.poId())
                                  .setReceiptId(r.receiptId())
                                  .putAllQuantities(r.quantities())
                                  .build())
                      .toList())
              .setStatus(o.status().name())
              .setCloseReason(o.closeReason()));
    for (var c : book.cutoffs().entrySet())
      b.addCutoffs(
          PurchasingSnapshot.Cutoff.newBuilder().setDeliveryDate(c.getKey()).setPoId(c.getValue()));
    return b.build();
  }

  private static PurchaseBook book(PurchasingSnapshot s) {
    List<PurchaseOrder> orders =
        s.getOrdersList().stream()
            .map(
                o ->
                    new PurchaseOrder(
                        o.getPoId(),
                        o.getDeliveryDate(),
                        o.getRaisedAtEpochMs(),
                        Status.valueOf(o.getStatus()),
                        o.getCloseReason(),
                        o.getLinesList().stream().map(PurchasingProtobuf::line).toList(),
                        o.getReceiptsList().stream()
                            .map(
                                r ->
                                    new PurchaseOrders.Receipt(
                                        r.getReceiptId(), r.getQuantitiesMap()))
                            .toList()))
            .toList();
    Map<String, String> cutoffs = new LinkedHashMap<>();
    for (var c : s.getCutoffsList()) cutoffs.put(c.getDeliveryDate(), c.getPoId());
    return new PurchaseBook(orders, cutoffs);
  }
}
