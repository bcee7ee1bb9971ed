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
