package io.groupbuy.inventory;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.inventory.ProductInventory.Bounds;
import io.groupbuy.inventory.ProductInventory.BoundsSet;
import io.groupbuy.inventory.ProductInventory.DayReviewed;
import io.groupbuy.inventory.ProductInventory.Price;
import io.groupbuy.inventory.ProductInventory.PriceSet;
import io.groupbuy.inventory.ProductInventory.PromotionSuggested;
import io.groupbuy.inventory.ProductInventory.ReplenishmentRequested;
import io.groupbuy.inventory.ProductInventory.ReservationCommitted;
import io.groupbuy.inventory.ProductInventory.ReservationReleased;
import io.groupbuy.inventory.ProductInventory.Review;
import io.groupbuy.inventory.ProductInventory.StockReceived;
import io.groupbuy.inventory.ProductInventory.StockReserved;
import io.groupbuy.inventory.proto.InventorySnapshot;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.platform.ProtoCodecs;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Protobuf forms of {@link ProductInventory}'s events and snapshot ({@code
 * protobuf/inventory.proto}).
 */
public final class InventoryProtobuf implements ProtoCodecs {
  /** Instantiated by the serializer from {@code groupbuy.serialization.protobuf-codecs}. */
  public InventoryProtobuf() {}

  @Override
  public List<ProtoCodec<?>> codecs() {
    return CODECS;
  }

  public static final List<ProtoCodec<?>> CODECS =
      List.of(
          ProtoCodec.of(
              StockReceived.class,
              "inventory.StockReceived",
              e ->
                  io.groupbuy.inventory.proto.StockReceived.newBuilder()
                      .setReceiptId(e.receiptId())
                      .setQuantity(e.quantity())
                      .setListPriceFen(e.listPriceFen())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.StockReceived.parseFrom(b);
                return new StockReceived(p.getReceiptId(), p.getQuantity(), p.getListPriceFen());
              }),
          ProtoCodec.of(
              PriceSet.class,
              "inventory.PriceSet",
              e ->
                  io.groupbuy.inventory.proto.PriceSet.newBuilder()
                      .setChangeId(e.changeId())
                      .setPriceFen(e.priceFen())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.PriceSet.parseFrom(b);
                return new PriceSet(p.getChangeId(), p.getPriceFen());
              }),
          ProtoCodec.of(
              StockReserved.class,
              "inventory.StockReserved",
              e ->
                  io.groupbuy.inventory.proto.StockReserved.newBuilder()
                      .setOrderId(e.orderId())
                      .setQuantity(e.quantity())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.StockReserved.parseFrom(b);
                return new StockReserved(p.getOrderId(), p.getQuantity());
              }),
          ProtoCodec.of(
              ReservationReleased.class,
              "inventory.ReservationReleased",
              e ->
                  io.groupbuy.inventory.proto.ReservationReleased.newBuilder()
                      .setOrderId(e.orderId())
                      .setQuantity(e.quantity())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.ReservationReleased.parseFrom(b);
                return new ReservationReleased(p.getOrderId(), p.getQuantity());
              }),
          ProtoCodec.of(
              ReservationCommitted.class,
              "inventory.ReservationCommitted",
              e ->
                  io.groupbuy.inventory.proto.ReservationCommitted.newBuilder()
                      .setOrderId(e.orderId())
                      .setQuantity(e.quantity())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.ReservationCommitted.parseFrom(b);
                return new ReservationCommitted(p.getOrderId(), p.getQuantity());
              }),
          ProtoCodec.of(
              BoundsSet.class,
              "inventory.BoundsSet",
              InventoryProtobuf::bounds,
              b -> {
                var p = io.groupbuy.inventory.proto.BoundsSet.parseFrom(b);
                return new BoundsSet(p.getMinStock(), p.getMaxStock(), p.getReorderPoint());
              }),
          ProtoCodec.of(
              ReplenishmentRequested.class,
              "inventory.ReplenishmentRequested",
              e ->
                  io.groupbuy.inventory.proto.ReplenishmentRequested.newBuilder()
                      .setRequestId(e.requestId())
                      .setQuantity(e.quantity())
                      .setProjectedAvailable(e.projectedAvailable())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.ReplenishmentRequested.parseFrom(b);
                return new ReplenishmentRequested(
                    p.getRequestId(), p.getQuantity(), p.getProjectedAvailable());
              }),
          ProtoCodec.of(
              DayReviewed.class,
              "inventory.DayReviewed",
              e ->
                  io.groupbuy.inventory.proto.DayReviewed.newBuilder()
                      .setDay(e.day())
                      .setSold(e.sold())
                      .setForecast(e.forecast())
                      .setAhead(e.ahead())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.DayReviewed.parseFrom(b);
                return new DayReviewed(p.getDay(), p.getSold(), p.getForecast(), p.getAhead());
              }),
          ProtoCodec.of(
              PromotionSuggested.class,
              "inventory.PromotionSuggested",
              e ->
                  io.groupbuy.inventory.proto.PromotionSuggested.newBuilder()
                      .setDay(e.day())
                      .setDiscountPercent(e.discountPercent())
                      .setValidUntil(e.validUntil())
                      .setDaysOfCover(e.daysOfCover())
                      .build(),
              b -> {
                var p = io.groupbuy.inventory.proto.PromotionSuggested.parseFrom(b);
                return new PromotionSuggested(
                    p.getDay(), p.getDiscountPercent(), p.getValidUntil(), p.getDaysOfCover());
              }),
          ProtoCodec.of(
              StockState.class,
              "inventory.Snapshot",
              InventoryProtobuf::snapshot,
              InventoryProtobuf::state));

  private static io.groupbuy.inventory.proto.BoundsSet bounds(BoundsSet e) {
    return io.groupbuy.inventory.proto.BoundsSet.newBuilder()
        .setMinStock(e.minStock())
        .setMaxStock(e.maxStock())
        .setReorderPoint(e.reorderPoint())
        .build();
  }

  private static InventorySnapshot snapshot(StockState s) {
    // closedOrders keeps insertion order in the proto list so the oldest ids are still dropped
    // first after replay
    var builder =
        InventorySnapshot.newBuilder()
            .setReceived(s.received())
            .setCommittedTotal(s.committedTotal())
            .setBounds(
                bounds(
                    new BoundsSet(
                        s.bounds().minStock(), s.bounds().maxStock(), s.bounds().reorderPoint())))
            .setOpenReplenishmentId(s.openReplenishmentId())
            .setOpenReplenishmentQuantity(s.openReplenishmentQuantity())
            .setReplenishmentCounter(s.replenishmentCounter())
            .setListPriceFen(s.price().listFen())
            .setSetPriceFen(s.price().setFen())
            .addAllPriceChangeIds(s.price().recentChanges())
            .addAllReceiptIds(s.receipts())
            .setLastReviewedDay(s.review().lastDay())
            .setAheadStreak(s.review().aheadStreak())
            .addAllRecentSold(s.review().recentSold())
            .setLastPromotionDay(s.review().lastPromotionDay())
            .setPromotionUntil(s.review().promotionUntil())
            .setPromotionPercent(s.review().promotionPercent());
    s.reserved()
        .forEach(
            (order, qty) ->
                builder.addReserved(
                    io.groupbuy.inventory.proto.StockReserved.newBuilder()
                        .setOrderId(order)
                        .setQuantity(qty)));
    s.closedOrders()
        .forEach(
            (order, outcome) ->
                builder.addClosedOrders(
                    InventorySnapshot.ClosedOrder.newBuilder()
                        .setOrderId(order)
                        .setOutcome(outcome)));
    return builder.build();
  }

  private static StockState state(byte[] bytes) throws InvalidProtocolBufferException {
    InventorySnapshot p = InventorySnapshot.parseFrom(bytes);
    Map<String, Integer> reserved = new LinkedHashMap<>();
    p.getReservedList().forEach(r -> reserved.put(r.getOrderId(), r.getQuantity()));
    Map<String, String> closed = new LinkedHashMap<>();
    p.getClosedOrdersList().forEach(c -> closed.put(c.getOrderId(), c.getOutcome()));
    var b = p.getBounds();
    return StockState.of(
        p.getReceived(),
        p.getCommittedTotal(),
        reserved,
        closed,
        new LinkedHashSet<>(p.getReceiptIdsList()),
        new Bounds(b.getMinStock(), b.getMaxStock(), b.getReorderPoint()),
        p.getOpenReplenishmentId(),
        p.getOpenReplenishmentQuantity(),
        p.getReplenishmentCounter(),
        new Price(p.getListPriceFen(), p.getSetPriceFen(), p.getPriceChangeIdsList()),
        new Review(
            p.getLastReviewedDay(),
            p.getAheadStreak(),
            List.copyOf(p.getRecentSoldList()),
            p.getLastPromotionDay(),
            p.getPromotionUntil(),
            p.getPromotionPercent()));
  }
}
