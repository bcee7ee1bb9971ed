package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.groupbuy.http.ApiDescription;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.UuidV7;
import io.groupbuy.sim.ApiClient;
import io.groupbuy.sim.LoadCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every bad input and access case of the public API gets its 4xx with a JSON error, and the node
 * keeps serving.
 */
class ApiIT {
  private static NodeProcess node;
  private static ApiClient api;
  private static final String ALICE = ItSupport.customer("alice");
  private static final String BOB = ItSupport.customer("bob");

  @BeforeAll
  static void start() {
    node =
        NodeProcess.start(
            "n1", TestCassandra.shared(), ItSupport.uniqueKeyspace("it_api"), null, Map.of());
    api = node.client();
    ItSupport.loadCatalog(api, List.of("apple", "pear", "plum"));
    ItSupport.receive(api, "apple", 100);
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  /** Sends raw bytes with a chosen content type, for bodies the JSON client would never produce. */
  private static ApiClient.Reply raw(
      String method, String path, String token, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.url() + path))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    try {
      json = JsonSupport.MAPPER.readTree(r.body());
    } catch (Exception notJson) {
      // asserted below
    }
    return new ApiClient.Reply(r.statusCode(), json, r.body());
  }

  private static void assertError(ApiClient.Reply r, int status, String code, String field) {
    assertEquals(status, r.status(), r.raw());
    assertTrue(r.body() != null && r.body().has("message"), "JSON error body expected: " + r.raw());
    assertEquals(code, r.body().path("code").asText(), r.raw());
    if (field != null) assertEquals(field, r.body().path("field").asText(), r.raw());
    assertFalse(r.body().path("message").asText().isBlank());
  }

  private static void assertStillServing() {
    var ok =
        api.call(
            "POST", "/orders", ALICE, ItSupport.order("alive-" + System.nanoTime(), "apple", 1));
    assertEquals(201, ok.status(), ok.raw());
  }

  @Test
  void malformedJsonIs400() throws Exception {
    assertError(
        raw("POST", "/orders", ALICE, "application/json", "{\"pickupPointId\": ".getBytes()),
        400,
        "malformed-json",
        null);
    assertError(
        raw(
            "POST",
            "/orders",
            ALICE,
            "application/json",
            "{\"pickupPointId\":\"pp-it-1\",\"lines\":[{\"sku\":\"apple\",\"quantity\":\"two\"}]}"
                .getBytes()),
        400,
        "malformed-json",
        "lines[0].quantity");
    // a number sent as a string is a type error, not coerced
    assertError(
        raw(
            "POST",
            "/orders",
            ALICE,
            "application/json",
            ("{\"idempotencyKey\":\"s1\",\"pickupPointId\":"
                    + "\"pp-it-1\",\"lines\":[{\"sku\":\"apple\",\"quantity\":\"2\"}]}")
                .getBytes()),
        400,
        "malformed-json",
        "lines[0].quantity");
    // a 100 KB header is refused before routing, in the same JSON error shape
    assertError(
        raw("POST", "/orders", "x".repeat(100_000), "application/json", "{}".getBytes()),
        431,
        "headers-too-large",
        "headers");
    assertError(
        raw(
            "POST",
            "/orders",
            ALICE,
            "application/json",
            ("{\"idempotencyKey\":\"u9\",\"pickupPointId\":"
                    + "\"pp-it-1\",\"urgent\":\"soon\",\"lines\":[{\"sku\":\"apple\",\"quantity\":1}]}")
                .getBytes()),
        400,
        "malformed-json",
        "urgent");
    var urgent =
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of(
                "idempotencyKey",
                "urgent-1",
                "pickupPointId",
                "pp-it-1",
                "urgent",
                true,
                "lines",
                List.of(Map.of("sku", "apple", "quantity", 1))));
    assertEquals(201, urgent.status(), urgent.raw());
    assertTrue(urgent.body().path("urgent").asBoolean(), urgent.raw());
    assertError(
        raw(
            "POST",
            "/orders",
            ALICE,
            "application/json",
            "{\"pickupPointId\":\"pp-it-1\",\"lines\":[],\"colour\":\"red\"}".getBytes()),
        400,
        "malformed-json",
        "colour");
    assertError(
        raw("POST", "/orders", ALICE, "application/json", new byte[0]),
        400,
        "malformed-json",
        null);
    assertError(
        raw("POST", "/orders", ALICE, "application/json", "null".getBytes()),
        400,
        "malformed-json",
        null);
    assertError(
        raw("POST", "/orders", ALICE, "application/json", "[1,2]".getBytes()),
        400,
        "malformed-json",
        null);
    assertError(
        raw("PUT", "/catalog/skus", ItSupport.OPERATOR, "application/json", "null".getBytes()),
        400,
        "malformed-json",
        null);
    assertStillServing();
  }

  @Test
  void missingFieldsAre400() {
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of("lines", List.of(Map.of("sku", "apple", "quantity", 1)))),
        400,
        "missing-field",
        "pickupPointId");
    assertError(
        api.call("POST", "/orders", ALICE, Map.of("pickupPointId", "pp-it-1", "lines", List.of())),
        400,
        "missing-field",
        "lines");
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of("pickupPointId", "pp-it-1", "lines", List.of(Map.of("sku", "apple")))),
        400,
        "missing-field",
        "lines[0].quantity");
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of(
                "pickupPointId",
                "pp-it-1",
                "lines",
                List.of(Map.of("sku", "apple", "quantity", 1)))),
        400,
        "missing-field",
        "idempotencyKey");
  }

  @Test
  void unknownIdsAre422or404() {
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of(
                "idempotencyKey",
                "u1",
                "pickupPointId",
                "pp-nowhere",
                "lines",
                List.of(Map.of("sku", "apple", "quantity", 1)))),
        422,
        "unknown-pickup-point",
        "pickupPointId");
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of(
                "idempotencyKey",
                "u2",
                "pickupPointId",
                "pp-it-1",
                "lines",
                List.of(
                    Map.of("sku", "apple", "quantity", 1),
                    Map.of("sku", "durian", "quantity", 1)))),
        422,
        "unknown-sku",
        "lines[1].sku");
    assertError(api.call("GET", "/orders/o-does-not-exist", ALICE, null), 404, "not-found", null);
    assertError(
        api.call("GET", "/orders/o-00000000-0000-3000-8000-000000000000", ALICE, null),
        404,
        "not-found",
        null);
    assertError(
        api.call("GET", "/inventory/" + ItSupport.WAREHOUSE + "/durian", ItSupport.OPERATOR, null),
        404,
        "unknown-sku",
        "sku");
    assertError(
        api.call("GET", "/inventory/wh-atlantis/apple", ItSupport.OPERATOR, null),
        404,
        "unknown-warehouse",
        "warehouseId");
    assertError(api.call("GET", "/no/such/thing", null, null), 404, "no-such-route", null);
  }

  @Test
  void quantitiesOutOfRangeAre422() {
    for (int q : new int[] {0, -5, 1001, Integer.MAX_VALUE}) {
      assertError(
          api.call("POST", "/orders", ALICE, ItSupport.order("q" + q, "apple", q)),
          422,
          "invalid-quantity",
          "lines[0].quantity");
    }
    assertError(
        api.call(
            "POST",
            "/inventory/" + ItSupport.WAREHOUSE + "/apple/receipts",
            ItSupport.OPERATOR,
            Map.of("receiptId", "r-neg", "quantity", -1)),
        422,
        "invalid-quantity",
        "quantity");
    assertError(
        api.call(
            "PUT",
            "/inventory/" + ItSupport.WAREHOUSE + "/apple/bounds",
            ItSupport.OPERATOR,
            Map.of("minStock", 10, "maxStock", 5, "reorderPoint", 1)),
        422,
        "invalid-bounds",
        "minStock");
    assertError(
        api.call(
            "PUT",
            "/inventory/" + ItSupport.WAREHOUSE + "/apple/bounds",
            ItSupport.OPERATOR,
            Map.of("minStock", 1, "maxStock", 5, "reorderPoint", 9)),
        422,
        "invalid-bounds",
        "reorderPoint");
    assertError(
        api.call(
            "PUT",
            "/catalog/pickup-points",
            ItSupport.OPERATOR,
            Map.of(
                "pickupPoints",
                List.of(
                    Map.of(
                        "id",
                        "pp-x",
                        "name",
                        "x",
                        "city",
                        "x",
                        "lat",
                        91.0,
                        "lng",
                        10.0,
                        "warehouseId",
                        "wh-x")))),
        422,
        "invalid-coordinate",
        "pickupPoints[0].lat");
    assertError(
        api.call(
            "POST",
            "/orders",
            ALICE,
            Map.of(
                "pickupPointId",
                "pp-it-1",
                "lines",
                List.of(
                    Map.of("sku", "apple", "quantity", 1), Map.of("sku", "apple", "quantity", 2)))),
        422,
        "duplicate-sku",
        "lines[1].sku");
    assertStillServing();
  }

  @Test
  void oversizedBodyIs413AndWrongContentTypeIs415() throws Exception {
    byte[] big = ("{\"pickupPointId\":\"" + "x".repeat(70_000) + "\"}").getBytes();
    assertError(
        raw("POST", "/orders", ALICE, "application/json", big), 413, "payload-too-large", null);
    assertError(
        raw("POST", "/orders", ALICE, "text/plain", "{}".getBytes()),
        415,
        "unsupported-content-type",
        "Content-Type");
    assertError(
        raw("POST", "/orders", ALICE, "application/x-protobuf", new byte[] {8, 1, 16, 2}),
        415,
        "unsupported-content-type",
        "Content-Type");
    assertStillServing();
  }

  @Test
  void credentialsAreChecked() throws Exception {
    var body = ItSupport.order("auth-1", "apple", 1);
    assertError(
        api.call("POST", "/orders", null, body), 401, "missing-credentials", "Authorization");
    assertError(
        api.call("POST", "/orders", "not-a-jwt", body),
        401,
        "invalid-credentials",
        "Authorization");
    Auth forged = new Auth("another-secret-that-is-at-least-32-chars", "groupbuy");
    assertError(
        api.call(
            "POST",
            "/orders",
            forged.issue("alice", Auth.Role.CUSTOMER, Duration.ofHours(1)),
            body),
        401,
        "invalid-credentials",
        "Authorization");
    String expired = ItSupport.AUTH.issue("alice", Auth.Role.CUSTOMER, Duration.ofSeconds(-60));
    assertError(
        api.call("POST", "/orders", expired, body), 401, "invalid-credentials", "Authorization");
    String neverExpires =
        JWT.create()
            .withIssuer("groupbuy")
            .withSubject("alice")
            .withClaim("role", "customer")
            .sign(Algorithm.HMAC256(ConfigFactory.load().getString("groupbuy.auth.secret")));
    assertError(
        api.call("POST", "/orders", neverExpires, body),
        401,
        "invalid-credentials",
        "Authorization");
    // operator-only endpoints
    assertError(
        api.call(
            "POST",
            "/inventory/" + ItSupport.WAREHOUSE + "/apple/receipts",
            ALICE,
            Map.of("receiptId", "r1", "quantity", 5)),
        403,
        "forbidden",
        "Authorization");
    assertError(
        api.call(
            "PUT",
            "/inventory/" + ItSupport.WAREHOUSE + "/apple/bounds",
            ALICE,
            Map.of("minStock", 1, "maxStock", 5, "reorderPoint", 1)),
        403,
        "forbidden",
        "Authorization");
    assertError(
        api.call(
            "PUT",
            "/catalog/skus",
            ALICE,
            Map.of("skus", List.of(Map.of("sku", "x", "name", "x", "category", "x", "cost", 1.0)))),
        403,
        "forbidden",
        "Authorization");
    assertError(
        api.call("GET", "/inventory/" + ItSupport.WAREHOUSE + "/apple", null, null),
        401,
        "missing-credentials",
        "Authorization");
    // customers see and cancel only their own orders
    var placed = api.call("POST", "/orders", ALICE, body);
    assertEquals(201, placed.status(), placed.raw());
    String orderId = placed.body().path("orderId").asText();
    assertError(api.call("GET", "/orders/" + orderId, BOB, null), 404, "not-found", null);
    String driverNamedAlice = ItSupport.AUTH.issue("alice", Auth.Role.DRIVER, Duration.ofHours(1));
    assertError(
        api.call("GET", "/orders/" + orderId, driverNamedAlice, null),
        403,
        "forbidden",
        "Authorization");
    assertError(
        api.call("POST", "/orders/" + orderId + "/cancel", driverNamedAlice, null),
        403,
        "forbidden",
        "Authorization");
    assertError(
        api.call("POST", "/orders/" + orderId + "/cancel", BOB, null), 404, "not-found", null);
    assertEquals(
        "CONFIRMED",
        api.call("GET", "/orders/" + orderId, ALICE, null).body().path("status").asText());
    assertEquals(
        "CONFIRMED",
        api.call("GET", "/orders/" + orderId, ItSupport.OPERATOR, null)
            .body()
            .path("status")
            .asText());
    var cancelled =
        api.call("POST", "/orders/" + orderId + "/cancel", ALICE, Map.of("reason", "wrong item"));
    assertEquals(200, cancelled.status(), cancelled.raw());
    assertEquals("CANCELLED", cancelled.body().path("status").asText());
    assertStillServing();
  }

  @Test
  void timeOrderedKeysAreIdempotentAndOneDatedFarAheadIs400() {
    ItSupport.receive(api, "apple", 10);
    int before = ItSupport.stock(api, "apple").path("available").asInt();
    String fresh = UuidV7.random(); // the look-up of the order table is skipped for this one
    var first = api.call("POST", "/orders", BOB, ItSupport.order(fresh, "apple", 3));
    var retry = api.call("POST", "/orders", BOB, ItSupport.order(fresh, "apple", 3));
    assertEquals(201, first.status(), first.raw());
    assertEquals(first.raw(), retry.raw());
    assertEquals(before - 3, ItSupport.stock(api, "apple").path("available").asInt());
    String ahead = UuidV7.at(System.currentTimeMillis() + 3_600_000, new java.util.Random(5));
    assertError(
        api.call("POST", "/orders", BOB, ItSupport.order(ahead, "apple", 1)),
        400,
        "invalid",
        "idempotencyKey");
    assertEquals(before - 3, ItSupport.stock(api, "apple").path("available").asInt());
  }

  @Test
  void placementIsIdempotentAndCancellationReleasesStock() {
    int before = ItSupport.stock(api, "pear").path("available").asInt();
    ItSupport.receive(api, "pear", 10);
    var first = api.call("POST", "/orders", BOB, ItSupport.order("bob-pears", "pear", 4));
    var retry = api.call("POST", "/orders", BOB, ItSupport.order("bob-pears", "pear", 4));
    assertEquals(201, first.status(), first.raw());
    assertEquals(first.raw(), retry.raw());
    assertEquals(before + 6, ItSupport.stock(api, "pear").path("available").asInt());
    assertError(
        api.call("POST", "/orders", BOB, ItSupport.order("bob-pears", "pear", 5)),
        409,
        "conflict",
        null);
    String id = first.body().path("orderId").asText();
    assertEquals(200, api.call("POST", "/orders/" + id + "/cancel", BOB, null).status());
    assertEquals(200, api.call("POST", "/orders/" + id + "/cancel", BOB, null).status());
    assertEquals(before + 10, ItSupport.stock(api, "pear").path("available").asInt());
    // sold out: 409 with the rejected order
    var soldOut = api.call("POST", "/orders", BOB, ItSupport.order("bob-too-many", "pear", 1000));
    assertEquals(409, soldOut.status(), soldOut.raw());
    assertEquals("order-rejected", soldOut.body().path("code").asText());
    assertEquals("REJECTED", soldOut.body().path("order").path("status").asText());
    assertTrue(soldOut.body().path("message").asText().startsWith("pear: sold out"), soldOut.raw());
  }

  @Test
  void anOrderKeepsThePriceOfItsPlacement() {
    ItSupport.receive(api, "plum", 50);
    var listed = ItSupport.stock(api, "plum");
    assertEquals(195, listed.path("priceFen").asLong(), "cost 1.5 CNY x list markup 1.3");
    assertEquals("LIST", listed.path("priceSource").asText());
    String price = "/inventory/" + ItSupport.WAREHOUSE + "/plum/price";
    var set = api.call("PUT", price, ItSupport.OPERATOR, Map.of("changeId", "p1", "priceFen", 250));
    assertEquals(200, set.status(), set.raw());
    assertEquals("OPERATOR", set.body().path("priceSource").asText());

    var placed = api.call("POST", "/orders", ALICE, ItSupport.order("plum-3", "plum", 3));
    assertEquals(201, placed.status(), placed.raw());
    assertEquals(250, placed.body().path("lines").get(0).path("unitPriceFen").asLong());
    assertEquals(750, placed.body().path("lines").get(0).path("amountFen").asLong());
    assertEquals(750, placed.body().path("totalFen").asLong());

    // a later change, and the first one retried late: the price is the later one's
    api.call("PUT", price, ItSupport.OPERATOR, Map.of("changeId", "p2", "priceFen", 400));
    var late =
        api.call("PUT", price, ItSupport.OPERATOR, Map.of("changeId", "p1", "priceFen", 250));
    assertEquals(400, late.body().path("priceFen").asLong(), late.raw());
    // the placed order keeps its price
    String id = placed.body().path("orderId").asText();
    var read = api.call("GET", "/orders/" + id, ALICE, null);
    assertEquals(750, read.body().path("totalFen").asLong(), read.raw());
    // back to the list price
    Map<String, Object> toList = new java.util.HashMap<>();
    toList.put("changeId", "p3");
    toList.put("priceFen", null);
    var back = api.call("PUT", price, ItSupport.OPERATOR, toList);
    assertEquals(195, back.body().path("priceFen").asLong(), back.raw());

    assertError(
        api.call("PUT", price, ItSupport.OPERATOR, Map.of("changeId", "p4", "priceFen", -5)),
        422,
        "invalid-price",
        "priceFen");
    assertError(
        api.call("PUT", price, ItSupport.OPERATOR, Map.of("priceFen", 100)),
        400,
        "missing-field",
        "changeId");
    assertEquals(
        403, api.call("PUT", price, ALICE, Map.of("changeId", "p5", "priceFen", 1)).status());
    assertStillServing();
  }

  @Test
  void replenishmentIsRequestedUnderTheReorderPoint() {
    ItSupport.receive(api, "pear", 20);
    int available = ItSupport.stock(api, "pear").path("available").asInt();
    var bounds =
        api.call(
            "PUT",
            "/inventory/" + ItSupport.WAREHOUSE + "/pear/bounds",
            ItSupport.OPERATOR,
            Map.of("minStock", 5, "maxStock", available + 100, "reorderPoint", available - 1));
    assertEquals(200, bounds.status(), bounds.raw());
    assertEquals(0, bounds.body().path("replenishmentOpen").asInt());
    assertEquals(
        201, api.call("POST", "/orders", ALICE, ItSupport.order("repl-1", "pear", 2)).status());
    assertEquals(102, ItSupport.stock(api, "pear").path("replenishmentOpen").asInt());
  }

  @Test
  void loadsTheRealCatalogThroughTheCommand() {
    Path data = Path.of(System.getProperty("groupbuy.data.dir", "../shared/data"));
    var loaded = LoadCatalog.load(data, api, ItSupport.OPERATOR);
    assertEquals(251, loaded.skus());
    assertTrue(loaded.costQuotes() > 251 * 60, "cost quotes: " + loaded.costQuotes());
    servesTheCostForecastOfTheLoadedPrices(data.resolve("cumcm2023c_vegetables"));
    assertTrue(loaded.pickupPoints() > 1000, "pickup points: " + loaded.pickupPoints());
    var skus = api.call("GET", "/catalog/skus", null, null).body().path("skus");
    assertTrue(skus.size() >= 251);
    var points = api.call("GET", "/catalog/pickup-points", null, null).body().path("pickupPoints");
    assertTrue(points.size() >= loaded.pickupPoints());
    JsonNode p = points.get(0);
    assertTrue(p.path("lat").asDouble() > 20 && p.path("lat").asDouble() < 50, p.toString());
  }

  /**
   * The forecast served for an item is the one its newest quotes give offline: the same quotes, the
   * same method.
   */
  private static void servesTheCostForecastOfTheLoadedPrices(Path vegetables) {
    var items =
        io.groupbuy.forecast.PriceSeries.read(
            vegetables.resolve("wholesale_prices_train.csv"),
            io.groupbuy.forecast.PriceSeries.categories(vegetables.resolve("items.csv")));
    var item = items.get(0);
    List<io.groupbuy.costs.CostQuotes.Quote> quotes = new java.util.ArrayList<>();
    LoadCatalog.newestQuotes(item, LoadCatalog.COST_QUOTES)
        .forEach((day, cost) -> quotes.add(new io.groupbuy.costs.CostQuotes.Quote(day, cost)));
    var expected =
        new io.groupbuy.costs.CostForecasts(
                (sku, limit) -> java.util.concurrent.CompletableFuture.completedFuture(quotes),
                120,
                Runnable::run)
            .forecast(item.code(), 7)
            .toCompletableFuture()
            .join()
            .orElseThrow();
    var served =
        api.call("GET", "/costs/" + item.code() + "/forecast?days=7", ItSupport.OPERATOR, null);
    assertEquals(200, served.status(), served.raw());
    assertEquals(expected.basedOnTo(), served.body().path("basedOnTo").asText());
    assertEquals(expected.model(), served.body().path("model").asText());
    assertEquals(quotes.size(), served.body().path("basedOnQuotes").asInt());
    for (int h = 0; h < 7; h++)
      assertEquals(
          expected.days().get(h).cost(),
          served.body().path("days").get(h).path("cost").asDouble(),
          1e-9,
          served.raw());
  }

  private static Map<String, Object> quotes(LocalDate from, double... costs) {
    List<Map<String, Object>> list = new java.util.ArrayList<>();
    for (int i = 0; i < costs.length; i++)
      list.add(Map.of("day", from.plusDays(i).toString(), "cost", costs[i]));
    return Map.of("quotes", list);
  }

  @Test
  void costQuotesAreKeptPerDayAndForecastFrom() {
    LocalDate from = LocalDate.of(2026, 6, 1);
    double[] costs = new double[60];
    for (int t = 0; t < costs.length; t++) costs[t] = 3 + 0.5 * ((t % 7) / 6.0);
    var body = quotes(from, costs);
    var put = api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, body);
    assertEquals(200, put.status(), put.raw());
    assertEquals(60, put.body().path("written").asInt());
    // a retried upload leaves the same quotes
    assertEquals(200, api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, body).status());
    var newest = api.call("GET", "/costs/plum/quotes?limit=5", ItSupport.OPERATOR, null);
    assertEquals(200, newest.status(), newest.raw());
    assertEquals(5, newest.body().path("quotes").size());
    assertEquals(
        from.plusDays(55).toString(), newest.body().path("quotes").get(0).path("day").asText());
    var f = api.call("GET", "/costs/plum/forecast?days=3", ItSupport.OPERATOR, null);
    assertEquals(200, f.status(), f.raw());
    assertEquals(60, f.body().path("basedOnQuotes").asInt());
    assertEquals(3, f.body().path("days").size());
    assertEquals(from.plusDays(60).toString(), f.body().path("days").get(0).path("day").asText());
    // a new quote moves the forecast on
    api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, quotes(from.plusDays(60), 7.0));
    var after = api.call("GET", "/costs/plum/forecast?days=3", ItSupport.OPERATOR, null);
    assertEquals(
        from.plusDays(61).toString(), after.body().path("days").get(0).path("day").asText());
    assertEquals(7.0, after.body().path("lastCost").asDouble());

    assertError(
        api.call("PUT", "/costs/no-such/quotes", ItSupport.OPERATOR, body),
        404,
        "not-found",
        "sku");
    assertError(
        api.call("GET", "/costs/pear/forecast", ItSupport.OPERATOR, null), 404, "no-quotes", "sku");
    assertError(api.call("PUT", "/costs/plum/quotes", ALICE, body), 403, "forbidden", null);
    assertError(
        api.call(
            "PUT",
            "/costs/plum/quotes",
            ItSupport.OPERATOR,
            Map.of("quotes", List.of(Map.of("day", "2026-13-01", "cost", 1.0)))),
        400,
        "invalid-date",
        "quotes[0]");
    assertError(
        api.call(
            "PUT", "/costs/plum/quotes", ItSupport.OPERATOR, quotes(LocalDate.of(2099, 1, 1), 1.0)),
        400,
        "invalid-date",
        "quotes[0]");
    assertError(
        api.call(
            "PUT",
            "/costs/plum/quotes",
            ItSupport.OPERATOR,
            Map.of(
                "quotes",
                List.of(
                    Map.of("day", "2026-06-01", "cost", 1.0),
                    Map.of("day", "2026-06-01", "cost", 2.0)))),
        400,
        "duplicate-day",
        "quotes[1]");
    assertError(
        api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, quotes(from, 2.0, -1.0)),
        400,
        "invalid-cost",
        "quotes[1]");
    assertError(
        api.call(
            "PUT",
            "/costs/plum/quotes",
            ItSupport.OPERATOR,
            Map.of("quotes", List.of(Map.of("day", "2026-06-01", "cost", "3.5")))),
        400,
        "malformed-json",
        null);
    assertError(
        api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, Map.of("quotes", List.of())),
        400,
        "missing-field",
        "quotes");
    assertError(
        api.call("PUT", "/costs/plum/quotes", ItSupport.OPERATOR, quotes(from, new double[1001])),
        413,
        "too-many-quotes",
        "quotes");
    assertError(
        api.call("GET", "/costs/plum/forecast?days=29", ItSupport.OPERATOR, null),
        400,
        "invalid-days",
        "days");
    assertStillServing();
  }

  @Test
  void servesOpenApiAndMetrics() {
    var doc = api.call("GET", "/openapi.yaml", null, null);
    assertEquals(200, doc.status());
    assertTrue(doc.raw().startsWith("openapi: 3"));
    assertTrue(doc.raw().contains("/orders/{orderId}/cancel"));
    var metrics = api.call("GET", "/metrics", null, null);
    assertTrue(metrics.raw().contains("groupbuy_orders_placed_total"), metrics.raw());
    assertTrue(metrics.raw().contains("groupbuy_inventory_reservation_seconds"));
    // successful requests do not count as client errors; a 404 counts once
    double before = clientErrors("404");
    for (int i = 0; i < 3; i++)
      assertEquals(200, api.call("GET", "/catalog/skus", null, null).status());
    assertEquals(before, clientErrors("404"));
    assertEquals(404, api.call("GET", "/nowhere", null, null).status());
    assertEquals(before + 1, clientErrors("404"));
  }

  /**
   * The node's own list of what it serves (every route is declared as an endpoint, see
   * ArchitectureTest) against openapi.yaml, both ways; then each endpoint is called, so a listed
   * one that no route answers fails too.
   */
  @Test
  void servesExactlyWhatTheApiDescriptionDescribes() {
    var routes = api.call("GET", "/ops/routes", ItSupport.OPERATOR, null);
    assertEquals(200, routes.status(), routes.raw());
    Set<String> served = new TreeSet<>();
    routes
        .body()
        .path("endpoints")
        .forEach(e -> served.add(e.path("method").asText() + " " + e.path("path").asText()));
    String document = api.call("GET", "/openapi.yaml", null, null).raw();
    assertEquals(
        List.of(), ApiDescription.differences(served, ApiDescription.operations(document)));
    assertTrue(served.size() >= 19, served.toString());
    for (String op : served) {
      String method = op.substring(0, op.indexOf(' '));
      String path = op.substring(op.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "probe-1");
      var r = api.call(method, path, null, null);
      assertTrue(
          r.status() != 405
              && !(r.status() == 404 && "no-such-route".equals(r.body().path("code").asText())),
          op + " is listed but not routed: " + r.status() + " " + r.raw());
    }
  }

  private static double clientErrors(String code) {
    for (String line : api.call("GET", "/metrics", null, null).raw().split("\n")) {
      if (line.startsWith("groupbuy_http_client_errors_total{code=\"" + code + "\"}")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
