package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import io.groupbuy.sim.DriverClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes: a vehicle is mid-route (route acknowledged, first stop reached) when the node
 * hosting its entity is killed with SIGKILL. The driver reconnects to another node, gets the same
 * route version with its progress back from the journal, and carries on.
 */
class DispatchClusterIT {
  static final String REGION = "wh-dispatch-cluster";
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static final String OP = ItSupport.OPERATOR;

  @BeforeAll
  static void startCluster() {
    CassandraLauncher.Node cassandra = TestCassandra.shared();
    String keyspace = ItSupport.uniqueKeyspace("it_dcluster");
    NodeProcess first = NodeProcess.start("n1", cassandra, keyspace, null, Map.of());
    nodes.add(first);
    nodes.add(NodeProcess.start("n2", cassandra, keyspace, first.remotePort, Map.of()));
    nodes.add(NodeProcess.start("n3", cassandra, keyspace, first.remotePort, Map.of()));
    ClusterIT.awaitMembers(first, 3);
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(NodeProcess::close);
  }

  /** The node whose shard region hosts a Vehicle entity (there is one vehicle in this test). */
  static NodeProcess vehicleHost() {
    for (NodeProcess n : nodes) {
      if (!n.isAlive()) continue;
      JsonNode shards =
          new ApiClient(n.managementUrl())
              .call("GET", "/cluster/shards/Vehicle", null, null)
              .body();
      for (JsonNode r : shards.path("regions")) if (r.path("numEntities").asInt() > 0) return n;
    }
    return null;
  }

  @Test
  void aDriverWhoseVehicleNodeDiesReconnectsElsewhereAndResumes() {
    ApiClient api = nodes.get(0).client();
    assertEquals(
        200,
        api.call(
                "PUT",
                "/catalog/skus",
                OP,
                new SkuList(List.of(new Sku("eggs", "eggs x30", "fresh", 12))))
            .status());
    assertEquals(
        200,
        api.call(
                "PUT",
                "/catalog/pickup-points",
                OP,
                new PickupPointList(
                    List.of(
                        new PickupPoint("pp-c1", "east gate", "Chongqing", 29.57, 106.56, REGION),
                        new PickupPoint(
                            "pp-c2", "north gate", "Chongqing", 29.58, 106.57, REGION))))
            .status());
    assertEquals(
        200,
        api.call(
                "POST",
                "/inventory/" + REGION + "/eggs/receipts",
                OP,
                Map.of("receiptId", "r-cluster", "quantity", 100))
            .status());
    assertEquals(
        200,
        api.call("PUT", "/regions/" + REGION, OP, Map.of("depotLat", 29.56, "depotLng", 106.55))
            .status());
    var registered =
        api.call(
            "POST",
            "/regions/" + REGION + "/vehicles",
            OP,
            Map.of("vehicleId", "truck-c", "driverId", "driver-c", "capacity", 50));
    assertEquals(201, registered.status(), registered.raw());
    String token = registered.body().path("driverToken").asText();
    for (String point : List.of("pp-c1", "pp-c2")) {
      var placed =
          api.call(
              "POST",
              "/orders",
              ItSupport.customer("c-" + point),
              Map.of(
                  "idempotencyKey",
                  "k-" + point,
                  "pickupPointId",
                  point,
                  "lines",
                  List.of(Map.of("sku", "eggs", "quantity", 3))));
      assertEquals(201, placed.status(), placed.raw());
    }
    DispatchIT.awaitTrue(
        () ->
            api.call("GET", "/regions/" + REGION + "/plan", OP, null)
                    .body()
                    .path("undispatchedOrders")
                    .asInt()
                == 2,
        "orders reach dispatch");

    NodeProcess host = vehicleHost();
    assertNotNull(host, "the registered vehicle lives on some node");
    long version;
    String firstStop;
    try (DriverClient driver = DriverClient.connect(host.url(), "truck-c", token)) {
      assertNotNull(driver.next("route", WAIT));
      long now = System.currentTimeMillis();
      var cutoff =
          api.call(
              "POST",
              "/regions/" + REGION + "/cutoff",
              OP,
              Map.of(
                  "cutoffId",
                  "c-1",
                  "departAt",
                  now,
                  "windowStart",
                  now,
                  "windowEnd",
                  now + 7_200_000L));
      assertEquals(200, cutoff.status(), cutoff.raw());
      JsonNode route =
          driver.next(
              f -> f.path("type").asText().equals("route") && f.path("version").asLong() > 0, WAIT);
      assertNotNull(route);
      version = route.path("version").asLong();
      firstStop = route.path("stops").get(0).path("stopId").asText();
      driver.send(Map.of("type", "ack", "version", version, "id", "a"));
      assertEquals(
          "ok", driver.next(f -> "a".equals(f.path("id").asText()), WAIT).path("type").asText());
      driver.send(Map.of("type", "departedDepot", "id", "d"));
      assertEquals(
          "ok", driver.next(f -> "d".equals(f.path("id").asText()), WAIT).path("type").asText());
      driver.send(Map.of("type", "arrived", "stopId", firstStop, "id", "s"));
      assertEquals(
          "ok", driver.next(f -> "s".equals(f.path("id").asText()), WAIT).path("type").asText());
      host.kill();
      driver.closed().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> -1).join();
    }

    NodeProcess survivor = nodes.stream().filter(NodeProcess::isAlive).findFirst().orElseThrow();
    DriverClient[] again = {null};
    DispatchIT.awaitTrue(
        () -> { // until the cluster has downed the dead node and the entity can start elsewhere
          try {
            again[0] = DriverClient.connect(survivor.url(), "truck-c", token);
            return true;
          } catch (RuntimeException stillFailingOver) {
            NodeProcess.sleep(1000);
            return false;
          }
        },
        "reconnect to a surviving node",
        Duration.ofSeconds(90));
    try (DriverClient driver = again[0]) {
      JsonNode resumed = driver.next("route", WAIT);
      assertNotNull(resumed, "the current route comes first after reconnecting");
      assertEquals(version, resumed.path("version").asLong());
      assertEquals(
          "ARRIVED", resumed.path("stops").get(0).path("progress").asText(), resumed.toString());
      driver.send(Map.of("type", "departed", "stopId", firstStop, "id", "s2"));
      assertEquals(
          "ok", driver.next(f -> "s2".equals(f.path("id").asText()), WAIT).path("type").asText());
    }
    JsonNode vehicle = survivor.client().call("GET", "/vehicles/truck-c", OP, null).body();
    assertEquals(version, vehicle.path("ackedVersion").asLong(), vehicle.toString());
    assertEquals("EN_ROUTE", vehicle.path("status").asText(), vehicle.toString());
    assertEquals(
        "DEPARTED", vehicle.path("stops").get(0).path("progress").asText(), vehicle.toString());
  }
}
