package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.StopServed;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.proto.RegionOrder;
import io.groupbuy.dispatch.proto.RegionSnapshot;
import io.groupbuy.dispatch.proto.RegionVehicleJoined;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A region with 50,000 open orders, every one on a route, must snapshot well inside one Cassandra
 * mutation: half a commitlog segment, 4 MiB with this project's 8 MiB segments.
 */
class RegionSnapshotsTest {
  static final int ORDERS = 50_000;
  static final int POINTS = 600;
  static final int VEHICLES = 60;
  static final long MUTATION_LIMIT = 4L << 20;

  @Test
  void apiOrderIdsAreRecognisedAsTheirPatternSays() {
    Pattern form =
        Pattern.compile("o-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    Random random = new Random(7);
    String alphabet = "0123456789abcdefABCDEF-ogx";
    for (int n = 0; n < 20_000; n++) {
      char[] id = ("o-" + UUID.randomUUID()).toCharArray();
      // most ids keep their form; the rest have one character changed
      if (n % 3 != 0) id[random.nextInt(id.length)] = alphabet.charAt(random.nextInt(26));
      String candidate = n % 97 == 0 ? new String(id).substring(1) : new String(id);
      assertEquals(
          form.matcher(candidate).matches(), RegionSnapshots.isApiOrderId(candidate), candidate);
    }
    assertFalse(RegionSnapshots.isApiOrderId("o-1"));
    assertTrue(RegionSnapshots.isApiOrderId("o-" + new UUID(0, 0)));
  }

  @Test
  void fiftyThousandOpenOrdersSnapshotWellUnderOneMutation() throws Exception {
    RegionState s = region(ORDERS);
    byte[] bytes = RegionSnapshots.write(s).toByteArray();
    System.out.printf(
        "[dispatch] region snapshot with %,d open orders at %d pickup points on %d routes: %,d"
            + " bytes (%.1f%% of the %,d-byte mutation limit; %.1f bytes per order)%n",
        ORDERS,
        POINTS,
        VEHICLES,
        bytes.length,
        100.0 * bytes.length / MUTATION_LIMIT,
        MUTATION_LIMIT,
        (double) bytes.length / ORDERS);
    assertTrue(bytes.length < MUTATION_LIMIT / 2, bytes.length + " bytes");
    assertEquals(s, RegionSnapshots.read(bytes));
  }

  @Test
  void ordersOfOtherIdFormsAndDeliveredOrdersRoundTrip() throws Exception {
    RegionState s =
        RegionState.EMPTY
            .apply(new VehicleJoined("v1", 10))
            .apply(new OrderAdded("legacy-7", "pp", 30.3, 120.2, 1))
            .apply(new OrderAdded("o-" + UUID.randomUUID(), "pp", 30.3, 120.2, 1, true))
            .apply(new OrderAdded("o-NOT-A-UUID", "pp", 30.3, 120.2, 1))
            .apply(new OrderAdded("o-9", "pp-b", 30.4, 120.2, 1));
    List<String> atPp = List.copyOf(s.orders().keySet()).subList(0, 3);
    s =
        s.apply(
                new PlanCommitted(
                    1,
                    List.of(
                        new VehiclePlan(
                            "v1",
                            1,
                            List.of(
                                new RouteStop("pp", 30.3, 120.2, 3, 0, 9, 60, atPp, 4),
                                new RouteStop("pp-b", 30.4, 120.2, 1, 0, 9, 60, List.of("o-9"), 5)),
                            1)),
                    List.of(),
                    "cutoff",
                    0,
                    "c"))
            .apply(new StopServed("pp", "v1"));
    assertEquals(1, s.orders().size());
    assertEquals(s, RegionSnapshots.read(RegionSnapshots.write(s).toByteArray()));
  }

  @Test
  void snapshotsOfTheFirstFormAreStillRead() throws Exception {
    var stop =
        io.groupbuy.dispatch.proto.RouteStop.newBuilder()
            .setStopId("pp")
            .setUnits(2)
            .addOrderIds("o1")
            .addOrderIds("o2");
    byte[] first =
        RegionSnapshot.newBuilder()
            .addOrders(
                RegionOrder.newBuilder()
                    .setOrderId("o2")
                    .setPickupPointId("pp")
                    .setUnits(1)
                    .setDispatched(true))
            .addVehicles(RegionVehicleJoined.newBuilder().setVehicleId("v1").setCapacity(10))
            .setPlan(
                io.groupbuy.dispatch.proto.PlanCommitted.newBuilder()
                    .setPlanVersion(3)
                    .setCutoffId("day-1")
                    .addVehicles(
                        io.groupbuy.dispatch.proto.VehiclePlan.newBuilder()
                            .setVehicleId("v1")
                            .setRouteVersion(3)
                            .addStops(stop)))
            .addServedStopIds("pp")
            .addCutoffIds("day-1")
            .build()
            .toByteArray();
    RegionState s = RegionSnapshots.readFirstForm(first);
    assertEquals(3, s.planVersion());
    assertTrue(s.isServed("v1", "pp"));
    assertEquals(List.of("o1", "o2"), s.planOf("v1").stops().get(0).orderIds());
    assertTrue(s.isOpen("o2"));
  }

  /** Orders with the API's ids, spread over pickup points, every point on one vehicle's route. */
  static RegionState region(int orders) {
    Random random = new Random(7);
    RegionState s = RegionState.EMPTY.apply(new RegionConfigured(30.25, 120.15, 30, 300));
    for (int v = 0; v < VEHICLES; v++) s = s.apply(new VehicleJoined("van-" + v, 1_000));
    List<List<String>> byPoint = new ArrayList<>();
    for (int p = 0; p < POINTS; p++) byPoint.add(new ArrayList<>());
    for (int i = 0; i < orders; i++) {
      int p = random.nextInt(POINTS);
      String id =
          "o-"
              + UUID.nameUUIDFromBytes(
                  ("customer-" + i + "\nkey").getBytes(StandardCharsets.UTF_8));
      byPoint.get(p).add(id);
      s =
          s.apply(
              new OrderAdded(
                  id, "pp-" + p, 30 + p * 0.001, 120 + p * 0.001, 1 + random.nextInt(5)));
    }
    List<List<RouteStop>> routes = new ArrayList<>();
    for (int v = 0; v < VEHICLES; v++) routes.add(new ArrayList<>());
    for (int p = 0; p < POINTS; p++) {
      routes
          .get(p % VEHICLES)
          .add(
              new RouteStop(
                  "pp-" + p,
                  30 + p * 0.001,
                  120 + p * 0.001,
                  byPoint.get(p).size() * 3,
                  1_700_000_000_000L,
                  1_700_007_200_000L,
                  300,
                  byPoint.get(p),
                  1_700_000_600_000L + p));
    }
    List<VehiclePlan> plans = new ArrayList<>();
    for (int v = 0; v < VEHICLES; v++) plans.add(new VehiclePlan("van-" + v, 1, routes.get(v), 1));
    return s.apply(new PlanCommitted(1, plans, List.of(), "cutoff day-1", 0, "day-1"));
  }
}
