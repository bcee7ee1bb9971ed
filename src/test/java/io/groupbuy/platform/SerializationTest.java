package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.dispatch.DispatchRegion;
import io.groupbuy.dispatch.RegionState;
import io.groupbuy.dispatch.RouteStop;
import io.groupbuy.dispatch.Vehicle;
import io.groupbuy.dispatch.VehicleState;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.StockState;
import io.groupbuy.order.Order;
import io.groupbuy.order.OrderLedger;
import io.groupbuy.purchasing.PurchaseBook;
import io.groupbuy.purchasing.PurchaseOrders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every persisted type and every cluster message round-trips through the serializer the
 * configuration binds it to: protobuf for events and snapshots, Jackson CBOR for commands and
 * replies. Java serialization is off.
 */
class SerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(testKit.system()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object value) {
    var serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    String manifest = Serializers.manifestFor(serializer, value);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  static final Order.Details DETAILS =
      new Order.Details(
          "c1",
          "pp-1",
          "wh-1",
          List.of(new Order.Line("apple", 2), new Order.Line("pear", 1)),
          1L,
          2L,
          "key-1");

  static final RouteStop STOP =
      new RouteStop("pp", 30.21, 120.11, 3, 1000, 2000, 300, List.of("o1"), 1500);
  static final List<Object> PERSISTED =
      List.of(
          new ProductInventory.StockReceived("r1", 10),
          new ProductInventory.StockReceived("r2", 10, 1290),
          new ProductInventory.PriceSet("c1", 1590),
          new ProductInventory.StockReserved("o1", 2),
          new ProductInventory.ReservationReleased("o1", 2),
          new ProductInventory.ReservationCommitted("o2", 3),
          new ProductInventory.BoundsSet(1, 100, 20),
          new ProductInventory.ReplenishmentRequested("apple@wh#r1", 80, 19),
          new ProductInventory.DayReviewed("2026-12-01", 42, 30.5, true),
          new ProductInventory.PromotionSuggested("2026-12-01", 20, "2026-12-03", 12.5),
          StockState.of(
              10,
              3,
              new LinkedHashMap<>(Map.of("o3", 1)),
              new LinkedHashMap<>(Map.of("o1", "released", "o2", "committed")),
              new LinkedHashSet<>(Set.of("r1")),
              new ProductInventory.Bounds(1, 100, 20),
              "apple@wh#r1",
              80,
              1,
              new ProductInventory.Price(1290, 1590, List.of("c0", "c1")),
              new ProductInventory.Review(
                  "2026-12-01", 2, List.of(3, 5, 8), "2026-11-20", "2026-11-22", 20)),
          StockState.EMPTY,
          new Order.OrderPlaced(DETAILS),
          new Order.OrderPlaced(
              new Order.Details("c1", "pp-1", "wh-1", DETAILS.lines(), 1L, 2L, "key-2", true)),
          new Order.OrderPlaced(
              new Order.Details(
                  "c1", "pp-1", "wh-1", DETAILS.lines(), 1L, 2L, "key-3", false, "spring:7")),
          new Order.CouponApplied("spring:7", 1000),
          new Order.CouponReturned("spring:7"),
          new Order.LineReserved("apple"),
          new Order.LineReserved("pear", 350),
          new Order.OrderConfirmed(),
          new Order.OrderRejected("pear: sold out", "pear"),
          new Order.CancellationRequested("changed mind"),
          new Order.LineReleased("apple"),
          new Order.OrderCancelled("changed mind"),
          new Order.State(
              Order.Status.CANCELLING, DETAILS, Set.of("apple", "pear"), Set.of("apple"), "x"),
          new Order.HandedToDispatch(),
          new Order.DeliveryUpdated(Order.Status.OUT_FOR_DELIVERY, "v1", "pp"),
          new Order.LineCommitted("apple"),
          new Order.State(
              Order.Status.OUT_FOR_DELIVERY,
              DETAILS,
              Set.of("apple"),
              Set.of(),
              "",
              true,
              "v1",
              Set.of("apple"),
              Map.of("apple", 1290L),
              500,
              true),
          Order.State.EMPTY,
          new OrderLedger.Entry("o1", new Order.OrderPlaced(DETAILS), null),
          new OrderLedger.Entry("o1", new Order.OrderConfirmed(), DETAILS),
          new OrderLedger.Entry("o1", new Order.OrderConfirmed(), DETAILS, 2580L),
          new OrderLedger.Entry("o1", new Order.OrderConfirmed(), DETAILS, 1580L, 1000),
          new OrderLedger.OrdersArchived(List.of("o1", "o3")),
          new OrderLedger.OrderRestored(
              "o1",
              new Order.State(
                  Order.Status.CONFIRMED, DETAILS, Set.of("apple", "pear"), Set.of(), "")),
          OrderLedger.State.of(
              java.util.Map.of(
                  "o1",
                  new Order.State(Order.Status.PLACING, DETAILS, Set.of("apple"), Set.of(), ""),
                  "o2",
                  new Order.State(Order.Status.PLACING, DETAILS, Set.of(), Set.of(), ""))),
          new Vehicle.VehicleRegistered("d1", 100, "r1", 30.2, 120.1),
          new Vehicle.RouteAssigned(3, "r1", List.of(STOP), 42),
          new Vehicle.RouteAcknowledged(3),
          new Vehicle.StopReported(Vehicle.StopEventKind.ARRIVED, "pp", 43),
          new Vehicle.TrackSampled(new Vehicle.Fix(30.2, 120.1, 25.5, 44)),
          new Vehicle.IncidentReported(Vehicle.IncidentKind.JAM, 40, "accident", 45),
          new Vehicle.DelayPredicted("pp", 3, 46, 1800),
          new VehicleState(
              "d1",
              100,
              "r1",
              30.2,
              120.1,
              Vehicle.Status.EN_ROUTE,
              3,
              List.of(STOP),
              Map.of("pp", new Vehicle.Progress(43, 0)),
              2,
              new Vehicle.Fix(30.2, 120.1, 25.5, 44),
              Vehicle.IncidentKind.JAM,
              99),
          VehicleState.EMPTY,
          new DispatchRegion.RegionConfigured(30.2, 120.1, 30, 300),
          new DispatchRegion.OrderAdded("o1", "pp", 30.21, 120.11, 3),
          new DispatchRegion.OrderAdded("o2", "pp", 30.21, 120.11, 3, true),
          new DispatchRegion.OrderRemoved("o1", "cancelled"),
          new DispatchRegion.VehicleJoined("v1", 100),
          new DispatchRegion.PlanCommitted(
              2,
              List.of(new DispatchRegion.VehiclePlan("v1", 2, List.of(STOP), 1)),
              List.of("pp-9"),
              "delay",
              47,
              "day-1"),
          new DispatchRegion.StopServed("pp", "v1"),
          new DispatchRegion.VehicleUnavailable("v2", "breakdown"),
          new RegionState(
              new DispatchRegion.RegionConfigured(30.2, 120.1, 30, 300),
              Map.of(
                  "o1",
                  new RegionState.RegionOrder("o1", "pp", 30.21, 120.11, 3, true, true),
                  "o-6f1c1a52-3b51-3c7e-9a3e-0d6a5e2f4b11",
                  new RegionState.RegionOrder(
                      "o-6f1c1a52-3b51-3c7e-9a3e-0d6a5e2f4b11",
                      "pp-2",
                      30.3,
                      120.2,
                      2,
                      true,
                      false)),
              Map.of("v1", 100),
              new DispatchRegion.PlanCommitted(
                  1,
                  List.of(
                      new DispatchRegion.VehiclePlan(
                          "v1",
                          1,
                          List.of(
                              STOP.withOrderIds(
                                  List.of(
                                      "o-6f1c1a52-3b51-3c7e-9a3e-0d6a5e2f4b11",
                                      "o1",
                                      "delivered-elsewhere",
                                      "o-00000000-0000-4000-8000-000000000001"))),
                          1)),
                  List.of(),
                  "cutoff",
                  1,
                  "day-1"),
              Set.of(new RegionState.ServedStop("v1", "pp")),
              Set.of("v2"),
              Set.of("day-1")),
          RegionState.EMPTY,
          new PurchaseOrders.PurchaseRaised("2026-12-08", "PO-W1-20261208", 7, List.of(poLine())),
          new PurchaseOrders.PurchaseRaised("2026-12-09", "", 8, List.of()),
          new PurchaseOrders.PurchaseReceived("PO-W1-20261208", "r1", Map.of("cabbage", 5L)),
          new PurchaseOrders.PurchaseClosed("PO-W1-20261208", "supplier short", false),
          new PurchaseBook(
              List.of(
                  new PurchaseOrders.PurchaseOrder(
                      "PO-W1-20261208",
                      "2026-12-08",
                      7,
                      PurchaseOrders.Status.CLOSED_SHORT,
                      "supplier short",
                      List.of(poLine()),
                      List.of(new PurchaseOrders.Receipt("r1", Map.of("cabbage", 5L))))),
              Map.of("2026-12-08", "PO-W1-20261208", "2026-12-09", "")));

  private static PurchaseOrders.Line poLine() {
    return new PurchaseOrders.Line("cabbage", 12, 5, 9, 2, 1, 1, 1, 0);
  }

  @Test
  void eventsAndSnapshotsRoundTripAsProtobuf() {
    for (Object value : PERSISTED) {
      assertEquals(
          ProtobufEventSerializer.class,
          serialization.findSerializerFor(value).getClass(),
          value.getClass().getName());
      assertEquals(value, roundTrip(value));
    }
  }

  /** Journals written when a ledger archived one order per event still replay. */
  @Test
  void anArchiveEventOfOneOrderReadsAsAListOfOne() {
    var serializer = serialization.findSerializerFor(new OrderLedger.OrdersArchived(List.of()));
    // field 1, length-delimited, "o1": as the single-string message wrote it
    byte[] written = {0x0A, 0x02, 'o', '1'};
    assertEquals(
        new OrderLedger.OrdersArchived(List.of("o1")),
        serialization
            .deserialize(
                written,
                serializer.identifier(),
                Serializers.manifestFor(serializer, new OrderLedger.OrdersArchived(List.of("o2"))))
            .get());
  }

  @Test
  void clusterMessagesRoundTripAsCbor() {
    TestProbe<StatusReply<ProductInventory.Stock>> stockProbe = testKit.createTestProbe();
    TestProbe<StatusReply<Order.Summary>> orderProbe = testKit.createTestProbe();
    TestProbe<ProductInventory.Stock> plainStock = testKit.createTestProbe();
    List<Object> messages =
        List.of(
            new ProductInventory.ReceiveStock("r1", 5, 990, stockProbe.getRef()),
            new ProductInventory.Reserve("o1", 2, stockProbe.getRef()),
            new ProductInventory.Release("o1", stockProbe.getRef()),
            new ProductInventory.Commit("o1", stockProbe.getRef()),
            new ProductInventory.SetBounds(1, 2, 1, stockProbe.getRef()),
            new ProductInventory.ReviewDay("2026-12-01", 4, 3.5, stockProbe.getRef()),
            new ProductInventory.GetStock(plainStock.getRef()),
            new PurchaseOrders.RaiseAtCutoff(
                "2026-12-08",
                7,
                List.of(poLine()),
                testKit.<StatusReply<PurchaseOrders.CutoffOutcome>>createTestProbe().getRef()),
            new PurchaseOrders.Receive(
                "PO-W1-20261208",
                "r1",
                Map.of("cabbage", 5L),
                testKit.<StatusReply<PurchaseOrders.PurchaseOrder>>createTestProbe().getRef()),
            new PurchaseOrders.Close(
                "PO-W1-20261208",
                "short",
                testKit.<StatusReply<PurchaseOrders.PurchaseOrder>>createTestProbe().getRef()),
            new PurchaseOrders.GetBook(testKit.<PurchaseOrders.Summary>createTestProbe().getRef()),
            new PurchaseOrders.CutoffOutcome("W1", "2026-12-08", true, "PO-W1-20261208", null),
            new ProductInventory.Stock(
                "apple",
                "wh",
                1290,
                ProductInventory.PriceSource.OPERATOR,
                990,
                1,
                1,
                0,
                0,
                1,
                0,
                0,
                0,
                0,
                "2026-12-01",
                2,
                "2026-12-03",
                15),
            new Order.Place(DETAILS, orderProbe.getRef()),
            new Order.Get("c1", orderProbe.getRef()),
            new OrderLedger.ToOrder("o1", new Order.Get("c1", orderProbe.getRef())),
            new OrderLedger.ToOrder("o1", new Order.Place(DETAILS, orderProbe.getRef())),
            new Order.Cancel("c1", "why", orderProbe.getRef()),
            new Order.Summary(
                "o1",
                "c1",
                "pp",
                "wh",
                List.of(new Order.PricedLine("apple", 2, 1290, 2580)),
                2580,
                "spring:7",
                500,
                2080,
                Order.Status.CONFIRMED,
                "",
                1,
                2,
                "v1",
                true),
            new Order.UpdateDelivery(
                Order.Status.WAVED,
                "v1",
                "pp",
                testKit.<StatusReply<Done>>createTestProbe().getRef()),
            new Vehicle.AssignRoute(
                "r1",
                2,
                List.of(STOP),
                "delay",
                testKit.<StatusReply<Long>>createTestProbe().getRef()),
            new Vehicle.Gps(new Vehicle.Fix(30.2, 120.1, 25.5, 44)),
            new Vehicle.RoutePush(
                "v1",
                2,
                "delay",
                List.of(
                    new Vehicle.StopView(
                        "pp", 30.2, 120.1, 3, 1, 2, List.of("o1"), 3, 4, 0, "PENDING"))),
            new DispatchRegion.VehicleUpdate(
                "v1",
                Vehicle.Status.EN_ROUTE,
                2,
                30.2,
                120.1,
                50,
                List.of("pp"),
                1,
                Map.of("pp", 60L),
                "pp",
                1800),
            new DispatchRegion.AddOrder(
                "o1", "pp", 30.2, 120.1, 3, testKit.<StatusReply<Done>>createTestProbe().getRef()));
    for (Object message : messages) {
      assertEquals("jackson-cbor", serializerName(message), message.getClass().getName());
      assertEquals(message, roundTrip(message));
    }
  }

  @Test
  void refusalsCrossNodesAsTheirTypeNotAsText() {
    List<DomainError> errors =
        List.of(
            new DomainError.NotFound("no order o-1"),
            new DomainError.NotFound("no pickup point pp-9", "pickupPointId"),
            new DomainError.Conflict("order is already out for delivery"),
            new DomainError.Invalid("quantity must be > 0", "quantity"),
            new DomainError.Rejected("sold out: 0 available, 2 requested"));
    for (DomainError error : errors) {
      StatusReply<Done> reply = DomainError.reply(error);
      Object back = roundTrip(reply);
      StatusReply<?> received = (StatusReply<?>) back;
      assertEquals(error, Refusals.of(received), error::toString);
      assertEquals(error.message(), received.getError().getMessage());
    }
    DomainError.Failure failure = new DomainError.Rejected("sold out").failure();
    assertEquals(
        ProtobufEventSerializer.IDENTIFIER, serialization.findSerializerFor(failure).identifier());
  }

  @Test
  void javaSerializationIsOff() {
    assertThrows(
        Exception.class, () -> serialization.serialize(new ArrayList<>(List.of("x"))).get());
  }

  private static String serializerName(Object o) {
    return o instanceof CborSerializable
            && serialization
                .findSerializerFor(o)
                .getClass()
                .getSimpleName()
                .equals("JacksonCborSerializer")
        ? "jackson-cbor"
        : serialization.findSerializerFor(o).getClass().getSimpleName();
  }
}
