package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.order.OrderRoutes;
import io.groupbuy.orderview.OrderViewRebuild;
import io.groupbuy.orderview.OrderViewStore;
import io.groupbuy.sim.ApiClient;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node is killed with SIGKILL while orders stream in and its read-model projections run; it is
 * restarted on the same ports and settings, and clients retry what got no answer. Every order is
 * then counted exactly once in confirmed demand (nothing lost, nothing counted twice), and a
 * rebuild from the journal equals the live read models.
 */
class ReadModelKillIT {
  private static final String KEYSPACE = ItSupport.uniqueKeyspace("it_viewkill");
  private static final List<String> SKUS = List.of("vk-a", "vk-b");
  private static final int ORDERS = 300;
  private NodeProcess node;
  private ActorSystem<Void> local;

  @AfterEach
  void stop() {
    if (local != null) local.terminate();
    if (node != null) node.close();
  }

  @Test
  void readModelsNeitherLoseNorDoubleCountAcrossAKill() throws Exception {
    node = NodeProcess.start("n1", TestCassandra.shared(), KEYSPACE, null, Map.of());
    ApiClient api = node.client();
    ItSupport.loadCatalog(api, SKUS);
    for (String sku : SKUS) ItSupport.receive(api, sku, 10_000);
    String token = ItSupport.customer("c-kill");
    Map<String, Integer> units = new HashMap<>(); // per SKU, every order of the test
    Map<String, CompletableFuture<ApiClient.Reply>> answers = new HashMap<>();
    Semaphore inFlight = new Semaphore(32);
    AtomicInteger acknowledged = new AtomicInteger();
    int sent = 0;
    for (; sent < ORDERS && acknowledged.get() < ORDERS / 2; sent++) {
      inFlight.acquire();
      String sku = SKUS.get(sent % 2);
      units.merge(sku, 1 + sent % 3, Integer::sum);
      answers.put(
          "k" + sent,
          api.send("POST", "/orders", token, ItSupport.order("k" + sent, sku, 1 + sent % 3))
              .whenComplete(
                  (r, e) -> {
                    inFlight.release();
                    if (e == null && r.status() == 201) acknowledged.incrementAndGet();
                  }));
    }
    node.kill();
    System.out.println(
        "[it] killed the node after "
            + sent
            + " orders were sent, "
            + acknowledged.get()
            + " acknowledged");
    CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
    node = node.restart(node.launch().seeds(), true);
    api = node.client();

    // clients retry, with the same key, what got no answer; then the rest of the orders come in
    long cutoffAt = 0;
    for (int i = 0; i < ORDERS; i++) {
      var answer = answers.get("k" + i);
      if (answer != null && !answer.isCompletedExceptionally() && answer.join().status() == 201) {
        cutoffAt = answer.join().body().path("cutoffEpochMs").asLong();
        continue;
      }
      String sku = SKUS.get(i % 2);
      if (answer == null) units.merge(sku, 1 + i % 3, Integer::sum);
      var r =
          api.callRetrying("POST", "/orders", token, ItSupport.order("k" + i, sku, 1 + i % 3), 10);
      assertEquals(201, r.status(), "k" + i + ": " + r.raw());
      cutoffAt = r.body().path("cutoffEpochMs").asLong();
    }
    for (int i = 0; i < ORDERS; i++) {
      var r =
          api.call(
              "GET",
              "/orders/" + OrderRoutes.orderIdFor("c-kill", "k" + i),
              ItSupport.OPERATOR,
              null);
      assertEquals("CONFIRMED", r.body().path("status").asText(), "k" + i + ": " + r.raw());
    }

    // confirmed demand counts every order exactly once
    String day =
        Instant.ofEpochMilli(cutoffAt).atZone(ZoneId.of("Asia/Shanghai")).toLocalDate().toString();
    for (String sku : SKUS) {
      int shown = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        var demand =
            api.call(
                "GET",
                "/inventory/" + ItSupport.WAREHOUSE + "/" + sku + "/demand?day=" + day,
                ItSupport.OPERATOR,
                null);
        shown = demand.status() == 200 ? demand.body().path("units").asInt() : -1;
        if (shown == units.get(sku)) break;
        NodeProcess.sleep(1000);
      }
      assertEquals(units.get(sku), shown, sku + ": confirmed demand after the kill");
    }

    // and a rebuild from the journal equals every live read model
    local = OrderViewIT.localSystem(KEYSPACE);
    OrderViewStore live = OrderViewRebuild.store(local, "");
    OrderViewStore rebuilt = OrderViewRebuild.store(local, OrderViewRebuild.SUFFIX);
    rebuilt.createTables().toCompletableFuture().get(1, TimeUnit.MINUTES);
    OrderViewRebuild.rebuild(local, rebuilt, n -> {})
        .toCompletableFuture()
        .get(5, TimeUnit.MINUTES);
    var comparison =
        OrderViewRebuild.compare(live, rebuilt).toCompletableFuture().get(1, TimeUnit.MINUTES);
    System.out.println("[it] live against rebuilt read models: " + comparison);
    assertTrue(comparison.equal(), comparison.toString());
    assertTrue(comparison.live() >= ORDERS, comparison.toString());
  }
}
