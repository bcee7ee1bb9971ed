package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The restarted first seed: node 1 of three is killed and started again with only itself as seed,
 * so it forms a second cluster on the same journal. With 100 units of one SKU and 400 orders spread
 * over the three nodes, the second cluster must not confirm a single order (the journal fence
 * refuses it), the first sells at most the 100 units, and the journal audit is clean. Started again
 * with the other members as seeds, node 1 joins the first cluster.
 */
class SplitBrainIT {
  private static final String SKU = "flash-sku";
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void aRestartedSeedThatJoinsItselfConfirmsNothing() throws Exception {
    CassandraLauncher.Node cassandra = TestCassandra.shared();
    String keyspace = ItSupport.uniqueKeyspace("it_split");
    int[] remote = {
      CassandraLauncher.freePort(), CassandraLauncher.freePort(), CassandraLauncher.freePort()
    };
    // the faulty set-up of the issue: every node knows only node 1 as seed
    List<Integer> onlyFirst = List.of(remote[0]);
    for (int i = 0; i < 3; i++) {
      nodes.add(
          NodeProcess.start(
              NodeProcess.plan("n" + (i + 1), cassandra, keyspace, remote[i], onlyFirst, Map.of()),
              true));
    }
    ClusterIT.awaitMembers(nodes.get(0), 3);
    ApiClient api = nodes.get(1).client();
    ItSupport.loadCatalog(api, List.of(SKU));
    ItSupport.receive(api, SKU, 100);

    nodes.get(0).kill();
    ClusterIT.awaitMembers(nodes.get(1), 2);
    long restarted = System.nanoTime();
    NodeProcess lone = nodes.get(0).restart(onlyFirst, false);
    nodes.set(0, lone);
    JsonNode loneMembers = members(lone);
    System.out.println(
        "[it] restarted n1 sees members "
            + loneMembers.path("members").size()
            + "; n2 sees "
            + members(nodes.get(1)).path("members").size());
    awaitSelfJoined(lone);
    assertEquals(1, members(lone).path("members").size(), "node 1 formed a cluster of its own");
    assertTrue(!lone.isReady(), "a node that may not write to the journal is not ready");

    // 400 orders of one unit, spread over the three nodes, no client failover
    List<CompletableFuture<ApiClient.Reply>> replies = new ArrayList<>();
    List<ApiClient> clients = nodes.stream().map(NodeProcess::client).toList();
    for (int i = 0; i < 400; i++) {
      replies.add(
          clients
              .get(i % 3)
              .send(
                  "POST",
                  "/orders",
                  ItSupport.customer("c" + i),
                  ItSupport.order("k" + i, SKU, 1)));
      if (i % 20 == 19)
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    }
    Map<Integer, Map<Integer, Integer>> statusesByNode = new HashMap<>();
    int confirmed = 0;
    List<String> confirmedIds = new ArrayList<>();
    for (int i = 0; i < replies.size(); i++) {
      ApiClient.Reply r = replies.get(i).get(2, TimeUnit.MINUTES);
      statusesByNode
          .computeIfAbsent(i % 3 + 1, k -> new HashMap<>())
          .merge(r.status(), 1, Integer::sum);
      if (r.status() == 201 && r.body().path("status").asText().equals("CONFIRMED")) {
        assertTrue(i % 3 != 0, "the second cluster (node 1) confirmed order " + i + ": " + r.raw());
        confirmed++;
        confirmedIds.add(r.body().path("orderId").asText());
      }
      if (i % 3 == 0) {
        assertEquals(503, r.status(), r.raw());
        assertEquals("journal-fence", r.body().path("code").asText(), r.raw());
      }
    }
    System.out.println(
        "[it] statuses by node: "
            + statusesByNode
            + "; "
            + confirmed
            + " confirmed; second cluster "
            + "refused for "
            + Duration.ofNanos(System.nanoTime() - restarted).toSeconds()
            + " s");
    assertEquals(100, confirmed, "the first cluster sells exactly the stock");
    JsonNode stock = ItSupport.stock(api, SKU);
    assertEquals(100, stock.path("reserved").asInt(), stock.toString());
    assertEquals(0, stock.path("available").asInt(), stock.toString());
    JsonNode audit = OrderLoad.auditClean(api);
    assertEquals(
        100, audit.path("stock").get(0).path("confirmedByOrders").asInt(), audit.toString());

    // the documented way back (run-local-cluster.sh restart 1): stop the lone node, start it with
    // the other members
    // as seeds; it can only join them
    lone.stop();
    long rejoin = System.nanoTime();
    NodeProcess joined = lone.restart(List.of(remote[1], remote[2]), true);
    nodes.set(0, joined);
    ClusterIT.awaitMembers(nodes.get(1), 3);
    System.out.printf(
        "[it] node 1 rejoined the cluster and is ready after %.1f s%n",
        (System.nanoTime() - rejoin) / 1e9);
    ItSupport.receive(joined.client(), SKU, 10);
    var more =
        joined
            .client()
            .call(
                "POST", "/orders", ItSupport.customer("after"), ItSupport.order("after-1", SKU, 2));
    assertEquals(201, more.status(), more.raw());
    for (String id : confirmedIds) {
      var r = joined.client().call("GET", "/orders/" + id, ItSupport.OPERATOR, null);
      assertEquals("CONFIRMED", r.body().path("status").asText(), r.raw());
    }
    OrderLoad.auditClean(joined.client());
  }

  static JsonNode members(NodeProcess node) {
    return new ApiClient(node.managementUrl()).call("GET", "/cluster/members", null, null).body();
  }

  private static void awaitSelfJoined(NodeProcess node) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        JsonNode m = members(node);
        for (JsonNode member : m.path("members"))
          if (member.path("status").asText().equals("Up")) return;
      } catch (RuntimeException notYet) {
        // management not answering yet
      }
      NodeProcess.sleep(500);
    }
    throw new AssertionError(node.name + " never became Up");
  }
}
