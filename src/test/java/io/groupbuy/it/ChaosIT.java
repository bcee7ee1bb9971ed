package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes (seeded as the local script does: every member at first, the others on a restart)
 * under a steady order load while an operator's kind of trouble hits them: a node frozen long
 * enough to be downed, a Cassandra restart, a rolling restart of every node. Afterwards every order
 * was acknowledged and reads back as acknowledged, every node serves, and the journal audit is
 * clean. Recovery times and 503 counts are printed.
 */
class ChaosIT {
  private static final List<String> SKUS = List.of("chaos-a", "chaos-b", "chaos-c", "chaos-d");
  private final List<NodeProcess> nodes = new ArrayList<>();
  private CassandraLauncher.Node ownCassandra;

  @AfterEach
  void stop() {
    nodes.forEach(NodeProcess::close);
    if (ownCassandra != null) ownCassandra.close();
  }

  private void startCluster(CassandraLauncher.Node cassandra, String keyspacePrefix) {
    String keyspace = ItSupport.uniqueKeyspace(keyspacePrefix);
    List<Integer> remote =
        List.of(
            CassandraLauncher.freePort(),
            CassandraLauncher.freePort(),
            CassandraLauncher.freePort());
    for (int i = 0; i < 3; i++) {
      nodes.add(
          NodeProcess.start(
              NodeProcess.plan("n" + (i + 1), cassandra, keyspace, remote.get(i), remote, Map.of()),
              true));
    }
    ClusterIT.awaitMembers(nodes.get(0), 3);
    ItSupport.loadCatalog(nodes.get(0).client(), SKUS);
    for (String sku : SKUS) ItSupport.receive(nodes.get(0).client(), sku, 2000);
    awaitCatalogEverywhere();
  }

  private void awaitCatalogEverywhere() {
    for (NodeProcess n : nodes) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (n.client().call("GET", "/catalog/skus", null, null).raw().indexOf(SKUS.get(0)) < 0
          && System.nanoTime() < deadline) {
        NodeProcess.sleep(500);
      }
    }
  }

  private List<ApiClient> live() {
    synchronized (nodes) {
      return nodes.stream().filter(NodeProcess::isAlive).map(NodeProcess::client).toList();
    }
  }

  @Test
  void aFrozenNodeIsDownedAndNeverServesAgain() {
    startCluster(TestCassandra.shared(), "it_freeze");
    NodeProcess frozen =
        nodes.get(0); // the oldest: it runs the fence keeper and the shard coordinator
    OrderLoad load =
        new OrderLoad(
            "fz",
            () -> nodes.stream().filter(n -> n != frozen).map(NodeProcess::client).toList(),
            SKUS,
            20);
    NodeProcess.sleep(3000);
    long t0 = System.nanoTime();
    frozen.freeze();
    System.out.println("[it] froze n1 (SIGSTOP)");
    ClusterIT.awaitMembers(nodes.get(1), 2);
    double downedAfter = (System.nanoTime() - t0) / 1e9;
    awaitOrderThrough(nodes.get(1).client(), "fz-probe");
    double servingAfter = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "[it] n1 downed and removed after %.1f s; orders through the survivors after %.1f s%n",
        downedAfter, servingAfter);
    NodeProcess.sleep(5000);
    frozen.unfreeze();
    long resumed = System.nanoTime();
    // The resumed node may still answer for a moment, but never acknowledges a change.
    int refusedOnResumed = 0;
    while (frozen.isAlive() && System.nanoTime() - resumed < TimeUnit.SECONDS.toNanos(60)) {
      try {
        var r =
            frozen
                .client()
                .call(
                    "POST",
                    "/orders",
                    ItSupport.customer("zombie"),
                    ItSupport.order("zombie-" + refusedOnResumed, SKUS.get(0), 1));
        assertTrue(
            r.status() >= 500,
            "the removed node acknowledged a change: " + r.status() + " " + r.raw());
        refusedOnResumed++;
      } catch (RuntimeException connectionRefused) {
        // the node has unbound or died: that is a refusal too
      }
      NodeProcess.sleep(200);
    }
    System.out.printf(
        "[it] resumed n1 refused %d changes and exited %.1f s after SIGCONT%n",
        refusedOnResumed, (System.nanoTime() - resumed) / 1e9);
    assertTrue(frozen.awaitExit(Duration.ofSeconds(5)), "the removed node shuts itself down");
    load.close();
    System.out.println("[it] load: " + load.summary());
    ApiClient survivor = nodes.get(1).client();
    load.verify(survivor);
    OrderLoad.auditClean(survivor);
  }

  @Test
  void aCassandraRestartUnderLoadLosesNothing() {
    ownCassandra = TestCassandra.start("chaos-restart");
    startCluster(ownCassandra, "it_cassrestart");
    OrderLoad load = new OrderLoad("cr", this::live, SKUS, 20);
    NodeProcess.sleep(3000);
    long t0 = System.nanoTime();
    ownCassandra = TestCassandra.restart(ownCassandra);
    double outage = (System.nanoTime() - t0) / 1e9;
    long back = System.nanoTime();
    awaitOrderThrough(nodes.get(2).client(), "cr-probe");
    System.out.printf(
        "[it] Cassandra down and up again in %.1f s; orders succeed %.1f s after it is back%n",
        outage, (System.nanoTime() - back) / 1e9);
    NodeProcess.sleep(3000);
    load.close();
    System.out.println(
        "[it] load: "
            + load.summary()
            + "; 503s with a JSON error and retry hint: "
            + load.unavailableWithRetryHint());
    assertTrue(load.unavailable() > 0, "the outage was seen by clients");
    assertEquals(
        load.unavailable(), load.unavailableWithRetryHint(), "every 503 names the problem");
    for (NodeProcess n : nodes) assertTrue(n.isAlive(), n.name + " survived the outage");
    String metrics =
        nodes.stream()
            .map(n -> n.client().call("GET", "/metrics", null, null).raw())
            .reduce("", String::concat);
    assertTrue(
        metrics.contains("groupbuy_http_server_errors_total{code=\"503\"}"),
        "503s count as server errors");
    assertTrue(
        !metrics.contains("groupbuy_http_client_errors_total{code=\"503\"}"),
        "and not as client errors");
    load.verify(nodes.get(0).client());
    OrderLoad.auditClean(nodes.get(0).client());
  }

  @Test
  void aRollingRestartOfEveryNodeUnderLoad() {
    startCluster(TestCassandra.shared(), "it_rolling");
    List<Integer> seeds = nodes.stream().map(n -> n.remotePort).toList();
    OrderLoad load = new OrderLoad("rr", this::live, SKUS, 20);
    NodeProcess.sleep(3000);
    for (int i = 0; i < nodes.size(); i++) {
      long t0 = System.nanoTime();
      NodeProcess old = nodes.get(i);
      old.stop();
      // as run-local-cluster.sh restart does: the others as seeds, so the node can only join them
      NodeProcess again =
          old.restart(seeds.stream().filter(p -> p != old.remotePort).toList(), true);
      synchronized (nodes) {
        nodes.set(i, again);
      }
      ClusterIT.awaitMembers(again, 3);
      System.out.printf(
          "[it] rolling restart: %s back, ready and a member after %.1f s%n",
          again.name, (System.nanoTime() - t0) / 1e9);
    }
    NodeProcess.sleep(3000);
    load.close();
    System.out.println("[it] load: " + load.summary());
    load.verify(nodes.get(0).client());
    OrderLoad.auditClean(nodes.get(0).client());
  }

  /** Places probe orders until one is confirmed or rejected (not 5xx), at most two minutes. */
  private static void awaitOrderThrough(ApiClient api, String key) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    int attempt = 0;
    while (System.nanoTime() < deadline) {
      try {
        var r =
            api.call(
                "POST", "/orders", ItSupport.customer(key), ItSupport.order(key, SKUS.get(1), 1));
        if (r.status() == 201 || r.status() == 409) return;
      } catch (RuntimeException notYet) {
        // retry
      }
      attempt++;
      NodeProcess.sleep(250);
    }
    throw new AssertionError("no order went through within 2 minutes (" + attempt + " attempts)");
  }
}
