package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.http.Auth;
import io.groupbuy.sim.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tokens, a small test catalog and stock helpers, all through the public API. */
public final class ItSupport {
  public static final String WAREHOUSE = "wh-it";
  public static final String PICKUP_POINT = "pp-it-1";
  public static final Auth AUTH =
      new Auth(
          ConfigFactory.load().getString("groupbuy.auth.secret"),
          ConfigFactory.load().getString("groupbuy.auth.issuer"));
  public static final String OPERATOR =
      AUTH.issue("it-operator", Auth.Role.OPERATOR, Duration.ofHours(2));

  private ItSupport() {}

  public static String customer(String id) {
    return AUTH.issue(id, Auth.Role.CUSTOMER, Duration.ofHours(2));
  }

  public static String uniqueKeyspace(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /**
   * A driver session on the shared test Cassandra (driver defaults only), for tests that write what
   * no API can, such as past days of a read model.
   */
  public static com.datastax.oss.driver.api.core.CqlSession cql() {
    var cassandra = TestCassandra.shared();
    return com.datastax.oss.driver.api.core.CqlSession.builder()
        .withConfigLoader(
            com.datastax.oss.driver.api.core.config.DriverConfigLoader.fromMap(
                com.datastax.oss.driver.api.core.config.OptionsMap.driverDefaults()))
        .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.cqlPort()))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  /**
   * Writes {@code units[d]} confirmed units of {@code sku} at the test warehouse for each of the
   * {@code units.length} days before today (Asia/Shanghai), into the node's demand read model, as
   * its projection writes them (a row per order).
   */
  public static void writePastDemand(
      com.datastax.oss.driver.api.core.CqlSession cql, String keyspace, String sku, int[] units) {
    var insert =
        cql.prepare(
            "INSERT INTO "
                + keyspace
                + ".daily_demand (warehouse_id, day, sku, order_id, quantity) VALUES (?, ?, ?, ?, ?)");
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
    for (int d = 0; d < units.length; d++) {
      java.time.LocalDate day = today.minusDays(units.length - d);
      cql.execute(insert.bind(WAREHOUSE, day.toString(), sku, "past-" + d, units[d]));
    }
  }

  public static void loadCatalog(ApiClient api, List<String> skus) {
    var skuList = skus.stream().map(s -> new Sku(s, "test item " + s, "test", 1.5)).toList();
    assertEquals(200, api.call("PUT", "/catalog/skus", OPERATOR, new SkuList(skuList)).status());
    var points =
        List.of(
            new PickupPoint(PICKUP_POINT, "test point", "Testcity", 29.5, 106.5, WAREHOUSE),
            new PickupPoint("pp-it-2", "second point", "Testcity", 29.6, 106.6, WAREHOUSE));
    assertEquals(
        200,
        api.call("PUT", "/catalog/pickup-points", OPERATOR, new PickupPointList(points)).status());
  }

  public static JsonNode receive(ApiClient api, String sku, int quantity) {
    var r =
        api.call(
            "POST",
            "/inventory/" + WAREHOUSE + "/" + sku + "/receipts",
            OPERATOR,
            Map.of("receiptId", "rcpt-" + UUID.randomUUID(), "quantity", quantity));
    assertEquals(200, r.status(), r.raw());
    return r.body();
  }

  public static JsonNode stock(ApiClient api, String sku) {
    var r = api.call("GET", "/inventory/" + WAREHOUSE + "/" + sku, OPERATOR, null);
    assertEquals(200, r.status(), r.raw());
    return r.body();
  }

  public static Map<String, Object> order(String key, String sku, int quantity) {
    return Map.of(
        "idempotencyKey",
        key,
        "pickupPointId",
        PICKUP_POINT,
        "lines",
        List.of(Map.of("sku", sku, "quantity", quantity)));
  }
}
