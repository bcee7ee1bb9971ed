package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.platform.CassandraLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes configured as in Kubernetes (GROUPBUY_CONFIG_RESOURCE=kubernetes.conf, Cluster Bootstrap,
 * three required contact points), with Kubernetes API discovery replaced by config discovery
 * listing the three management endpoints: they form one cluster. A node with neither seeds nor
 * bootstrap refuses to start.
 */
class KubernetesBootstrapIT {
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void nodesWithTheKubernetesSettingsFormOneCluster() {
    CassandraLauncher.Node cassandra = TestCassandra.shared();
    String keyspace = ItSupport.uniqueKeyspace("it_k8s");
    List<NodeProcess.Launch> launches = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      launches.add(
          NodeProcess.plan(
              "k" + i, cassandra, keyspace, CassandraLauncher.freePort(), List.of(), Map.of()));
    }
    // Bootstrap tells contact points apart by host, as pods have an address each: each node's
    // management endpoint
    // gets a loopback address of its own (127.0.0.1..3).
    Map<String, String> discovery = new HashMap<>();
    discovery.put(
        "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", "config");
    for (int i = 0; i < 3; i++) {
      discovery.put(
          "pekko.discovery.config.services.groupbuy.endpoints." + i + ".host",
          "127.0.0." + (i + 1));
      discovery.put(
          "pekko.discovery.config.services.groupbuy.endpoints." + i + ".port",
          String.valueOf(launches.get(i).management()));
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      NodeProcess.Launch l = launches.get(i);
      Map<String, String> extra = new HashMap<>(l.extra());
      extra.putAll(discovery);
      extra.put("pekko.management.http.hostname", "127.0.0." + (i + 1));
      nodes.add(
          NodeProcess.spawn(
              new NodeProcess.Launch(
                  l.name(),
                  l.contactPoint(),
                  l.keyspace(),
                  l.http(),
                  l.management(),
                  l.remote(),
                  List.of(),
                  extra,
                  Map.of("GROUPBUY_CONFIG_RESOURCE", "kubernetes.conf"))));
    }
    for (NodeProcess n : nodes) n.awaitReady(Duration.ofSeconds(120));
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    for (NodeProcess n : nodes) ClusterIT.awaitMembers(n, 3);
    System.out.printf(
        "[it] three bootstrap nodes formed one cluster, all ready, after %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
    ItSupport.loadCatalog(nodes.get(2).client(), List.of("k8s-sku"));
    // The first write of a cluster this young starts its shard coordinators and prepares every
    // statement; on a
    // loaded machine it may take longer than one ask, and a 503 means "send the same request
    // again".
    String receipts = "/inventory/" + ItSupport.WAREHOUSE + "/k8s-sku/receipts";
    var receipt =
        nodes
            .get(0)
            .client()
            .callRetrying(
                "POST",
                receipts,
                ItSupport.OPERATOR,
                Map.of("receiptId", "k8s-receipt-1", "quantity", 5),
                6);
    assertEquals(200, receipt.status(), receipt.raw());
    assertEquals(5, ItSupport.stock(nodes.get(1).client(), "k8s-sku").path("available").asInt());
  }

  @Test
  void aNodeWithoutSeedsOrBootstrapRefusesToStart() {
    var l =
        NodeProcess.plan(
            "lonely",
            TestCassandra.shared(),
            ItSupport.uniqueKeyspace("it_noseed"),
            CassandraLauncher.freePort(),
            List.of(),
            Map.of());
    var exit = NodeProcess.runToExit(l, Duration.ofSeconds(60));
    assertEquals(2, exit.getKey(), exit.getValue());
    assertTrue(
        exit.getValue()
            .contains("Refusing to start: groupbuy does not know how to find its cluster"),
        exit.getValue());
  }
}
