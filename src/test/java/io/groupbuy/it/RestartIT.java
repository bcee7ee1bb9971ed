package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stop everything (node and Cassandra), start again on the same Cassandra data: orders and stock
 * recover exactly, including entities that recover from a snapshot plus later events.
 */
class RestartIT {

  @Test
  void allStateRecoversAfterAFullRestart() {
    Path data = Path.of("target", "it-cassandra", "restart").toAbsolutePath();
    TestCassandra.deleteRecursively(data);
    String keyspace = ItSupport.uniqueKeyspace("it_restart");
    List<String> skus = List.of("busy-sku", "quiet-sku");
    Map<String, String> tokens = new LinkedHashMap<>();
    Map<String, String> ordersBefore = new LinkedHashMap<>();
    Map<String, String> stockBefore = new LinkedHashMap<>();

    CassandraLauncher.Node cassandra = TestCassandra.startIn(data);
    try (NodeProcess node = NodeProcess.start("before", cassandra, keyspace, null, Map.of())) {
      ApiClient api = node.client();
      ItSupport.loadCatalog(api, skus);
      ItSupport.receive(api, "busy-sku", 120);
      ItSupport.receive(api, "quiet-sku", 10);
      // more than 100 events on busy-sku: its recovery starts from a snapshot
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 140; i++) {
        String customer = "r" + i;
        tokens.put(customer, ItSupport.customer(customer));
        String sku = i % 10 == 0 ? "quiet-sku" : "busy-sku";
        var r = api.call("POST", "/orders", tokens.get(customer), ItSupport.order("k" + i, sku, 1));
        JsonNode order = r.status() == 201 ? r.body() : r.body().path("order");
        ids.add(customer + "|" + order.path("orderId").asText());
      }
      for (int i = 0; i < 140; i += 7) { // cancel some confirmed orders
        String[] c = ids.get(i).split("\\|");
        api.call("POST", "/orders/" + c[1] + "/cancel", tokens.get(c[0]), null);
      }
      for (String id : ids) {
        String orderId = id.split("\\|")[1];
        ordersBefore.put(
            orderId, api.call("GET", "/orders/" + orderId, ItSupport.OPERATOR, null).raw());
      }
      for (String sku : skus) stockBefore.put(sku, ItSupport.stock(api, sku).toString());
    }
    try (var session =
        CqlSession.builder()
            // driver defaults only: application.conf's contact points must not be merged in
            .withConfigLoader(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()))
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.cqlPort()))
            .withLocalDatacenter("datacenter1")
            .build()) {
      long snapshots =
          session
              .execute(
                  "SELECT count(*) FROM "
                      + keyspace
                      + "_snapshot.snapshots "
                      + "WHERE persistence_id = 'ProductInventory|busy-sku@"
                      + ItSupport.WAREHOUSE
                      + "'")
              .one()
              .getLong(0);
      assertEquals(true, snapshots > 0, "busy-sku has a snapshot to recover from");
    }
    cassandra.close();

    CassandraLauncher.Node again = TestCassandra.startIn(data);
    try (NodeProcess node = NodeProcess.start("after", again, keyspace, null, Map.of())) {
      ApiClient api = node.client();
      for (var e : ordersBefore.entrySet()) {
        assertEquals(
            e.getValue(), api.call("GET", "/orders/" + e.getKey(), ItSupport.OPERATOR, null).raw());
      }
      for (String sku : skus)
        assertEquals(stockBefore.get(sku), ItSupport.stock(api, sku).toString());
      // and the recovered node keeps working on the recovered state
      JsonNode quiet = ItSupport.stock(api, "quiet-sku");
      var more =
          api.call(
              "POST",
              "/orders",
              ItSupport.customer("late"),
              ItSupport.order("late-1", "quiet-sku", 1));
      assertEquals(quiet.path("available").asInt() > 0 ? 201 : 409, more.status(), more.raw());
    } finally {
      again.close();
    }
  }
}
