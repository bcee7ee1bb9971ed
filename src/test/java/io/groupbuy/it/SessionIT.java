package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.recommend.LiveRanker;
import io.groupbuy.recommend.LiveRankerTest;
import io.groupbuy.recommend.SkuRecommender;
import io.groupbuy.session.proto.BehaviourAction;
import io.groupbuy.session.proto.BehaviourBatch;
import io.groupbuy.session.proto.BehaviourEventProto;
import io.groupbuy.sim.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Behaviour uploads into user sessions on a real node and Cassandra: each edge rule and each
 * session rule answered and counted (per user and in /metrics), protobuf and JSON alike, bad
 * uploads refused with their 4xx, and a session that comes back the same after it was passivated
 * and after the node was stopped and started again.
 */
class SessionIT {
  private static final String PROTOBUF = "application/x-protobuf";

  private static Map<String, Object> event(
      String id, String user, long ts, String action, String sku) {
    Map<String, Object> e = new HashMap<>();
    e.put("eventId", id);
    e.put("userId", user);
    e.put("ts", ts);
    e.put("action", action);
    if (sku != null) e.put("sku", sku);
    return e;
  }

  private static ApiClient.Reply upload(ApiClient api, String token, List<?> events) {
    return api.call("POST", "/behaviour", token, Map.of("events", events));
  }

  private static ApiClient.Reply raw(NodeProcess node, String contentType, byte[] body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.url() + "/behaviour"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Authorization", "Bearer " + ItSupport.OPERATOR)
            .header("Content-Type", contentType)
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = io.groupbuy.http.JsonSupport.MAPPER.readTree(r.body());
    return new ApiClient.Reply(r.statusCode(), json, r.body());
  }

  private static JsonNode session(ApiClient api, String user) {
    var r = api.call("GET", "/users/" + user + "/session", ItSupport.OPERATOR, null);
    assertEquals(200, r.status(), r.raw());
    return r.body().path("session");
  }

  private static double metric(ApiClient api, String name, String label) {
    String text = api.call("GET", "/metrics", null, null).raw();
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(name)
                    + "\\{[^}]*"
                    + Pattern.quote(label)
                    + "[^}]*\\} (\\S+)")
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /**
   * A Wide&Deep ranker trained here on a small slice of made-up shoppers, put in the node's ranker
   * directory: the node loads it without a restart and orders u-a's recommendations by the
   * probabilities this ranker gives (SKUs outside the catalog left out).
   */
  private static void rankerTrainedOnASliceIsServed(ApiClient api, Path rankerDir)
      throws Exception {
    Map<Integer, int[]> next = new java.util.LinkedHashMap<>();
    var histories = LiveRankerTest.histories(next, 600, 7);
    List<LiveRanker.Scored> expected;
    double pear;
    double anyTest;
    try (LiveRanker ranker =
        LiveRanker.train(
            LiveRankerTest.SKUS,
            histories,
            next,
            LiveRankerTest.small(),
            "made-up shoppers",
            line -> {})) {
      expected =
          ranker.rank(List.of(List.of("apple")), 10).stream()
              .filter(s -> List.of("apple", "pear", "plum").contains(s.sku()))
              .limit(3)
              .toList();
      pear = ranker.probability(List.of(List.of("apple")), "pear").getAsDouble();
      anyTest =
          ranker
              .probabilityOfAny(List.of(List.of("apple")), List.of("apple", "pear", "plum"))
              .getAsDouble();
      ranker.save(rankerDir);
    }
    long by = System.currentTimeMillis() + 30_000;
    JsonNode served;
    do {
      assertTrue(System.currentTimeMillis() < by, "the ranker was never served");
      Thread.sleep(500);
      var r = api.call("GET", "/users/u-a/recommendations?k=3", ItSupport.OPERATOR, null);
      assertEquals(200, r.status(), r.raw());
      served = r.body();
    } while (!served.path("rankedBy").asText().startsWith("wide-deep: made-up shoppers"));
    assertEquals(expected.size(), served.path("items").size(), served.toString());
    for (int i = 0; i < expected.size(); i++) {
      JsonNode item = served.path("items").get(i);
      assertEquals(expected.get(i).sku(), item.path("sku").asText(), served.toString());
      assertEquals(expected.get(i).probability(), item.path("score").asDouble(), 1e-5);
    }
    // a user never seen still gets popular SKUs from item-CF
    var nobody = api.call("GET", "/users/nobody/recommendations?k=2", ItSupport.OPERATOR, null);
    assertEquals("item-cf", nobody.body().path("rankedBy").asText(), nobody.raw());

    // the same probability through the API; none for a user without orders, 400 without a SKU
    var propensity = api.call("GET", "/users/u-a/propensity?sku=pear", ItSupport.OPERATOR, null);
    assertEquals(200, propensity.status(), propensity.raw());
    assertEquals(pear, propensity.body().path("probability").asDouble(), 1e-6, propensity.raw());
    assertEquals(
        404, api.call("GET", "/users/u-c/propensity?sku=pear", ItSupport.OPERATOR, null).status());
    assertEquals(400, api.call("GET", "/users/u-a/propensity", ItSupport.OPERATOR, null).status());
    // coupons for users likely to buy pears: u-a qualifies under her propensity, not above it
    String op = ItSupport.OPERATOR;
    for (var c :
        Map.of("pears-low", pear * 0.5, "pears-high", Math.min(0.99, pear * 1.5)).entrySet()) {
      var defined =
          api.call(
              "PUT",
              "/campaigns/" + c.getKey(),
              op,
              Map.of(
                  "name", "pear lovers",
                  "thresholdFen", 0,
                  "amountFen", 100,
                  "percentOff", 0,
                  "capFen", 0,
                  "budgetFen", 10_000,
                  "perUserLimit", 1,
                  "targetSku", "pear",
                  "minPropensity", c.getValue()));
      assertEquals(200, defined.status(), defined.raw());
    }
    var issued =
        api.call(
            "POST", "/campaigns/pears-low/coupons", op, Map.of("issueId", "pl-1", "userId", "u-a"));
    assertEquals(200, issued.status(), issued.raw());
    var refused =
        api.call(
            "POST",
            "/campaigns/pears-high/coupons",
            op,
            Map.of("issueId", "ph-1", "userId", "u-a"));
    assertEquals(409, refused.status(), refused.raw());
    assertTrue(
        refused
            .body()
            .path("message")
            .asText()
            .contains(String.format(java.util.Locale.ROOT, "P %.3f", pear)),
        refused.raw());
    var stranger =
        api.call(
            "POST", "/campaigns/pears-low/coupons", op, Map.of("issueId", "pl-2", "userId", "u-c"));
    assertEquals(409, stranger.status(), stranger.raw());
    assertTrue(stranger.body().path("message").asText().contains("no orders"), stranger.raw());
  }

  private static List<String> recommended(ApiClient api, String user, int k) {
    var r = api.call("GET", "/users/" + user + "/recommendations?k=" + k, ItSupport.OPERATOR, null);
    assertEquals(200, r.status(), r.raw());
    List<String> out = new ArrayList<>();
    r.body()
        .path("items")
        .forEach(i -> out.add(i.path("sku").asText() + ":" + i.path("reason").asText()));
    return out;
  }

  /** The parts of a session that do not move with the clock alone. */
  private static String stable(JsonNode s) {
    JsonNode f = s.path("features");
    return s.path("segment").asText()
        + " "
        + s.path("cleaning")
        + " pending "
        + s.path("pendingEvents")
        + " first "
        + f.path("firstSeenMs")
        + " last "
        + f.path("lastActiveMs")
        + " categories "
        + f.path("categoryAffinity").size()
        + " orders "
        + f.path("ordersEver")
        + " spent "
        + f.path("monetaryFen");
  }

  @Test
  void uploadsAreCleanedCountedAndSurvivePassivationAndRestart() throws Exception {
    String keyspace = ItSupport.uniqueKeyspace("it_session");
    // the recommendation model: apple and pear go together, plum alone; swapped for another later
    Path modelFile = Files.createTempDirectory("session-it").resolve("model.json");
    Path rankerDir = modelFile.resolveSibling("ranker"); // none at first: item-CF alone
    int grpcPort = io.groupbuy.platform.CassandraLauncher.freePort();
    SkuRecommender.write(
        SkuRecommender.train(
            List.of(
                List.of("apple", "pear"),
                List.of("apple", "pear"),
                List.of("pear"),
                List.of("plum")),
            10,
            0.6,
            0.9,
            "first"),
        modelFile);
    // sessions idle 3 s leave memory, so the test sees one come back from the journal
    Map<String, String> extra =
        Map.of(
            "pekko.cluster.sharding.passivation.default-strategy.idle-entity.timeout",
            "3s",
            "groupbuy.recommend.model-file",
            modelFile.toString(),
            "groupbuy.recommend.reload-every",
            "1s",
            "groupbuy.recommend.ranker-dir",
            rankerDir.toString(),
            NodeProcess.STREAM_PORT,
            String.valueOf(grpcPort));
    long now = System.currentTimeMillis();
    List<Map<String, Object>> first = new ArrayList<>();
    first.add(event("a-1", "u-a", now - 5000, "view", "apple"));
    first.add(event("a-2", "u-a", now - 4000, "cart", "apple"));
    first.add(event("a-1", "u-a", now - 5000, "view", "apple")); // duplicate
    first.add(event("a-3", null, now - 3000, "view", "apple")); // no user
    first.add(event("a-4", "u-a", now - 3000, "teleport", "apple")); // unknown action
    first.add(event("a-5", "u-a", now - 3000, "view", "durian")); // not in the catalog
    first.add(event("a-6", "u-a", now - 30L * 86_400_000L, "view", "pear")); // too old
    first.add(event("a-7", "u-a", now - 6000, "click", "pear")); // out of order
    for (int i = 0; i < 12; i++)
      first.add(event("burst-" + i, "u-a", now - 3000 + i, "click", "plum"));
    first.add(event("b-1", "u-b", now - 1000, "view", "pear"));

    String before;
    try (NodeProcess node =
        NodeProcess.start("s1", TestCassandra.shared(), keyspace, null, extra)) {
      ApiClient api = node.client();
      ItSupport.loadCatalog(api, List.of("apple", "pear", "plum"));

      var r = upload(api, ItSupport.OPERATOR, first);
      assertEquals(200, r.status(), r.raw());
      JsonNode body = r.body();
      assertEquals(16, body.path("accepted").asInt(), r.raw()); // a-1, a-2, a-7, 12 clicks, b-1
      assertEquals(1, body.path("dropped").path("DUPLICATE").asInt(), r.raw());
      assertEquals(1, body.path("dropped").path("TOO_OLD").asInt(), r.raw());
      List<String> reasons = new ArrayList<>();
      body.path("rejected")
          .forEach(x -> reasons.add(x.path("index").asInt() + ":" + x.path("reason").asText()));
      assertEquals(List.of("3:MISSING_USER", "4:UNKNOWN_ACTION", "5:UNKNOWN_SKU"), reasons);

      // protobuf, for the same user: one more event, and the duplicate of one sent as JSON
      BehaviourBatch batch =
          BehaviourBatch.newBuilder()
              .addEvents(
                  BehaviourEventProto.newBuilder()
                      .setEventId("a-8")
                      .setUserId("u-a")
                      .setTsMs(now - 2000)
                      .setAction(BehaviourAction.VIEW)
                      .setSku("pear"))
              .addEvents(
                  BehaviourEventProto.newBuilder()
                      .setEventId("a-2")
                      .setUserId("u-a")
                      .setTsMs(now - 4000)
                      .setAction(BehaviourAction.CART)
                      .setSku("apple"))
              .build();
      var p = raw(node, PROTOBUF, batch.toByteArray());
      assertEquals(200, p.status(), p.raw());
      assertEquals(1, p.body().path("accepted").asInt(), p.raw());
      assertEquals(1, p.body().path("dropped").path("DUPLICATE").asInt(), p.raw());

      // bad uploads
      assertEquals(
          "malformed-protobuf",
          raw(node, PROTOBUF, new byte[] {0x0a, 0x7f, 0x01}).body().path("code").asText());
      assertEquals(400, raw(node, "application/json", "{\"events\": [".getBytes()).status());
      List<Map<String, Object>> tooMany = new ArrayList<>();
      for (int i = 0; i < 1001; i++) tooMany.add(event("x" + i, "u-c", now, "view", null));
      var large = upload(api, ItSupport.OPERATOR, tooMany);
      assertEquals(413, large.status(), large.raw());
      var foreign =
          upload(api, ItSupport.customer("u-c"), List.of(event("c-1", "u-a", now, "view", null)));
      assertEquals(403, foreign.status(), foreign.raw());
      var own =
          upload(api, ItSupport.customer("u-c"), List.of(event("c-1", "u-c", now, "view", null)));
      assertEquals(200, own.status(), own.raw());
      assertEquals(
          404, api.call("GET", "/users/nobody/session", ItSupport.OPERATOR, null).status());
      assertEquals(
          400, api.call("GET", "/users/bad!id/session", ItSupport.OPERATOR, null).status());
      assertEquals(
          403, api.call("GET", "/users/u-a/session", ItSupport.customer("u-c"), null).status());

      // a confirmed order reaches the customer's session from the order ledger's journal
      ItSupport.receive(api, "apple", 10);
      var placed =
          api.call(
              "POST",
              "/orders",
              ItSupport.customer("u-a"),
              ItSupport.order("u-a-order-1", "apple", 2));
      assertEquals(201, placed.status(), placed.raw());
      long total = placed.body().path("totalFen").asLong();
      assertTrue(total > 0, placed.raw());
      long fedBy = System.currentTimeMillis() + 30_000;
      while (session(api, "u-a").path("features").path("ordersEver").asInt() == 0) {
        assertTrue(System.currentTimeMillis() < fedBy, "the order never reached the session");
        Thread.sleep(500);
      }
      assertEquals(total, session(api, "u-a").path("features").path("monetaryFen").asLong());

      // recommendations: popular SKUs for a user never seen, own purchases and what goes with them
      // for one who bought
      assertEquals(
          List.of("pear:POPULAR", "apple:POPULAR", "plum:POPULAR"), recommended(api, "nobody", 3));
      assertEquals(
          List.of("apple:BOUGHT_BEFORE", "pear:BOUGHT_TOGETHER", "plum:POPULAR"),
          recommended(api, "u-a", 3));
      for (String k : List.of("0", "101", "ten")) {
        var bad = api.call("GET", "/users/u-a/recommendations?k=" + k, ItSupport.OPERATOR, null);
        assertEquals(400, bad.status(), bad.raw());
      }
      assertEquals(
          403,
          api.call("GET", "/users/u-a/recommendations", ItSupport.customer("u-c"), null).status());
      // a new model in place of the file is served without a restart
      SkuRecommender.write(
          SkuRecommender.train(
              List.of(List.of("apple", "plum"), List.of("apple", "plum"), List.of("pear")),
              10,
              0.6,
              0.9,
              "second"),
          modelFile);
      long swapBy = System.currentTimeMillis() + 20_000;
      while (!recommended(api, "u-a", 2)
          .equals(List.of("apple:BOUGHT_BEFORE", "plum:BOUGHT_TOGETHER"))) {
        assertTrue(System.currentTimeMillis() < swapBy, "the new model was never served");
        Thread.sleep(500);
      }
      rankerTrainedOnASliceIsServed(api, rankerDir);
      BehaviourStreamCheck.streamOverGrpc(api, grpcPort);

      // the session: once the reorder and burst windows are past, the 12 clicks count as one
      Thread.sleep(11_000);
      JsonNode a = session(api, "u-a");
      assertEquals("NEW", a.path("segment").asText(), a.toString());
      assertEquals(0, a.path("pendingEvents").asInt(), a.toString());
      assertEquals(16, a.path("cleaning").path("ACCEPTED").asInt(), a.toString());
      assertEquals(2, a.path("cleaning").path("DUPLICATE").asInt(), a.toString());
      assertEquals(1, a.path("cleaning").path("REORDERED").asInt(), a.toString());
      assertEquals(11, a.path("cleaning").path("BURST_MERGED").asInt(), a.toString());
      assertEquals(now - 6000, a.path("features").path("firstSeenMs").asLong(), a.toString());
      assertTrue(metric(api, "groupbuy_behaviour_events_total", "rule=\"accepted\"") >= 18);
      assertEquals(1.0, metric(api, "groupbuy_behaviour_rejected_total", "reason=\"unknown_sku\""));

      // passivated once idle, and back from the journal with the same state
      before = stable(a);
      long deadline = System.currentTimeMillis() + 60_000;
      // the gauge is polled every 10 s; absent (NaN) until the first poll
      while (metric(api, "groupbuy_entities", "entity_type=\"UserSession\"") != 0) {
        assertTrue(System.currentTimeMillis() < deadline, "sessions never left memory");
        Thread.sleep(1000);
      }
      assertEquals(before, stable(session(api, "u-a")));
    }

    // the node stopped and started again on the same keyspace: the same sessions, and an upload
    // sent again is recognised
    try (NodeProcess node =
        NodeProcess.start("s2", TestCassandra.shared(), keyspace, null, extra)) {
      ApiClient api = node.client();
      assertEquals(before, stable(session(api, "u-a")));
      var again = upload(api, ItSupport.OPERATOR, first.subList(0, 2));
      assertEquals(0, again.body().path("accepted").asInt(), again.raw());
      assertEquals(2, again.body().path("dropped").path("DUPLICATE").asInt(), again.raw());
    }
  }
}
