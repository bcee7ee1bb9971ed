package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.groupbuy.order.Order;
import io.groupbuy.orderview.CustomerOrders;
import io.groupbuy.orderview.OrderViewRebuild;
import io.groupbuy.orderview.OrderViewStore;
import io.groupbuy.orderview.ViewChanges;
import io.groupbuy.sim.ApiClient;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orders placed and cancelled over HTTP on a real node show up in the read models (a customer's
 * pages, a pickup point's day, confirmed demand), a rebuild from the journal equals them, and a
 * placement retried after its order left its ledger for the order table has one effect.
 */
class OrderViewIT {
  private static final String KEYSPACE = ItSupport.uniqueKeyspace("it_views");
  private static NodeProcess node;
  private static ApiClient api;
  private static ActorSystem<Void> local;

  @BeforeAll
  static void start() {
    node =
        NodeProcess.start(
            "n1",
            TestCassandra.shared(),
            KEYSPACE,
            null,
            Map.of(
                "groupbuy.order.archive-when-settled-after",
                "2s",
                // no scheduled bounds refresh during the test: it sets bounds by hand
                "groupbuy.replenishment.refresh.interval",
                "1000d"));
    api = node.client();
    ItSupport.loadCatalog(api, List.of("view-a", "view-b", "view-fc"));
    local = localSystem(KEYSPACE);
  }

  /** A local actor system reading the node's keyspace, for rebuilds and comparisons. */
  static ActorSystem<Void> localSystem(String keyspace) {
    return ActorSystem.create(
        Behaviors.empty(),
        "views-it",
        ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "pekko.loglevel = WARNING\n"
                    // the node's config exits the JVM on shutdown: not the test's JVM
                    + "pekko.coordinated-shutdown.exit-jvm = off\n"
                    + "pekko.persistence.cassandra.journal.keyspace = "
                    + keyspace
                    + "\ndatastax-java-driver.basic.contact-points = [\""
                    + TestCassandra.shared().contactPoint()
                    + "\"]\n")
            .withFallback(ConfigFactory.load())
            .resolve());
  }

  @AfterAll
  static void stop() {
    if (local != null) local.terminate();
    if (node != null) node.close();
  }

  private static JsonNode place(String token, String key, String sku, int quantity) {
    var r = api.call("POST", "/orders", token, ItSupport.order(key, sku, quantity));
    assertEquals(201, r.status(), r.raw());
    return r.body();
  }

  /**
   * Eight weeks of confirmed demand written into the read model as the projection writes it (the
   * order path cannot place orders in the past): the forecast endpoint reads the closed days and
   * forecasts the weekly pattern; bad requests are named.
   */
  @Test
  void demandForecastsComeFromTheClosedDaysOfTheReadModel() throws Exception {
    java.time.ZoneId zone = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate today = java.time.LocalDate.now(zone);
    int[] week = {20, 18, 19, 22, 30, 45, 40};
    int[] units = new int[56];
    for (int d = 0; d < units.length; d++)
      units[d] = week[today.minusDays(units.length - d).getDayOfWeek().getValue() - 1];
    try (CqlSession cql = ItSupport.cql()) {
      ItSupport.writePastDemand(cql, KEYSPACE, "view-fc", units);
      try {
        checkForecasts(today, week);
      } finally {
        // rows no order made: a rebuild from the journal (the other test) must not meet them
        for (int d = 56; d >= 1; d--)
          cql.execute(
              "DELETE FROM "
                  + KEYSPACE
                  + ".daily_demand WHERE warehouse_id = ? AND day = ? AND sku = 'view-fc'",
              ItSupport.WAREHOUSE,
              today.minusDays(d).toString());
      }
    }
  }

  private void checkForecasts(java.time.LocalDate today, int[] week) {
    checkDemandForecast(today, week);
    checkBoundsFromTheForecast(today, week);
  }

  /**
   * The bounds from the forecast reach the inventory; stock under the new reorder point opens one
   * replenishment request, and recomputing the same day opens no second one.
   */
  private void checkBoundsFromTheForecast(java.time.LocalDate today, int[] week) {
    ItSupport.receive(api, "view-fc", 10);
    String url = "/inventory/" + ItSupport.WAREHOUSE + "/view-fc/bounds/from-forecast";
    var r = api.call("POST", url, ItSupport.OPERATOR, Map.of("lossRate", 0.1));
    assertEquals(200, r.status(), r.raw());
    JsonNode bounds = r.body().path("made").path("bounds");
    JsonNode stock = r.body().path("stock");
    int tomorrow = week[today.plusDays(1).getDayOfWeek().getValue() - 1];
    int orderUpTo = bounds.path("orderUpTo").asInt();
    assertTrue(orderUpTo >= tomorrow - 2 && orderUpTo <= tomorrow + 15, r.raw());
    assertEquals(orderUpTo, stock.path("maxStock").asInt(), r.raw());
    assertEquals(bounds.path("reorderPoint").asInt(), stock.path("reorderPoint").asInt());
    assertEquals(orderUpTo - 10, stock.path("replenishmentOpen").asInt(), r.raw());
    var again = api.call("POST", url, ItSupport.OPERATOR, Map.of());
    assertEquals(200, again.status(), again.raw());
    assertEquals(orderUpTo - 10, again.body().path("stock").path("replenishmentOpen").asInt());
    // bad requests are named
    var loss = api.call("POST", url, ItSupport.OPERATOR, Map.of("lossRate", 1.5));
    assertEquals(422, loss.status(), loss.raw());
    assertEquals("lossRate", loss.body().path("field").asText());
    var unknown =
        api.call(
            "POST",
            "/inventory/" + ItSupport.WAREHOUSE + "/no-such-sku/bounds/from-forecast",
            ItSupport.OPERATOR,
            Map.of());
    assertEquals(404, unknown.status(), unknown.raw());
    assertEquals(403, api.call("POST", url, ItSupport.customer("c1"), Map.of()).status());
  }

  private void checkDemandForecast(java.time.LocalDate today, int[] week) {
    var r =
        api.call(
            "GET",
            "/forecasts/" + ItSupport.WAREHOUSE + "/view-fc?days=14",
            ItSupport.OPERATOR,
            null);
    assertEquals(200, r.status(), r.raw());
    assertEquals(56, r.body().path("basedOnDays").asInt(), r.raw());
    assertEquals(14, r.body().path("days").size());
    assertEquals(today.toString(), r.body().path("days").get(0).path("day").asText());
    for (JsonNode day : r.body().path("days")) {
      int expected =
          week[java.time.LocalDate.parse(day.path("day").asText()).getDayOfWeek().getValue() - 1];
      assertEquals(expected, day.path("mean").asDouble(), 2.0, r.raw());
    }
    // a SKU without demand forecasts nothing; bad requests are named
    var none =
        api.call(
            "GET", "/forecasts/" + ItSupport.WAREHOUSE + "/no-such-sku", ItSupport.OPERATOR, null);
    assertEquals("no confirmed demand yet", none.body().path("model").asText(), none.raw());
    assertEquals(7, none.body().path("days").size());
    var tooFar =
        api.call(
            "GET",
            "/forecasts/" + ItSupport.WAREHOUSE + "/view-fc?days=29",
            ItSupport.OPERATOR,
            null);
    assertEquals(400, tooFar.status());
    assertEquals("days", tooFar.body().path("field").asText(), tooFar.raw());
    assertEquals(
        400, api.call("GET", "/forecasts/w%20x/view-fc", ItSupport.OPERATOR, null).status());
    assertEquals(
        403,
        api.call(
                "GET",
                "/forecasts/" + ItSupport.WAREHOUSE + "/view-fc",
                ItSupport.customer("c1"),
                null)
            .status());
  }

  @Test
  void readModelsFollowTheOrdersAndEqualARebuildFromTheJournal() throws Exception {
    ItSupport.receive(api, "view-a", 200);
    ItSupport.receive(api, "view-b", 200);
    String me = ItSupport.customer("c-view");
    String other = ItSupport.customer("c-other");
    Map<String, JsonNode> mine = new HashMap<>();
    Map<String, Integer> unitsA = new HashMap<>();
    Map<String, Integer> keyOf = new HashMap<>();
    for (int i = 0; i < 25; i++) {
      String sku = i % 3 == 0 ? "view-b" : "view-a";
      JsonNode o = place(me, "k" + i, sku, 1 + i % 3);
      mine.put(o.path("orderId").asText(), o);
      keyOf.put(o.path("orderId").asText(), i);
      if (sku.equals("view-a")) unitsA.put(o.path("orderId").asText(), 1 + i % 3);
    }
    for (int i = 0; i < 3; i++) place(other, "k" + i, "view-a", 1);
    List<String> cancelled = new ArrayList<>(mine.keySet()).subList(0, 5);
    for (String id : cancelled) {
      var r = api.call("POST", "/orders/" + id + "/cancel", me, null);
      assertEquals(200, r.status(), r.raw());
      unitsA.remove(id);
    }

    // the customer's pages, newest first, with the live statuses
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, String> seen = Map.of();
    while (System.nanoTime() < deadline) {
      seen = pages(me);
      Map<String, String> now = seen;
      if (now.size() == 25 && cancelled.stream().allMatch(id -> "CANCELLED".equals(now.get(id))))
        break;
      NodeProcess.sleep(1000);
    }
    assertEquals(mine.keySet(), seen.keySet());
    for (String id : mine.keySet()) {
      assertEquals(cancelled.contains(id) ? "CANCELLED" : "CONFIRMED", seen.get(id), id);
    }
    // and each with the total it was placed at
    var listed = api.call("GET", "/customers/me/orders?limit=100", me, null);
    assertEquals(25, listed.body().path("orders").size(), listed.raw());
    for (JsonNode o : listed.body().path("orders")) {
      long placedTotal = mine.get(o.path("orderId").asText()).path("totalFen").asLong();
      assertTrue(placedTotal > 0, o.toString());
      assertEquals(placedTotal, o.path("totalFen").asLong(), o.toString());
    }

    // what the pickup point hands out on the delivery date: every confirmed order, both customers
    JsonNode any = mine.values().iterator().next();
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    String date =
        Instant.ofEpochMilli(any.path("cutoffEpochMs").asLong())
            .atZone(zone)
            .toLocalDate()
            .plusDays(1)
            .toString();
    var point =
        api.call(
            "GET",
            "/pickup-points/" + ItSupport.PICKUP_POINT + "/orders?date=" + date,
            ItSupport.OPERATOR,
            null);
    assertEquals(200, point.status(), point.raw());
    assertEquals(20 + 3, point.body().path("orders").size(), point.raw());

    // confirmed demand of view-a on the sales day (its cutoff's), net of the cancellations
    String day =
        Instant.ofEpochMilli(any.path("cutoffEpochMs").asLong())
            .atZone(zone)
            .toLocalDate()
            .toString();
    var demand =
        api.call(
            "GET",
            "/inventory/" + ItSupport.WAREHOUSE + "/view-a/demand?day=" + day,
            ItSupport.OPERATOR,
            null);
    assertEquals(200, demand.status(), demand.raw());
    int expected = unitsA.values().stream().mapToInt(Integer::intValue).sum() + 3;
    assertEquals(expected, demand.body().path("units").asInt(), demand.raw());

    // bad requests are named
    assertEquals(400, api.call("GET", "/customers/me/orders?limit=0", me, null).status());
    assertEquals(400, api.call("GET", "/customers/me/orders?after=zzz", me, null).status());
    assertEquals(403, api.call("GET", "/customers/me/orders", ItSupport.OPERATOR, null).status());
    assertEquals(
        400,
        api.call(
                "GET",
                "/pickup-points/" + ItSupport.PICKUP_POINT + "/orders",
                ItSupport.OPERATOR,
                null)
            .status());
    assertTrue(
        api.call("GET", "/metrics", ItSupport.OPERATOR, null)
            .raw()
            .contains("groupbuy_projection_lag_seconds"));

    // a rebuild from the journal equals the live read models; a live row lost is found
    OrderViewStore live = OrderViewRebuild.store(local, "");
    OrderViewStore rebuilt = OrderViewRebuild.store(local, OrderViewRebuild.SUFFIX);
    rebuilt.createTables().toCompletableFuture().get(1, TimeUnit.MINUTES);
    long events =
        OrderViewRebuild.rebuild(local, rebuilt, n -> {})
            .toCompletableFuture()
            .get(5, TimeUnit.MINUTES);
    assertTrue(events > 28 * 3, "events replayed: " + events);
    var comparison =
        OrderViewRebuild.compare(live, rebuilt).toCompletableFuture().get(1, TimeUnit.MINUTES);
    assertTrue(comparison.equal(), comparison.toString());
    assertTrue(comparison.live() >= 28 + 23, comparison.toString());
    var session = CassandraSessionRegistry.get(local).sessionFor("pekko.persistence.cassandra");
    long now = System.currentTimeMillis();
    for (long at : new long[] {now, now - TimeUnit.DAYS.toMillis(1)}) {
      session
          .executeWrite(
              "DELETE FROM "
                  + KEYSPACE
                  + ".customer_day_orders_rebuild WHERE bucket = ? AND day = ?"
                  + " AND customer_id = 'c-other'",
              rebuilt.customers().bucketOf("c-other"),
              rebuilt.customers().dayOf(at).toString())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    assertFalse(
        OrderViewRebuild.compare(live, rebuilt)
            .toCompletableFuture()
            .get(1, TimeUnit.MINUTES)
            .equal());

    // a placement retried once its order has been archived to the order table: the same order,
    // nothing reserved again
    String kept =
        mine.keySet().stream().filter(id -> !cancelled.contains(id)).findFirst().orElseThrow();
    int i = keyOf.get(kept);
    String sku = i % 3 == 0 ? "view-b" : "view-a";
    long archivedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    boolean archived = false;
    while (!archived && System.nanoTime() < archivedBy) {
      archived =
          session
              .selectOne(
                  "SELECT order_id FROM "
                      + KEYSPACE
                      + ".order_archive WHERE order_id = ? ALLOW FILTERING",
                  kept)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .isPresent();
      NodeProcess.sleep(500);
    }
    assertTrue(archived, kept + " was not archived");
    NodeProcess.sleep(1000); // the archive event follows the table write
    int availableBefore = ItSupport.stock(api, sku).path("available").asInt();
    JsonNode again = place(me, "k" + i, sku, 1 + i % 3);
    assertEquals(kept, again.path("orderId").asText());
    assertEquals("CONFIRMED", again.path("status").asText());
    assertEquals(availableBefore, ItSupport.stock(api, sku).path("available").asInt());
  }

  /**
   * A customer's orders are filed per day in partitions shared with other customers: pages run
   * newest first across days, skip days without orders, keep to their customer and stop at the
   * history horizon (92 days by default). Rows are written as the projection writes them, since the
   * order path cannot place orders in the past.
   */
  @Test
  void customerPagesRunBackOverDaysToTheHistoryHorizon() throws Exception {
    OrderViewStore live = OrderViewRebuild.store(local, "");
    CustomerOrders customers = live.customers();
    String me = "c-days";
    String neighbour = "c-days-0";
    for (int i = 1; customers.bucketOf(neighbour) != customers.bucketOf(me); i++)
      neighbour = "c-days-" + i;
    long now = System.currentTimeMillis();
    long day = TimeUnit.DAYS.toMillis(1);
    // days back from now, newest first, with two orders on day 3
    long[] back = {0, day, 3 * day, 3 * day + 60_000, 40 * day, 90 * day};
    List<String> expected = new ArrayList<>();
    List<ViewChanges.OrderRow> rows = new ArrayList<>();
    for (int i = 0; i < back.length; i++) {
      String id = "days-" + i;
      expected.add(id);
      rows.add(row(id, me, now - back[i]));
      rows.add(row("days-n" + i, neighbour, now - back[i]));
    }
    // past the horizon: never listed
    rows.add(row("days-old", me, now - 93 * day));
    try {
      live.write(rows).toCompletableFuture().get(30, TimeUnit.SECONDS);
      String token = ItSupport.customer(me);
      List<String> listed = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        var r =
            api.call(
                "GET",
                "/customers/me/orders?limit=2" + (after == null ? "" : "&after=" + after),
                token,
                null);
        assertEquals(200, r.status(), r.raw());
        for (JsonNode o : r.body().path("orders")) listed.add(o.path("orderId").asText());
        after = r.body().path("next").isNull() ? null : r.body().path("next").asText(null);
        pages++;
      } while (after != null && pages < 10);
      assertEquals(expected, listed);
      assertEquals(3, pages);
      var all = api.call("GET", "/customers/me/orders?limit=100", token, null);
      assertEquals(back.length, all.body().path("orders").size(), all.raw());
      assertTrue(all.body().path("next").isNull(), all.raw());
      // a cursor from the far future reads from today, one from before the horizon finds nothing
      var future = api.call("GET", "/customers/me/orders?after=99999999999999_x", token, null);
      assertEquals(200, future.status(), future.raw());
      assertEquals(back.length, future.body().path("orders").size(), future.raw());
      var ancient = api.call("GET", "/customers/me/orders?after=-99999999999999_x", token, null);
      assertEquals(200, ancient.status(), ancient.raw());
      assertEquals(0, ancient.body().path("orders").size(), ancient.raw());
    } finally {
      // rows no order made: a rebuild from the journal (the other test) must not meet them
      var session = CassandraSessionRegistry.get(local).sessionFor("pekko.persistence.cassandra");
      for (ViewChanges.OrderRow r : rows) {
        session
            .executeWrite(
                "DELETE FROM "
                    + KEYSPACE
                    + ".customer_day_orders WHERE bucket = ? AND day = ? AND customer_id = ?",
                customers.bucketOf(r.details().customerId()),
                customers.dayOf(r.details().placedAtEpochMs()).toString(),
                r.details().customerId())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static ViewChanges.OrderRow row(String orderId, String customerId, long placedAt) {
    Order.Details details =
        new Order.Details(
            customerId,
            ItSupport.PICKUP_POINT,
            ItSupport.WAREHOUSE,
            List.of(new Order.Line("view-a", 1)),
            placedAt,
            placedAt + TimeUnit.HOURS.toMillis(1),
            "key-" + orderId,
            false);
    return new ViewChanges.OrderRow(orderId, details, Order.Status.PLACING, null, 990L);
  }

  /** Every page of the customer's orders: order id to status, checking they come newest first. */
  private static Map<String, String> pages(String token) {
    Map<String, String> all = new HashMap<>();
    Set<String> tokens = new HashSet<>();
    String after = null;
    long previous = Long.MAX_VALUE;
    do {
      var r =
          api.call(
              "GET",
              "/customers/me/orders?limit=10" + (after == null ? "" : "&after=" + after),
              token,
              null);
      assertEquals(200, r.status(), r.raw());
      for (JsonNode o : r.body().path("orders")) {
        long placed = o.path("placedAtEpochMs").asLong();
        assertTrue(placed <= previous, "newest first: " + r.raw());
        previous = placed;
        all.put(o.path("orderId").asText(), o.path("status").asText());
      }
      after = r.body().path("next").isNull() ? null : r.body().path("next").asText(null);
      assertTrue(after == null || tokens.add(after), "pages advance");
    } while (after != null);
    return all;
  }
}
