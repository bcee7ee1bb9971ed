package io.groupbuy.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.it.TestCassandra;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Orders placed and persisted per second, end to end over HTTP, against the same Cassandra's raw
 * write rate.
 *
 * <p>(a) N concurrent HTTP clients place one-line orders on one node (child JVM) until the time is
 * up; each 201 means the order, the inventory reservation and the confirmation are all in the
 * journal. (b) Baseline, same run, same Cassandra: N concurrent asynchronous inserts of event-sized
 * rows into a table shaped like the journal's, through the Java driver. Prints both rates, latency
 * percentiles and the ratio a/b.
 *
 * <p>Run with {@code bench/order-throughput [--clients N] [--seconds S] [--warmup S]}.
 */
public final class OrderThroughputBench {
  private OrderThroughputBench() {}

  record Rate(String name, long count, long errors, double seconds, long[] latenciesMicros) {
    double perSecond() {
      return count / seconds;
    }

    String line() {
      long[] l = latenciesMicros.clone();
      Arrays.sort(l);
      return String.format(
          "%-46s %8.0f /s   (%d in %.1f s, %d errors; latency p50 %.1f ms, p99 %.1f ms)",
          name, perSecond(), count, seconds, errors, pct(l, 0.50) / 1000.0, pct(l, 0.99) / 1000.0);
    }

    static double pct(long[] sorted, double p) {
      return sorted.length == 0
          ? 0
          : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
  }

  public static void main(String[] args) throws Exception {
    int clients = 64;
    int seconds = 30;
    int warmup = 10;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "unknown option " + args[i] + "; use --clients N --seconds S --warmup S");
      }
    }
    System.out.printf(
        "order throughput benchmark: %d concurrent clients, %d s measured after %d s warm-up, %d cores%n",
        clients, seconds, warmup, Runtime.getRuntime().availableProcessors());
    System.out.println("[1/4] starting Cassandra ...");
    CassandraLauncher.Node cassandra = TestCassandra.start("bench");
    NodeProcess node = null;
    try (WriteCounter counter = new WriteCounter(cassandra)) {
      System.out.println(
          "[2/4] baseline: raw async inserts of event-sized rows through the Java driver ...");
      AtomicLong rawDone = new AtomicLong();
      WriteCounter.Counts rawBefore = counter.read();
      Rate baseline = rawInserts(cassandra, clients, seconds, warmup, rawDone);
      WriteCounter.Counts rawCost = counter.read().minus(rawBefore);
      System.out.println("      " + baseline.line());
      System.out.printf(
          "      Cassandra's own counters, per raw insert (%d inserts; checks the counting):%n%s",
          rawDone.get(), rawCost.perUnit(rawDone.get(), "insert"));

      System.out.println("[3/4] starting a groupbuy node and stocking 200 SKUs ...");
      node = NodeProcess.start("bench", cassandra, "bench_orders", null, nodeSettings());
      ApiClient api = node.client();
      List<String> skus = stock(api, 200);

      System.out.println("[4/4] placing orders over HTTP ...");
      String token = ItSupport.customer("bench-customer");
      AtomicLong seq = new AtomicLong();
      AtomicLong placed = new AtomicLong();
      WriteCounter.Counts ordersBefore = counter.read();
      Rate orders =
          measure(
              "orders placed + persisted (HTTP, end to end)",
              clients,
              seconds,
              warmup,
              () -> {
                long n = seq.incrementAndGet();
                String sku = skus.get((int) (n * 7919 % skus.size()));
                return api.send(
                        "POST",
                        "/orders",
                        token,
                        Map.of(
                            "idempotencyKey",
                            "bench-" + n,
                            "pickupPointId",
                            "pp-bench",
                            "lines",
                            List.of(Map.of("sku", sku, "quantity", 1 + (int) (n % 2)))))
                    .thenApply(
                        r -> {
                          if (r.status() != 201)
                            throw new IllegalStateException(
                                "order failed: " + r.status() + " " + r.raw());
                          placed.incrementAndGet();
                          return r;
                        });
              });
      // the saga's last steps (handing the order to dispatch) run after the 201
      Thread.sleep(3_000);
      WriteCounter.Counts orderCost = counter.read().minus(ordersBefore);
      System.out.printf(
          "      Cassandra's own counters, per order placed (%d orders with warm-up, and the node's"
              + " background work in the same time):%n%s",
          placed.get(), orderCost.perUnit(placed.get(), "order"));
      System.out.println();
      System.out.println("      " + baseline.line());
      System.out.println("      " + orders.line());
      System.out.printf(
          "      ratio orders/s : raw inserts/s = %.3f%n",
          orders.perSecond() / baseline.perSecond());
      System.out.printf(
          "      (journal events/s : raw inserts/s = %.3f, counting 3 events per order: placed,"
              + " reserved, confirmed)%n",
          3 * orders.perSecond() / baseline.perSecond());
      System.out.printf(
          "write statements per order: %.1f%n", orderCost.totalWrites() / (double) placed.get());
      System.out.printf(
          "read statements per order: %.1f%n", orderCost.totalReads() / (double) placed.get());
    } finally {
      if (node != null) node.close();
      cassandra.close();
    }
  }

  /**
   * Node settings under test: any -Dbench.node.KEY=VALUE given to the benchmark is passed to the
   * node as KEY.
   */
  private static Map<String, String> nodeSettings() {
    Map<String, String> settings = new TreeMap<>();
    System.getProperties()
        .forEach(
            (k, v) -> {
              if (k.toString().startsWith("bench.node."))
                settings.put(k.toString().substring(11), v.toString());
            });
    if (!settings.isEmpty()) System.out.println("      node settings: " + settings);
    return settings;
  }

  private static List<String> stock(ApiClient api, int count) {
    List<Sku> skus = new ArrayList<>();
    for (int i = 0; i < count; i++)
      skus.add(new Sku("bench-" + i, "bench item " + i, "bench", 2.0));
    check(api.call("PUT", "/catalog/skus", ItSupport.OPERATOR, new SkuList(skus)));
    check(
        api.call(
            "PUT",
            "/catalog/pickup-points",
            ItSupport.OPERATOR,
            new PickupPointList(
                List.of(
                    new PickupPoint(
                        "pp-bench", "bench point", "Benchcity", 30.0, 120.0, "wh-bench")))));
    List<CompletableFuture<ApiClient.Reply>> receipts = new ArrayList<>();
    for (Sku s : skus) {
      receipts.add(
          api.send(
              "POST",
              "/inventory/wh-bench/" + s.sku() + "/receipts",
              ItSupport.OPERATOR,
              Map.of("receiptId", "bench-stock", "quantity", 1_000_000)));
    }
    receipts.forEach(r -> check(r.join()));
    return skus.stream().map(Sku::sku).toList();
  }

  private static void check(ApiClient.Reply r) {
    if (!r.ok())
      throw new IllegalStateException("setup call failed: " + r.status() + " " + r.raw());
  }

  private static Rate rawInserts(
      CassandraLauncher.Node cassandra, int clients, int seconds, int warmup, AtomicLong done)
      throws Exception {
    try (CqlSession session =
        CqlSession.builder()
            // driver defaults only: application.conf's contact points (a dev Cassandra on 9042?)
            // must not be merged in
            .withConfigLoader(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()))
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.cqlPort()))
            .withLocalDatacenter("datacenter1")
            .build()) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS bench_raw WITH replication = "
              + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      // the shape of the journal's messages table
      session.execute(
          "CREATE TABLE IF NOT EXISTS bench_raw.messages (persistence_id text, partition_nr bigint, "
              + "sequence_nr bigint, timestamp timeuuid, timebucket text, writer_uuid text, ser_id int, "
              + "ser_manifest text, event_manifest text, event blob, tags set<text>, "
              + "PRIMARY KEY ((persistence_id, partition_nr), sequence_nr, timestamp))");
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO bench_raw.messages (persistence_id, partition_nr, "
                  + "sequence_nr, timestamp, timebucket, writer_uuid, ser_id, ser_manifest, event_manifest, event, tags) "
                  + "VALUES (?, 0, ?, ?, '20261126T10', 'bench-writer', 9701, 'order.OrderPlaced', '', ?, ?)");
      byte[] payload = new byte[96]; // about an OrderPlaced event with one line
      new Random(1).nextBytes(payload);
      AtomicLong seq = new AtomicLong();
      return measure(
          "raw event-sized inserts (Java driver)",
          clients,
          seconds,
          warmup,
          () -> {
            long n = seq.incrementAndGet();
            return session
                .executeAsync(
                    insert.bind(
                        "Order|o-" + n,
                        1L,
                        Uuids.timeBased(),
                        ByteBuffer.wrap(payload),
                        Set.of("order-" + (n % 5))))
                .toCompletableFuture()
                .thenApply(
                    r -> {
                      done.incrementAndGet();
                      return r;
                    });
          });
    }
  }

  /**
   * Keeps {@code clients} operations in flight; counts those that complete inside the measured
   * window.
   */
  private static Rate measure(
      String name, int clients, int seconds, int warmup, Supplier<CompletionStage<?>> operation)
      throws Exception {
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long measureTo = measureFrom + seconds * 1_000_000_000L;
    AtomicLong count = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[] latencies = new long[5_000_000];
    AtomicLong latencyIndex = new AtomicLong();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops.add(done);
      runLoop(operation, measureFrom, measureTo, count, errors, latencies, latencyIndex, done);
    }
    long lastPrint = System.nanoTime();
    while (!loops.stream().allMatch(CompletableFuture::isDone)) {
      Thread.sleep(200);
      if (System.nanoTime() - lastPrint > 5_000_000_000L) {
        lastPrint = System.nanoTime();
        long elapsed = (lastPrint - start) / 1_000_000_000L;
        System.out.printf(
            "      ... %ds of %ds, %d completed in the measured window, %d errors%n",
            elapsed, warmup + seconds, count.get(), errors.get());
      }
    }
    for (CompletableFuture<Void> loop : loops) loop.join();
    int n = (int) Math.min(latencyIndex.get(), latencies.length);
    return new Rate(name, count.get(), errors.get(), seconds, Arrays.copyOf(latencies, n));
  }

  private static void runLoop(
      Supplier<CompletionStage<?>> operation,
      long from,
      long to,
      AtomicLong count,
      AtomicLong errors,
      long[] latencies,
      AtomicLong latencyIndex,
      CompletableFuture<Void> done) {
    long t0 = System.nanoTime();
    if (t0 >= to) {
      done.complete(null);
      return;
    }
    operation
        .get()
        .whenComplete(
            (r, e) -> {
              long t1 = System.nanoTime();
              if (e != null) {
                // counted, shown, and the client goes on: a benchmark reports errors rather than
                // hiding or dying on them
                if (errors.incrementAndGet() <= 3) System.out.println("      error: " + e);
              } else if (t0 >= from && t1 <= to) {
                count.incrementAndGet();
                long i = latencyIndex.getAndIncrement();
                if (i < latencies.length) latencies[(int) i] = (t1 - t0) / 1000;
              }
              runLoop(operation, from, to, count, errors, latencies, latencyIndex, done);
            });
  }
}
