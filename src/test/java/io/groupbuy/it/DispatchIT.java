package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.sim.ApiClient;
import io.groupbuy.sim.DriverClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery end to end on a real node, Cassandra and WebSocket clients: orders placed, cutoff,
 * routes pushed to the connected drivers, a jam reported by one driver moves its late stops to the
 * idle vehicle and both drivers get the new versions; customers see the ETA on their order; refused
 * tokens and bad frames.
 */
class DispatchIT {
  static final String REGION = "wh-dispatch-it";

  /** Vehicles of the access and input tests live here, away from the routing test's plan. */
  static final String OTHER_REGION = "wh-dispatch-it-2";

  static final double DEPOT_LAT = 29.56;
  static final double DEPOT_LNG = 106.55;
  static final Duration WAIT = Duration.ofSeconds(20);
  private static NodeProcess node;
  private static ApiClient api;
  private static final String OP = ItSupport.OPERATOR;

  @BeforeAll
  static void start() {
    node =
        NodeProcess.start(
            "n1", TestCassandra.shared(), ItSupport.uniqueKeyspace("it_dispatch"), null, Map.of());
    api = node.client();
    assertEquals(
        200,
        api.call(
                "PUT",
                "/catalog/skus",
                OP,
                new SkuList(List.of(new Sku("rice", "rice 5kg", "staples", 20))))
            .status());
    List<PickupPoint> points = new ArrayList<>();
    for (int i = 1; i <= 4; i++) { // 1.5 to 4 km north-east of the warehouse
      points.add(
          new PickupPoint(
              "pp-d" + i,
              "point " + i,
              "Chongqing",
              DEPOT_LAT + 0.008 * i,
              DEPOT_LNG + 0.006 * i,
              REGION));
    }
    assertEquals(
        200, api.call("PUT", "/catalog/pickup-points", OP, new PickupPointList(points)).status());
    var r =
        api.call(
            "POST",
            "/inventory/" + REGION + "/rice/receipts",
            OP,
            Map.of("receiptId", "rcpt-dispatch-it", "quantity", 500));
    assertEquals(200, r.status(), r.raw());
    var region =
        api.call(
            "PUT",
            "/regions/" + REGION,
            OP,
            Map.of(
                "depotLat",
                DEPOT_LAT,
                "depotLng",
                DEPOT_LNG,
                "speedKmh",
                30,
                "serviceSeconds",
                300));
    assertEquals(200, region.status(), region.raw());
    assertEquals(
        200,
        api.call(
                "PUT",
                "/regions/" + OTHER_REGION,
                OP,
                Map.of("depotLat", DEPOT_LAT, "depotLng", DEPOT_LNG))
            .status());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  static String register(String vehicleId, String driverId) {
    return register(OTHER_REGION, vehicleId, driverId);
  }

  static String register(String region, String vehicleId, String driverId) {
    var r =
        api.call(
            "POST",
            "/regions/" + region + "/vehicles",
            OP,
            Map.of("vehicleId", vehicleId, "driverId", driverId, "capacity", 100));
    assertEquals(201, r.status(), r.raw());
    return r.body().path("driverToken").asText();
  }

  static List<String> stopIds(JsonNode route) {
    List<String> ids = new ArrayList<>();
    route.path("stops").forEach(s -> ids.add(s.path("stopId").asText()));
    return ids;
  }

  @Test
  void aJamMovesLateStopsToTheIdleVehicleAndBothDriversGetTheirNewRoutes() throws Exception {
    String t1 = register(REGION, "truck-1", "driver-1");
    String t2 = register(REGION, "truck-2", "driver-2");
    // two customers' orders at each of the four pickup points
    Map<String, String> orderOfPoint = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      for (int c = 1; c <= 2; c++) {
        String customer = ItSupport.customer("cust-" + i + "-" + c);
        var placed =
            api.call(
                "POST",
                "/orders",
                customer,
                Map.of(
                    "idempotencyKey",
                    "k-" + i + "-" + c,
                    "pickupPointId",
                    "pp-d" + i,
                    "lines",
                    List.of(Map.of("sku", "rice", "quantity", 2))));
        assertEquals(201, placed.status(), placed.raw());
        orderOfPoint.put("pp-d" + i, placed.body().path("orderId").asText());
      }
    }
    awaitPlan(p -> p.path("undispatchedOrders").asInt() == 8, "all 8 orders reach dispatch");

    try (DriverClient d1 = DriverClient.connect(node.url(), "truck-1", t1);
        DriverClient d2 = DriverClient.connect(node.url(), "truck-2", t2)) {
      assertEquals(
          0,
          d1.next("route", WAIT).path("version").asLong(),
          "the current (empty) route on connect");
      assertEquals(0, d2.next("route", WAIT).path("version").asLong());

      long now = System.currentTimeMillis();
      var cutoff =
          api.call(
              "POST",
              "/regions/" + REGION + "/cutoff",
              OP,
              Map.of(
                  "cutoffId",
                  "it-day-1",
                  "departAt",
                  now,
                  "windowStart",
                  now,
                  "windowEnd",
                  now + 3_600_000L));
      assertEquals(200, cutoff.status(), cutoff.raw());
      assertEquals(0, cutoff.body().path("droppedStopIds").size(), cutoff.raw());
      // pickup points this close fit one vehicle: one driver gets them all, the other stays idle
      JsonNode busyVehicle = null;
      for (JsonNode v : cutoff.body().path("vehicles")) {
        if (v.path("stops").size() == 4) busyVehicle = v;
      }
      assertNotNull(busyVehicle, "one vehicle takes all four stops: " + cutoff.raw());
      boolean firstBusy = busyVehicle.path("vehicleId").asText().equals("truck-1");
      DriverClient busy = firstBusy ? d1 : d2;
      DriverClient idle = firstBusy ? d2 : d1;
      String idleId = firstBusy ? "truck-2" : "truck-1";
      JsonNode route = busy.next("route", WAIT);
      assertNotNull(route, "the busy driver receives the route");
      long version = route.path("version").asLong();
      List<String> stops = stopIds(route);
      assertEquals(4, stops.size());

      // the order shows its vehicle and ETA
      JsonNode order = awaitOrder(orderOfPoint.get(stops.get(3)), o -> o.has("delivery"));
      assertEquals("WAVED", order.path("status").asText());
      assertEquals(
          busyVehicle.path("vehicleId").asText(),
          order.path("delivery").path("vehicleId").asText());

      busy.send(Map.of("type", "ack", "version", version, "id", "a1"));
      assertEquals("a1", busy.next("ok", WAIT).path("id").asText());
      busy.send(Map.of("type", "departedDepot", "id", "dep"));
      assertNotNull(busy.next(f -> f.path("id").asText().equals("dep"), WAIT));
      busy.send(
          Map.of(
              "type",
              "gps",
              "lat",
              DEPOT_LAT + 0.004,
              "lng",
              DEPOT_LNG + 0.003,
              "speedKmh",
              25,
              "at",
              System.currentTimeMillis()));
      // stuck for two hours: every stop after the first will be more than 30 minutes late
      busy.send(
          Map.of(
              "type",
              "incident",
              "kind",
              "JAM",
              "delayMinutes",
              120,
              "note",
              "accident",
              "id",
              "jam"));
      JsonNode jamOk = busy.next(f -> f.path("id").asText().equals("jam"), WAIT);
      assertEquals("ok", jamOk.path("type").asText(), jamOk.toString());

      JsonNode idleRoute =
          idle.next(
              f -> f.path("type").asText().equals("route") && f.path("version").asLong() > 0, WAIT);
      assertNotNull(idleRoute, "the idle driver receives the late stops");
      JsonNode busyRoute =
          busy.next(
              f -> f.path("type").asText().equals("route") && f.path("version").asLong() > version,
              WAIT);
      assertNotNull(busyRoute, "the jammed driver receives its shortened route");
      assertEquals(
          List.of(stops.get(0)),
          stopIds(busyRoute),
          "the jammed vehicle keeps the stop it is heading to");
      Set<String> moved = new HashSet<>(stopIds(idleRoute));
      assertEquals(new HashSet<>(stops.subList(1, 4)), moved);
      assertTrue(idleRoute.path("reason").asText().contains("delay"), idleRoute.toString());

      // the customer at a moved stop sees the new vehicle and an ETA inside the window
      JsonNode rerouted =
          awaitOrder(
              orderOfPoint.get(stops.get(3)),
              o -> idleId.equals(o.path("delivery").path("vehicleId").asText()));
      assertEquals("WAVED", rerouted.path("status").asText());
      assertTrue(
          rerouted.path("delivery").path("etaEpochMs").asLong() < now + 3_600_000L,
          rerouted.toString());
      // the customer at the kept stop waits for the jammed vehicle, already out for delivery
      JsonNode kept =
          awaitOrder(
              orderOfPoint.get(stops.get(0)),
              o -> "OUT_FOR_DELIVERY".equals(o.path("status").asText()));
      assertTrue(kept.path("delivery").path("late").asBoolean(), kept.toString());

      // the idle driver acknowledges; its vehicle records it
      idle.send(Map.of("type", "ack", "version", idleRoute.path("version").asLong(), "id", "a2"));
      assertNotNull(idle.next("ok", WAIT));
      var vehicle = api.call("GET", "/vehicles/" + idleId, OP, null);
      assertEquals(
          idleRoute.path("version").asLong(),
          vehicle.body().path("ackedVersion").asLong(),
          vehicle.raw());
    }
  }

  @Test
  void refusedTokensNeverGetASocket() {
    String token = register("truck-9", "driver-9");
    String other = register("truck-8", "driver-8");
    assertEquals(
        401,
        assertThrows(
                DriverClient.Refused.class,
                () -> DriverClient.connect(node.url(), "truck-9", "not-a-token"))
            .status);
    assertEquals(
        403,
        assertThrows(
                DriverClient.Refused.class,
                () -> DriverClient.connect(node.url(), "truck-9", ItSupport.customer("mallory")))
            .status);
    assertEquals(
        403,
        assertThrows(
                DriverClient.Refused.class,
                () -> DriverClient.connect(node.url(), "truck-9", other))
            .status,
        "driver-8 cannot drive truck-9");
    assertEquals(
        404,
        assertThrows(
                DriverClient.Refused.class,
                () -> DriverClient.connect(node.url(), "no-such-truck", token))
            .status);
    // a driver reads only its own vehicle over HTTP
    assertEquals(200, api.call("GET", "/vehicles/truck-9", token, null).status());
    assertEquals(404, api.call("GET", "/vehicles/truck-9", other, null).status());
  }

  @Test
  void badFramesGetErrorFramesAndRepeatedAbuseClosesTheSocket() throws Exception {
    String token = register("truck-7", "driver-7");
    try (DriverClient d = DriverClient.connect(node.url(), "truck-7", token)) {
      assertNotNull(d.next("route", WAIT));
      d.sendRaw("this is not json");
      assertEquals("malformed-json", d.next("error", WAIT).path("code").asText());
      d.send(
          Map.of(
              "type",
              "gps",
              "lat",
              123.0,
              "lng",
              106.5,
              "at",
              System.currentTimeMillis(),
              "id",
              "g1"));
      JsonNode range = d.next("error", WAIT);
      assertEquals("out-of-range", range.path("code").asText());
      assertEquals("g1", range.path("id").asText());
      d.send(Map.of("type", "ping", "id", "p")); // a good frame resets the count
      assertEquals("pong", d.next("ok", WAIT).path("status").asText());
      d.send(
          Map.of(
              "type",
              "gps",
              "lat",
              29.56,
              "lng",
              106.55,
              "at",
              System.currentTimeMillis(),
              "id",
              "g2"));
      JsonNode accepted = d.next("ok", WAIT);
      assertEquals("g2", accepted.path("id").asText(), "a good GPS frame's id is echoed");
      assertEquals("accepted", accepted.path("status").asText());
      d.send(Map.of("type", "arrived", "stopId", "nowhere", "id", "s1"));
      assertEquals("invalid", d.next("error", WAIT).path("code").asText());
      d.sendRaw("{\"type\":\"teleport\"}");
      assertEquals("unknown-type", d.next("error", WAIT).path("code").asText());
      d.sendRaw("x".repeat(20_000));
      assertEquals("frame-too-large", d.next("error", WAIT).path("code").asText());
      for (int i = 0; i < 5; i++) d.sendRaw("{");
      assertNotNull(d.next(f -> "too-many-bad-frames".equals(f.path("code").asText()), WAIT));
      int code = d.closed().get(20, TimeUnit.SECONDS);
      assertEquals(1008, code, "closed by the server for a policy violation");
    }
    // the node keeps serving other drivers
    try (DriverClient again = DriverClient.connect(node.url(), "truck-7", token)) {
      assertNotNull(again.next("route", WAIT));
    }
  }

  @Test
  void gpsBatchesDropAndCountWhatIsWrong() {
    register("truck-6", "driver-6");
    long now = System.currentTimeMillis();
    var r =
        api.call(
            "POST",
            "/gps",
            OP,
            Map.of(
                "fixes",
                List.of(
                    Map.of(
                        "vehicleId",
                        "truck-6",
                        "lat",
                        29.57,
                        "lng",
                        106.56,
                        "speedKmh",
                        20,
                        "at",
                        now),
                    Map.of(
                        "vehicleId",
                        "truck-6",
                        "lat",
                        29.57,
                        "lng",
                        106.56,
                        "speedKmh",
                        20,
                        "at",
                        now),
                    Map.of("vehicleId", "truck-6", "lat", 95.0, "lng", 106.56, "at", now + 1),
                    Map.of(
                        "vehicleId",
                        "truck-6",
                        "lat",
                        29.57,
                        "lng",
                        106.56,
                        "at",
                        now + 3_600_000L),
                    Map.of(
                        "vehicleId",
                        "truck-6",
                        "lat",
                        29.57,
                        "lng",
                        106.56,
                        "at",
                        now - 86_400_000L))));
    assertEquals(200, r.status(), r.raw());
    assertEquals(1, r.body().path("accepted").asInt(), r.raw());
    assertEquals(1, r.body().path("dropped").path("duplicate").asInt(), r.raw());
    assertEquals(1, r.body().path("dropped").path("out-of-range").asInt(), r.raw());
    assertEquals(1, r.body().path("dropped").path("future").asInt(), r.raw());
    assertEquals(1, r.body().path("dropped").path("stale").asInt(), r.raw());
    awaitTrue(
        () ->
            api.call("GET", "/vehicles/truck-6", OP, null)
                    .body()
                    .path("lastFix")
                    .path("atMs")
                    .asLong()
                == now,
        "the accepted fix reaches the vehicle");
    var bad = api.call("POST", "/gps", ItSupport.customer("eve"), Map.of("fixes", List.of()));
    assertEquals(403, bad.status());
  }

  static JsonNode awaitPlan(Predicate<JsonNode> ok, String what) {
    JsonNode[] last = {null};
    awaitTrue(
        () -> {
          last[0] = api.call("GET", "/regions/" + REGION + "/plan", OP, null).body();
          return ok.test(last[0]);
        },
        what);
    return last[0];
  }

  static JsonNode awaitOrder(String orderId, Predicate<JsonNode> ok) {
    JsonNode[] last = {null};
    awaitTrue(
        () -> {
          last[0] = api.call("GET", "/orders/" + orderId, OP, null).body();
          return ok.test(last[0]);
        },
        "order " + orderId);
    return last[0];
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    awaitTrue(condition, what, WAIT);
  }

  static void awaitTrue(BooleanSupplier condition, String what, Duration wait) {
    long deadline = System.currentTimeMillis() + wait.toMillis();
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline)
        throw new AssertionError("timed out waiting: " + what);
      NodeProcess.sleep(200);
    }
  }
}
