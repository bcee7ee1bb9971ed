package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.order.OrderRoutes;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs against one Cassandra. Orders go through all three; one node is killed with
 * SIGKILL mid-load. Clients retry with the same idempotency key on another node, as a real client
 * behind a load balancer would. Afterwards every acknowledged order reads back with the state it
 * was acknowledged with, stock adds up, and nothing is oversold.
 */
class ClusterIT {
  private static final int SKUS = 8;
  private static final int STOCK_PER_SKU = 60;
  private static final int ORDERS = 400;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static CassandraLauncher.Node cassandra;
  private static String keyspace;

  @BeforeAll
  static void startCluster() {
    cassandra = TestCassandra.shared();
    keyspace = ItSupport.uniqueKeyspace("it_cluster");
    NodeProcess first = NodeProcess.start("n1", cassandra, keyspace, null, Map.of());
    nodes.add(first);
    nodes.add(NodeProcess.start("n2", cassandra, keyspace, first.remotePort, Map.of()));
    nodes.add(NodeProcess.start("n3", cassandra, keyspace, first.remotePort, Map.of()));
    awaitMembers(first, 3);
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(NodeProcess::close);
  }

  static void awaitMembers(NodeProcess node, int expectedUp) {
    ApiClient mgmt = new ApiClient(node.managementUrl());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        JsonNode members = mgmt.call("GET", "/cluster/members", null, null).body();
        int up = 0;
        for (JsonNode m : members.path("members")) if (m.path("status").asText().equals("Up")) up++;
        if (up == expectedUp && members.path("unreachable").isEmpty()) return;
      } catch (RuntimeException notYet) {
        // management not answering yet
      }
      NodeProcess.sleep(500);
    }
    throw new AssertionError("cluster did not reach " + expectedUp + " Up members");
  }

  private record Outcome(
      String customer, String orderId, String sku, int quantity, String status) {}

  @Test
  void acknowledgedOrdersSurviveANodeKilledMidLoad() throws Exception {
    ApiClient api1 = nodes.get(0).client();
    List<String> skus = new ArrayList<>();
    for (int i = 0; i < SKUS; i++) skus.add("sku-" + i);
    ItSupport.loadCatalog(api1, skus);
    for (String sku : skus) ItSupport.receive(api1, sku, STOCK_PER_SKU);

    List<ApiClient> clients = nodes.stream().map(NodeProcess::client).toList();
    Map<String, Outcome> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    Semaphore inFlight = new Semaphore(24);
    List<CompletableFuture<?>> all = new ArrayList<>();
    boolean killed = false;
    for (int i = 0; i < ORDERS; i++) {
      if (!killed && i == ORDERS / 3) {
        nodes.get(2).kill();
        killed = true;
        System.out.println("[it] killed n3 after " + i + " orders were sent");
      }
      String customer = "cust-" + i;
      String sku = skus.get(i % SKUS);
      int qty = 1 + (i % 3);
      Map<String, Object> body = ItSupport.order("k-" + i, sku, qty);
      inFlight.acquire();
      sent.incrementAndGet();
      all.add(
          placeWithRetry(clients, i % 3, ItSupport.customer(customer), body, 0, retries)
              .thenAccept(
                  r -> {
                    JsonNode order = r.status() == 201 ? r.body() : r.body().path("order");
                    acknowledged.put(
                        customer,
                        new Outcome(
                            customer,
                            order.path("orderId").asText(),
                            sku,
                            qty,
                            order.path("status").asText()));
                  })
              .whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    System.out.println(
        "[it] " + acknowledged.size() + " orders acknowledged, " + retries.get() + " retries");
    assertEquals(ORDERS, acknowledged.size(), "every order eventually answered");
    awaitMembers(nodes.get(0), 2);

    // every acknowledged order reads back, from either surviving node, with its acknowledged state
    Map<String, Integer> confirmedUnits = new HashMap<>();
    for (Outcome o : acknowledged.values()) {
      ApiClient api = clients.get(Math.floorMod(o.orderId().hashCode(), 2));
      var r = api.call("GET", "/orders/" + o.orderId(), ItSupport.OPERATOR, null);
      assertEquals(200, r.status(), r.raw());
      assertEquals(o.status(), r.body().path("status").asText(), o.toString());
      if (o.status().equals("CONFIRMED")) confirmedUnits.merge(o.sku(), o.quantity(), Integer::sum);
      else assertEquals("REJECTED", o.status());
    }
    // stock adds up: nothing lost, nothing oversold, reservations match the confirmed orders
    // exactly
    for (String sku : skus) {
      JsonNode stock = ItSupport.stock(clients.get(1), sku);
      int available = stock.path("available").asInt();
      int reserved = stock.path("reserved").asInt();
      int committed = stock.path("committed").asInt();
      assertTrue(available >= 0, sku + " " + stock);
      assertEquals(STOCK_PER_SKU, available + reserved + committed, sku + " " + stock);
      assertEquals(confirmedUnits.getOrDefault(sku, 0), reserved, sku + " " + stock);
    }
    int totalConfirmed = confirmedUnits.values().stream().mapToInt(Integer::intValue).sum();
    assertTrue(totalConfirmed <= SKUS * STOCK_PER_SKU);
    assertTrue(totalConfirmed > SKUS * STOCK_PER_SKU / 2, "most stock sold: " + totalConfirmed);

    // a node joining takes over shards from the survivors (least-shard allocation rebalances onto
    // it)
    NodeProcess joiner =
        NodeProcess.start("n4", cassandra, keyspace, nodes.get(0).remotePort, Map.of());
    nodes.add(joiner);
    awaitMembers(nodes.get(0), 3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    double shards = 0;
    while (System.nanoTime() < deadline && shards == 0) {
      // reading orders through the new node keeps their shards active while the coordinator
      // rebalances
      acknowledged.values().stream()
          .limit(100)
          .forEach(
              o -> joiner.client().call("GET", "/orders/" + o.orderId(), ItSupport.OPERATOR, null));
      NodeProcess.sleep(2000);
      shards = shardGauge(joiner.client(), "OrderLedger");
    }
    assertTrue(shards > 0, "the joining node hosts OrderLedger shards");

    // A node dies with sagas in flight and no client ever retries: the orders are remembered
    // entities, so they
    // restart on the survivors and finish by themselves. Stock is read before any order is touched
    // (reading an
    // order would wake it), so a saga left half done would show as reserved stock without a
    // confirmed order.
    for (String sku : skus) ItSupport.receive(nodes.get(0).client(), sku, 20); // room for the burst
    NodeProcess victim = nodes.get(1);
    ApiClient victimApi = victim.client();
    Map<String, String[]> burst = new LinkedHashMap<>(); // orderId -> customer, sku, quantity
    Map<String, CompletableFuture<ApiClient.Reply>> answers = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      String customer = "burst-" + i;
      String key = "b-" + i;
      String sku = skus.get(i % SKUS);
      String orderId = OrderRoutes.orderIdFor(customer, key);
      burst.put(orderId, new String[] {customer, sku, "1"});
      answers.put(
          orderId,
          victimApi.send(
              "POST", "/orders", ItSupport.customer(customer), ItSupport.order(key, sku, 1)));
    }
    NodeProcess.sleep(150);
    victim.kill();
    // what the node acknowledged before it died (its ledger batches were being written)
    List<String> ackedBeforeKill =
        answers.entrySet().stream()
            .filter(
                e ->
                    e.getValue().isDone()
                        && !e.getValue().isCompletedExceptionally()
                        && e.getValue().join().status() == 201)
            .map(Map.Entry::getKey)
            .toList();
    System.out.println(
        "[it] killed n2 with " + burst.size() + " orders sent to it and nobody retrying");
    awaitMembers(nodes.get(0), 2);
    ApiClient survivor = nodes.get(0).client();
    Map<String, Integer> reservedNow = awaitStableReservations(survivor, skus);
    Map<String, Integer> expected = new HashMap<>(confirmedUnits);
    int burstConfirmed = 0;
    int burstMissing = 0;
    for (var e : burst.entrySet()) {
      var r = survivor.call("GET", "/orders/" + e.getKey(), ItSupport.OPERATOR, null);
      if (r.status() == 404) {
        burstMissing++; // never persisted before the kill: it does not exist and holds nothing
        continue;
      }
      String status = r.body().path("status").asText();
      assertTrue(
          status.equals("CONFIRMED") || status.equals("REJECTED"), e.getKey() + " is " + status);
      if (status.equals("CONFIRMED")) {
        burstConfirmed++;
        expected.merge(e.getValue()[1], 1, Integer::sum);
      }
    }
    System.out.println(
        "[it] burst: "
            + ackedBeforeKill.size()
            + " acknowledged before the kill, "
            + burstConfirmed
            + " confirmed, "
            + burstMissing
            + " never persisted");
    for (String orderId : ackedBeforeKill) {
      var r = survivor.call("GET", "/orders/" + orderId, ItSupport.OPERATOR, null);
      assertEquals(200, r.status(), orderId + " was acknowledged before the kill: " + r.raw());
      assertEquals("CONFIRMED", r.body().path("status").asText(), orderId + ": " + r.raw());
    }
    for (String sku : skus) {
      assertEquals(
          expected.getOrDefault(sku, 0),
          reservedNow.get(sku),
          sku + ": reserved stock = confirmed orders");
      JsonNode stock = ItSupport.stock(survivor, sku);
      assertEquals(
          STOCK_PER_SKU + 20,
          stock.path("available").asInt()
              + stock.path("reserved").asInt()
              + stock.path("committed").asInt(),
          sku + " " + stock);
    }
    assertTrue(burstConfirmed > 0, "the burst had stock to confirm against");
    // no reservation without its order, no order line without its reservation, nothing oversold
    OrderLoad.auditClean(survivor);
  }

  /**
   * Reads every SKU's reserved stock until it has not changed for 5 s (sagas still settling), at
   * most 90 s.
   */
  private static Map<String, Integer> awaitStableReservations(ApiClient api, List<String> skus) {
    Map<String, Integer> last = Map.of();
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      Map<String, Integer> now = new HashMap<>();
      try {
        for (String sku : skus) now.put(sku, ItSupport.stock(api, sku).path("reserved").asInt());
      } catch (AssertionError stillRecovering) {
        NodeProcess.sleep(1000);
        continue;
      }
      if (!now.equals(last)) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(5)) {
        return now;
      }
      NodeProcess.sleep(1000);
    }
    return last;
  }

  static double shardGauge(ApiClient api, String entityType) {
    for (String line : api.call("GET", "/metrics", null, null).raw().split("\n")) {
      if (line.startsWith("groupbuy_shards{entity_type=\"" + entityType + "\"}")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /**
   * Sends to one node; on a connection failure, a 5xx or a timeout tries the next node with the
   * same body and key.
   */
  private CompletableFuture<ApiClient.Reply> placeWithRetry(
      List<ApiClient> clients,
      int nodeIndex,
      String token,
      Map<String, Object> body,
      int attempt,
      AtomicInteger retries) {
    ApiClient api = clients.get(nodeIndex % clients.size());
    return api.send("POST", "/orders", token, body)
        .handle((r, e) -> e == null && (r.status() == 201 || r.status() == 409) ? r : null)
        .thenCompose(
            r -> {
              if (r != null) return CompletableFuture.completedFuture(r);
              if (attempt >= 30)
                throw new IllegalStateException("order never acknowledged: " + body);
              retries.incrementAndGet();
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                  .thenCompose(
                      x ->
                          placeWithRetry(
                              clients, nodeIndex + 1, token, body, attempt + 1, retries));
            });
  }
}
