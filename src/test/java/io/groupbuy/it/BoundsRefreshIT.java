package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduled refresh: a node that runs it every two seconds (in production once a day) has the
 * SKU's inventory review its closed days against their forecasts and sets its bounds from the
 * demand in its read model without being asked, opens one replenishment request for stock under the
 * new reorder point and no second one on later runs, and leaves a SKU without demand alone.
 */
class BoundsRefreshIT {
  private static final String KEYSPACE = ItSupport.uniqueKeyspace("it_bounds");

  @Test
  void boundsFollowTheForecastOnScheduleAndReplenishmentOpensOnce() throws Exception {
    try (NodeProcess node =
        NodeProcess.start(
            "n1",
            TestCassandra.shared(),
            KEYSPACE,
            null,
            Map.of("groupbuy.replenishment.refresh.interval", "2s"))) {
      var api = node.client();
      // demand first (the read model's table exists once the node runs), then the catalog, so
      // that no run forecasts the SKU before its history is there
      int[] week = {20, 18, 19, 22, 30, 45, 40};
      int[] units = new int[42];
      LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
      for (int d = 0; d < units.length; d++)
        units[d] = week[today.minusDays(units.length - d).getDayOfWeek().getValue() - 1];
      // br-c sells 2 a day and holds 500: slow stock, for which a discount is suggested
      int[] slow = new int[42];
      java.util.Arrays.fill(slow, 2);
      try (var cql = ItSupport.cql()) {
        ItSupport.writePastDemand(cql, KEYSPACE, "br-a", units);
        ItSupport.writePastDemand(cql, KEYSPACE, "br-c", slow);
      }
      ItSupport.loadCatalog(api, List.of("br-a", "br-b", "br-c"));
      ItSupport.receive(api, "br-a", 5);
      ItSupport.receive(api, "br-b", 5);
      ItSupport.receive(api, "br-c", 500);

      JsonNode stock = waitForBounds(api, "br-a");
      int maxStock = stock.path("maxStock").asInt();
      int tomorrow = week[today.plusDays(1).getDayOfWeek().getValue() - 1];
      assertTrue(maxStock >= tomorrow - 2 && maxStock <= tomorrow + 15, stock.toString());
      assertEquals(maxStock - 5, stock.path("replenishmentOpen").asInt(), stock.toString());
      // the closed days were reviewed against their forecasts: on the weekly pattern, not ahead
      assertEquals(
          today.minusDays(1).toString(), stock.path("reviewedDay").asText(), stock.toString());
      assertEquals(0, stock.path("aheadDays").asInt(), stock.toString());

      // later runs set the same bounds and open nothing more
      Thread.sleep(5_000);
      JsonNode later = ItSupport.stock(api, "br-a");
      assertEquals(maxStock, later.path("maxStock").asInt(), later.toString());
      assertEquals(maxStock - 5, later.path("replenishmentOpen").asInt(), later.toString());
      JsonNode untouched = ItSupport.stock(api, "br-b");
      assertEquals(0, untouched.path("maxStock").asInt(), untouched.toString());
      assertEquals(0, untouched.path("replenishmentOpen").asInt(), untouched.toString());
      assertTrue(untouched.path("reviewedDay").isNull(), untouched.toString());

      // what the warehouse's stock suggests: br-a's request, br-c's discount, nothing for br-b
      waitForBounds(api, "br-c");
      var reply =
          api.call(
              "GET", "/planning/" + ItSupport.WAREHOUSE + "/suggestions", ItSupport.OPERATOR, null);
      assertEquals(200, reply.status(), reply.raw());
      JsonNode replenish = reply.body().path("replenish");
      assertEquals(1, replenish.size(), reply.raw());
      assertEquals("br-a", replenish.get(0).path("sku").asText());
      assertEquals(maxStock - 5, replenish.get(0).path("units").asInt(), reply.raw());
      JsonNode discount = reply.body().path("discount");
      assertEquals(1, discount.size(), reply.raw());
      assertEquals("br-c", discount.get(0).path("sku").asText());
      assertEquals(20, discount.get(0).path("percent").asInt(), reply.raw());
      assertEquals(today.plusDays(1).toString(), discount.get(0).path("until").asText());
      assertEquals(500, discount.get(0).path("available").asInt(), reply.raw());
      assertEquals(
          404, api.call("GET", "/planning/no-such/suggestions", ItSupport.OPERATOR, null).status());
      assertEquals(
          403,
          api.call(
                  "GET",
                  "/planning/" + ItSupport.WAREHOUSE + "/suggestions",
                  ItSupport.customer("c1"),
                  null)
              .status());
    }
  }

  private static JsonNode waitForBounds(io.groupbuy.sim.ApiClient api, String sku)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonNode stock = ItSupport.stock(api, sku);
    while (stock.path("maxStock").asInt() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      stock = ItSupport.stock(api, sku);
    }
    assertTrue(stock.path("maxStock").asInt() > 0, "no bounds set within 60 s: " + stock);
    return stock;
  }
}
