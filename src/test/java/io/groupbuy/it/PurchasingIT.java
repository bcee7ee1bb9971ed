package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.sim.ApiClient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Purchase by sales on a three-node cluster: customers order, the cutoff for their delivery date
 * raises one purchase order made of the confirmed orders, the forecast of the orders still to come
 * and the loss allowance, less free stock. Replays of the cutoff, at once from both nodes and after
 * each node in turn is killed and restarted, raise nothing more and answer the same order; goods
 * received close it and reach the inventory once; bad requests get 4xx with their reason.
 */
class PurchasingIT {
  private static final String KEYSPACE = ItSupport.uniqueKeyspace("it_purchasing");
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final double LOSS_RATE = 0.10;
  private static final Map<String, String> SETTINGS =
      Map.of(
          // the scheduled cutoff stays out of the way: the test runs its cutoff itself
          "groupbuy.purchasing.cutoff.interval", "1h", "groupbuy.purchasing.loss-rate", "0.10");
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void oneOrderPerCutoffThatSurvivesKillsAndClosesOnReceipt() throws Exception {
    NodeProcess n1 = NodeProcess.start("n1", TestCassandra.shared(), KEYSPACE, null, SETTINGS);
    nodes.add(n1);
    int seed = n1.launch().remote();
    NodeProcess n2 = NodeProcess.start("n2", TestCassandra.shared(), KEYSPACE, seed, SETTINGS);
    nodes.add(n2);
    // three, so that the two left after a kill are a majority and keep running
    NodeProcess n3 = NodeProcess.start("n3", TestCassandra.shared(), KEYSPACE, seed, SETTINGS);
    nodes.add(n3);
    ApiClient api1 = n1.client();
    ApiClient api2 = n2.client();

    // six weeks of past demand for po-a (none for po-b), then stock and today's orders
    int[] week = {20, 18, 19, 22, 30, 45, 40};
    int[] past = new int[42];
    LocalDate today = LocalDate.now(ZONE);
    for (int d = 0; d < past.length; d++)
      past[d] = week[today.minusDays(past.length - d).getDayOfWeek().getValue() - 1];
    try (var cql = ItSupport.cql()) {
      ItSupport.writePastDemand(cql, KEYSPACE, "po-a", past);
    }
    ItSupport.loadCatalog(api1, List.of("po-a", "po-b", "po-c"));
    ItSupport.receive(api1, "po-a", 20);
    ItSupport.receive(api1, "po-b", 2);
    String token = ItSupport.customer("c-po");
    long cutoffAt = 0;
    for (int i = 0; i < 3; i++) {
      var r = api1.call("POST", "/orders", token, ItSupport.order("po-a" + i, "po-a", 4));
      assertEquals(201, r.status(), r.raw());
      cutoffAt = r.body().path("cutoffEpochMs").asLong();
    }
    var b = api1.call("POST", "/orders", token, ItSupport.order("po-b", "po-b", 2));
    assertEquals(201, b.status(), b.raw());
    LocalDate salesDay = Instant.ofEpochMilli(cutoffAt).atZone(ZONE).toLocalDate();
    String delivery = salesDay.plusDays(1).toString();
    awaitDemand(api1, "po-a", salesDay, 12);
    awaitDemand(api1, "po-b", salesDay, 2);

    String cutoff = "/purchasing/" + ItSupport.WAREHOUSE + "/cutoffs/" + delivery;
    var first = api2.call("POST", cutoff, ItSupport.OPERATOR, null);
    assertEquals(201, first.status(), first.raw());
    JsonNode po = first.body().path("purchaseOrder");
    String poId = first.body().path("poId").asText();
    assertEquals("PO-" + ItSupport.WAREHOUSE + "-" + delivery.replace("-", ""), poId, first.raw());
    Map<String, JsonNode> lines = lines(po);
    assertEquals(List.of("po-a", "po-b"), List.copyOf(lines.keySet()), first.raw());
    JsonNode a = lines.get("po-a");
    assertEquals(12, a.path("confirmed").asLong(), a.toString());
    assertEquals(8, a.path("available").asLong(), a.toString());
    // the day's forecast (18 to 45 units) has orders left over the 12 confirmed
    assertTrue(a.path("lateExpected").asLong() > 0, a.toString());
    for (JsonNode line : lines.values()) assertMadeUp(line);
    JsonNode bLine = lines.get("po-b");
    assertEquals(2, bLine.path("confirmed").asLong(), bLine.toString());
    assertEquals(0, bLine.path("lateExpected").asLong(), "no history, nothing forecast");
    assertEquals(3, bLine.path("ordered").asLong(), "2 units grossed up for a 10% loss");

    // replays, some at once from both nodes: the same order, nothing raised
    List<CompletableFuture<ApiClient.Reply>> replays = new ArrayList<>();
    for (int i = 0; i < 4; i++)
      replays.add((i % 2 == 0 ? api1 : api2).send("POST", cutoff, ItSupport.OPERATOR, null));
    for (var r : replays) {
      var reply = r.join();
      assertEquals(200, reply.status(), reply.raw());
      assertEquals(false, reply.body().path("raisedNow").asBoolean());
      assertEquals(po, reply.body().path("purchaseOrder"));
    }

    // each node killed in turn and restarted: the order is there, a replay raises nothing
    n2.kill();
    assertSameOrder(api1, cutoff, po);
    n2 = n2.restart(List.of(seed), true);
    nodes.set(1, n2);
    n1.kill();
    assertSameOrder(n3.client(), cutoff, po);
    n1 = n1.restart(List.of(n3.launch().remote()), true);
    nodes.set(0, n1);
    api1 = n1.client();
    var book =
        api1.callRetrying(
            "GET", "/purchasing/" + ItSupport.WAREHOUSE + "/orders", ItSupport.OPERATOR, null, 10);
    assertEquals(200, book.status(), book.raw());
    assertEquals(1, book.body().path("open").size(), book.raw());
    assertEquals(
        a.path("ordered").asLong(), book.body().path("onOrder").path("po-a").asLong(), book.raw());

    // goods in: once each, into the inventory; the order closes when everything is in
    String receipts = "/purchasing/" + ItSupport.WAREHOUSE + "/orders/" + poId + "/receipts";
    long orderedA = a.path("ordered").asLong();
    int onHandBefore = ItSupport.stock(api2, "po-a").path("onHand").asInt();
    var part = Map.of("receiptId", "grn-1", "quantities", Map.of("po-a", orderedA - 1));
    for (int i = 0; i < 2; i++) {
      var r = api2.call("POST", receipts, ItSupport.OPERATOR, part);
      assertEquals(200, r.status(), r.raw());
      assertEquals("OPEN", r.body().path("status").asText(), r.raw());
    }
    assertEquals(onHandBefore + orderedA - 1, ItSupport.stock(api1, "po-a").path("onHand").asInt());

    expectError(
        api2,
        "POST",
        receipts,
        Map.of("receiptId", "grn-2", "quantities", Map.of("po-a", 2)),
        422,
        "quantities");
    expectError(
        api2,
        "POST",
        receipts,
        Map.of("receiptId", "grn-2", "quantities", Map.of("po-c", 1)),
        422,
        "quantities");
    expectError(
        api2,
        "POST",
        receipts,
        Map.of("receiptId", "grn-2", "quantities", Map.of("po-a", -1)),
        422,
        "quantities");
    expectError(api2, "POST", receipts, Map.of("quantities", Map.of("po-a", 1)), 422, "receiptId");
    expectError(api2, "POST", receipts, "{\"receiptId\": \"grn-2\", \"quantities\": ", 400, null);
    expectError(
        api2,
        "POST",
        "/purchasing/" + ItSupport.WAREHOUSE + "/orders/PO-nope/receipts",
        part,
        404,
        "poId");
    expectError(
        api2, "POST", "/purchasing/no-such-wh/cutoffs/" + delivery, null, 404, "warehouseId");
    expectError(
        api2,
        "POST",
        "/purchasing/" + ItSupport.WAREHOUSE + "/cutoffs/tomorrow",
        null,
        422,
        "deliveryDate");
    expectError(
        api2,
        "POST",
        "/purchasing/" + ItSupport.WAREHOUSE + "/cutoffs/" + salesDay.plusDays(30),
        null,
        422,
        "deliveryDate");
    var customer = api2.call("GET", "/purchasing/" + ItSupport.WAREHOUSE + "/orders", token, null);
    assertEquals(403, customer.status(), customer.raw());

    var rest =
        Map.of(
            "receiptId",
            "grn-2",
            "quantities",
            Map.of("po-a", 1, "po-b", bLine.path("ordered").asLong()));
    var done = api1.call("POST", receipts, ItSupport.OPERATOR, rest);
    assertEquals(200, done.status(), done.raw());
    assertEquals("RECEIVED", done.body().path("status").asText(), done.raw());
    assertEquals(onHandBefore + orderedA, ItSupport.stock(api2, "po-a").path("onHand").asInt());
    var closed =
        api2.call(
            "GET", "/purchasing/" + ItSupport.WAREHOUSE + "/orders", ItSupport.OPERATOR, null);
    assertEquals(0, closed.body().path("open").size(), closed.raw());
    assertEquals(0, closed.body().path("onOrder").size(), closed.raw());
    expectError(
        api2,
        "POST",
        receipts,
        Map.of("receiptId", "grn-3", "quantities", Map.of("po-a", 1)),
        409,
        null);
  }

  /** The quantity is the need less what is there, grossed up for the loss, as the fields say. */
  private static void assertMadeUp(JsonNode line) {
    long need =
        line.path("confirmed").asLong()
            + line.path("lateExpected").asLong()
            + line.path("lateSafety").asLong();
    long net = Math.max(0, need - line.path("available").asLong() - line.path("onOrder").asLong());
    long gross = (long) Math.ceil(net / (1 - LOSS_RATE));
    assertEquals(gross, line.path("ordered").asLong(), line.toString());
    assertEquals(gross - net, line.path("lossAllowance").asLong(), line.toString());
  }

  private static Map<String, JsonNode> lines(JsonNode po) {
    Map<String, JsonNode> bySku = new java.util.LinkedHashMap<>();
    for (JsonNode l : po.path("lines")) bySku.put(l.path("sku").asText(), l);
    return bySku;
  }

  private static void assertSameOrder(ApiClient api, String cutoff, JsonNode po) {
    var replay = api.callRetrying("POST", cutoff, ItSupport.OPERATOR, null, 12);
    assertEquals(200, replay.status(), replay.raw());
    assertEquals(po, replay.body().path("purchaseOrder"), replay.raw());
  }

  private static void expectError(
      ApiClient api, String method, String path, Object body, int status, String field) {
    var r = api.call(method, path, ItSupport.OPERATOR, body);
    assertEquals(status, r.status(), path + ": " + r.raw());
    assertTrue(r.body().path("message").asText().length() > 5, r.raw());
    if (field != null) assertEquals(field, r.body().path("field").asText(), r.raw());
  }

  private static void awaitDemand(ApiClient api, String sku, LocalDate day, int units)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonNode shown = null;
    while (System.currentTimeMillis() < deadline) {
      var r =
          api.call(
              "GET",
              "/inventory/" + ItSupport.WAREHOUSE + "/" + sku + "/demand?day=" + day,
              ItSupport.OPERATOR,
              null);
      shown = r.body();
      if (r.status() == 200 && shown.path("units").asInt() == units) return;
      Thread.sleep(300);
    }
    throw new AssertionError("demand of " + sku + " not " + units + " within 60 s: " + shown);
  }
}
