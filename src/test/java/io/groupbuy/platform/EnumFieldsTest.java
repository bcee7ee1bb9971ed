package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.dispatch.Vehicle;
import io.groupbuy.dispatch.VehicleState;
import io.groupbuy.order.Order;
import io.groupbuy.order.proto.DeliveryUpdated;
import io.groupbuy.order.proto.OrderStatus;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Statuses and kinds are protobuf enums in the journal; events written before the enums existed
 * carry only a string, and still read.
 */
class EnumFieldsTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(testKit.system()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object read(byte[] bytes, String manifest) {
    return serialization.deserialize(bytes, ProtobufEventSerializer.IDENTIFIER, manifest).get();
  }

  private static byte[] write(Object value) {
    return serialization.serialize(value).get();
  }

  @Test
  void newEventsCarryTheEnum() throws Exception {
    byte[] bytes = write(new Order.DeliveryUpdated(Order.Status.AT_PICKUP_POINT, "v1", "pp"));
    DeliveryUpdated p = DeliveryUpdated.parseFrom(bytes);
    assertEquals(OrderStatus.ORDER_STATUS_AT_PICKUP_POINT, p.getStatusValue());
    var stop =
        io.groupbuy.dispatch.proto.StopEvent.parseFrom(
            write(new Vehicle.StopReported(Vehicle.StopEventKind.RETURNED, "depot", 5)));
    assertEquals(io.groupbuy.dispatch.proto.StopEventType.STOP_EVENT_TYPE_RETURNED, stop.getType());
    var incident =
        io.groupbuy.dispatch.proto.IncidentReported.parseFrom(
            write(new Vehicle.IncidentReported(Vehicle.IncidentKind.BREAKDOWN, 0, "", 5)));
    assertEquals(
        io.groupbuy.dispatch.proto.IncidentType.INCIDENT_TYPE_BREAKDOWN, incident.getType());
  }

  @Test
  void theEnumWinsOverTheString() {
    byte[] bytes =
        DeliveryUpdated.newBuilder()
            .setStatus("WAVED")
            .setStatusValue(OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY)
            .setVehicleId("v1")
            .setStopId("pp")
            .build()
            .toByteArray();
    assertEquals(
        new Order.DeliveryUpdated(Order.Status.OUT_FOR_DELIVERY, "v1", "pp"),
        read(bytes, "order.DeliveryUpdated"));
  }

  @Test
  void eventsWrittenBeforeTheEnumsStillRead() {
    byte[] delivery =
        DeliveryUpdated.newBuilder()
            .setStatus("WAVED")
            .setVehicleId("v1")
            .setStopId("pp")
            .build()
            .toByteArray();
    assertEquals(
        new Order.DeliveryUpdated(Order.Status.WAVED, "v1", "pp"),
        read(delivery, "order.DeliveryUpdated"));

    byte[] stop =
        io.groupbuy.dispatch.proto.StopEvent.newBuilder()
            .setKind("DEPARTED_DEPOT")
            .setStopId("depot")
            .setAtMs(7)
            .build()
            .toByteArray();
    assertEquals(
        new Vehicle.StopReported(Vehicle.StopEventKind.DEPARTED_DEPOT, "depot", 7),
        read(stop, "dispatch.StopEvent"));

    byte[] jam =
        io.groupbuy.dispatch.proto.IncidentReported.newBuilder()
            .setKind("JAM")
            .setDelayMinutes(30)
            .setNote("bridge closed")
            .setAtMs(9)
            .build()
            .toByteArray();
    assertEquals(
        new Vehicle.IncidentReported(Vehicle.IncidentKind.JAM, 30, "bridge closed", 9),
        read(jam, "dispatch.IncidentReported"));

    byte[] snapshot =
        io.groupbuy.dispatch.proto.VehicleSnapshot.newBuilder()
            .setDriverId("d1")
            .setCapacity(40)
            .setRegionId("wh-1")
            .setStatus("BROKEN_DOWN")
            .setIncident("BREAKDOWN")
            .build()
            .toByteArray();
    VehicleState state = (VehicleState) read(snapshot, "dispatch.VehicleSnapshot");
    assertEquals(Vehicle.Status.BROKEN_DOWN, state.status());
    assertEquals(Vehicle.IncidentKind.BREAKDOWN, state.incident());
  }
}
