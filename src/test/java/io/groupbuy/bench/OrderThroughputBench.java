package io.groupbuy.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.it.TestCassandra;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.platform.UuidV7;
import io.groupbuy.sim.ApiClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Orders placed and persisted per second, end to end over HTTP, against what the same machine can
 * do without the system, all in one run on one Cassandra: (a) raw inserts of event-sized rows, (b)
 * raw single-partition batches of {@link #BATCH_ROWS} such rows (the ceiling of group commit), (c)
 * the HTTP ceiling (a node that authenticates and validates {@code POST /orders} and persists
 * nothing), (d) orders end to end and (e) a flash sale of one SKU. Each phase keeps N requests in
 * flight; each 201 of (d) means the order, its reservation and its confirmation are in the journal.
 * Cassandra's own counters give the writes and reads per unit, table by table ({@link
 * WriteCounter}).
 *
 * <p>Run with {@code bench/order-throughput [--clients N] [--seconds S] [--warmup S] [--phases
 * abcde]}.
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
    String phases = "abcdhle";
    int longSeconds = 120;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--phases" -> phases = args[i + 1].replace(",", "");
        case "--long-seconds" -> longSeconds = Integer.parseInt(args[i + 1]);
        case "--keys" -> timeOrderedKeys = parseKeys(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; use --clients N --seconds S --warmup S --phases abcdhle --long-seconds S"
                    + " --keys uuid7|counter");
      }
    }
    // the node gets the heap of cluster-config/kubernetes/deployment.yaml, not the tests' 384m
    if (System.getProperty(NodeProcess.NODE_HEAP) == null) {
      System.setProperty(NodeProcess.NODE_HEAP, "1g");
    }
    System.out.printf(
        "order throughput benchmark: %d concurrent clients, %d s measured after %d s warm-up, %d cores,"
            + " node heap %s, idempotency keys: %s%n",
        clients,
        seconds,
        warmup,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty(NodeProcess.NODE_HEAP),
        timeOrderedKeys ? "UUIDv7 made as each request is sent" : "a counter (no time in them)");
    System.out.println("[1/6] starting Cassandra ...");
    CassandraLauncher.Node cassandra = TestCassandra.start("bench");
    Rate inserts = null;
    Rate batches = null;
    Rate ceiling = null;
    Rate orders = null;
    HotSku hot = null;
    SustainedLoad.FixedRate half = null;
    SustainedLoad.LongRun longRun = null;
    AtomicLong placed = new AtomicLong();
    WriteCounter.Counts orderCost = null;
    try (WriteCounter counter = new WriteCounter(cassandra);
        CqlSession raw = rawSession(cassandra)) {
      if (phases.contains("a")) {
        System.out.println(
            "[2/6] (a) raw async inserts of event-sized rows through the Java driver ...");
        AtomicLong rawDone = new AtomicLong();
        WriteCounter.Counts rawBefore = counter.read();
        inserts = rawInserts(raw, clients, seconds, warmup, rawDone);
        WriteCounter.Counts rawCost = counter.read().minus(rawBefore);
        System.out.println("      " + inserts.line());
        System.out.printf(
            "      Cassandra's own counters, per raw insert (%d inserts; checks the counting):%n%s",
            rawDone.get(), rawCost.perUnit(rawDone.get(), "insert"));
      }
      if (phases.contains("b")) {
        System.out.printf(
            "[3/6] (b) raw single-partition batches of %d event-sized rows ...%n", BATCH_ROWS);
        AtomicLong batchesDone = new AtomicLong();
        WriteCounter.Counts batchBefore = counter.read();
        batches = rawBatches(raw, clients, seconds, warmup, batchesDone);
        WriteCounter.Counts batchCost = counter.read().minus(batchBefore);
        System.out.println("      " + batches.line());
        System.out.printf(
            "      = %.0f rows/s; Cassandra's own counters, per batch (%d batches):%n%s",
            batches.perSecond() * BATCH_ROWS,
            batchesDone.get(),
            batchCost.perUnit(batchesDone.get(), "batch"));
      }
      if (phases.matches(".*[ab].*")) {
        // their rows are not read again; left in place, Cassandra compacts them under later phases
        raw.execute("TRUNCATE bench_raw.messages");
      }
      if (phases.contains("c")) {
        System.out.println(
            "[4/6] (c) the HTTP ceiling: a node that authenticates and validates POST /orders and"
                + " persists nothing ...");
        Map<String, String> ceilingSettings = new TreeMap<>(nodeSettings());
        ceilingSettings.put("groupbuy.bench.orders-persist-nothing", "on");
        try (NodeProcess node =
            NodeProcess.start("bench-ceiling", cassandra, "bench_ceiling", null, ceilingSettings)) {
          ceiling =
              placeOrders(
                  node,
                  cassandra,
                  stock(node.client(), 200),
                  "(c) HTTP ceiling: POST /orders, nothing persisted",
                  clients,
                  seconds,
                  warmup,
                  new AtomicLong());
        }
        System.out.println("      " + ceiling.line());
      }
      if (phases.matches(".*[dhle].*")) {
        try (NodeProcess node =
            NodeProcess.start("bench", cassandra, "bench_orders", null, nodeSettings())) {
          List<String> skus = stock(node.client(), 200);
          if (phases.contains("d")) {
            System.out.println("[5/6] (d) orders end to end: a node stocked with 200 SKUs ...");
            WriteCounter.Counts ordersBefore = counter.read();
            double[] batchesBefore = batchCounts(node.client());
            orders =
                placeOrders(
                    node,
                    cassandra,
                    skus,
                    "(d) orders placed + persisted (HTTP, end to end)",
                    clients,
                    seconds,
                    warmup,
                    placed);
            // the saga's last steps (handing the order to dispatch) run after the 201
            Thread.sleep(3_000);
            orderCost = counter.read().minus(ordersBefore);
            System.out.printf(
                "      Cassandra's own counters, per order placed (%d orders with warm-up, and the"
                    + " node's background work in the same time):%n%s",
                placed.get(), orderCost.perUnit(placed.get(), "order"));
            double[] batchesAfter = batchCounts(node.client());
            System.out.printf(
                "      group commits per order, by the node's histograms (batches, some of which"
                    + " write nothing): ledgers %.2f, inventory %.2f, dispatch regions %.2f,"
                    + " customers' sessions %.2f%n",
                (batchesAfter[0] - batchesBefore[0]) / placed.get(),
                (batchesAfter[1] - batchesBefore[1]) / placed.get(),
                (batchesAfter[2] - batchesBefore[2]) / placed.get(),
                (batchesAfter[3] - batchesBefore[3]) / placed.get());
          }
          if (phases.contains("h") && orders != null) {
            double target = Math.max(1, Math.round(orders.perSecond() / 2));
            System.out.printf(
                "[h] orders at a fixed rate of half of (d), %.0f/s, for %d s after %d s at the same"
                    + " rate ...%n",
                target, seconds, HALF_LOAD_WARM_UP_SECONDS);
            SustainedLoad.FixedRun run;
            String clientPauses;
            try (ClientPauses pauses = new ClientPauses()) {
              run = SustainedLoad.fixedRate(node, skus, target, HALF_LOAD_WARM_UP_SECONDS, seconds);
              clientPauses = pauses.line();
            }
            System.out.println("      " + run.warmUp().line());
            System.out.println("      " + run.warmUp().tailBySecond());
            half = run.measured();
            System.out.println("      " + half.line());
            System.out.println("      " + half.tailBySecond());
            System.out.println("      " + clientPauses + " (warm-up included)");
          }
          if (phases.contains("l")) {
            System.out.printf(
                "[l] a long run: %d clients for %d s, counted per 30 s, watching dispatch ...%n",
                clients, longSeconds);
            longRun = SustainedLoad.longRun(node, skus, clients, longSeconds, 30);
            System.out.println("      " + longRunLine(longRun));
          }
          if (phases.contains("e")) {
            System.out.printf(
                "[6/6] (e) hot SKU: %d one-unit orders for one SKU holding %d units, %d clients"
                    + " ...%n",
                HOT_ORDERS, HOT_UNITS, clients);
            // the sold-out path (rejection, release) runs nowhere else in the benchmark: a first
            // sale of another SKU warms it up as (d)'s warm-up does the confirmed path
            HotSku warmUp = hotSku(node, clients);
            System.out.printf(
                "      warm-up sale of another SKU, not counted: %.0f answered/s (%d confirmed, %d"
                    + " sold out, %d errors)%n",
                warmUp.answeredPerSecond(), warmUp.confirmed(), warmUp.soldOut(), warmUp.errors());
            hot = hotSku(node, clients);
          }
        }
      }

      System.out.println();
      for (Rate r : new Rate[] {inserts, batches, ceiling, orders})
        if (r != null) System.out.println("      " + r.line());
      if (inserts != null && batches != null)
        System.out.printf(
            "      (b) in rows: %.0f rows/s, %.1f x (a)%n",
            batches.perSecond() * BATCH_ROWS,
            batches.perSecond() * BATCH_ROWS / inserts.perSecond());
      if (inserts != null && orders != null)
        System.out.printf(
            "      orders/s : raw inserts/s = %.3f%n", orders.perSecond() / inserts.perSecond());
      if (half != null) System.out.println("      " + half.line());
      if (longRun != null) System.out.println("      " + longRunLine(longRun));
      if (longRun != null && orders != null)
        System.out.printf(
            "      long run : (d) = %.2f (the %d s rate against the 30 s rate)%n",
            longRun.rate() / orders.perSecond(), longSeconds);
      if (hot != null) System.out.println("      " + hot.line());
      if (hot != null && orders != null)
        System.out.printf(
            "      hot SKU answered/s : many-SKU orders/s = %.2f%n",
            hot.answeredPerSecond() / orders.perSecond());
      if (ceiling != null && orders != null)
        System.out.printf(
            "ratio orders/HTTP ceiling: %.2f%n", orders.perSecond() / ceiling.perSecond());
      if (orderCost != null) {
        System.out.printf(
            "write statements per order: %.1f%n", orderCost.totalWrites() / (double) placed.get());
        System.out.printf(
            "read statements per order: %.1f%n", orderCost.totalReads() / (double) placed.get());
      }
    } finally {
      cassandra.close();
    }
  }

  /** Places one-line orders from {@code clients} clients; counts 201s. */
  private static Rate placeOrders(
      NodeProcess node,
      CassandraLauncher.Node cassandra,
      List<String> skus,
      String name,
      int clients,
      int seconds,
      int warmup,
      AtomicLong placed)
      throws Exception {
    Supplier<HttpRequest> requests = orderRequests(node.client(), skus, "bench-");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CpuMeter cpu =
        new CpuMeter()
            .watch("node", node.pid())
            .watch("Cassandra", cassandra.pid())
            .watch("load client", -1);
    Rate rate =
        measure(
            name,
            clients,
            seconds,
            warmup,
            () ->
                http.sendAsync(requests.get(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(
                        r -> {
                          if (r.statusCode() != 201)
                            throw new IllegalStateException(
                                "order failed: " + r.statusCode() + " " + r.body());
                          placed.incrementAndGet();
                          return r;
                        }),
            cpu);
    System.out.println("      " + cpu.line(rate.count(), "order"));
    return rate;
  }

  private static String longRunLine(SustainedLoad.LongRun r) {
    StringBuilder windows = new StringBuilder();
    for (int i = 0; i < r.perWindow().length; i++)
      windows.append(i == 0 ? "" : ", ").append(String.format("%.0f", r.windowRate(i)));
    return String.format(
        "%-46s %8.0f /s   (per %d s: %s; %d errors)%n"
            + "      dispatch during it: region plan asked %d times, slowest %.0f ms, %d over 1 s,"
            + " %d failed; messages dropped or dead-lettered %.0f; hand-over failures %.0f during the load, %.0f from"
            + " 5 s to 15 s after it",
        "(l) long run, orders end to end",
        r.rate(),
        r.windowSeconds(),
        windows,
        r.errors(),
        r.planPolls(),
        r.planMaxMs(),
        r.planSlow(),
        r.planErrors(),
        r.deadLetters(),
        r.failuresDuringLoad(),
        r.failuresAfter5s());
  }

  /**
   * One-line order requests over the given SKUs, each with a fresh idempotency key, from {@link
   * #CUSTOMERS} customers in turn (one customer would flatter the writes of its session and of the
   * read models); bodies and tokens made up front, so the client stays lean.
   */
  static Supplier<HttpRequest> orderRequests(ApiClient api, List<String> skus, String keyPrefix)
      throws Exception {
    List<String> authorizations = new ArrayList<>(CUSTOMERS);
    for (int c = 0; c < CUSTOMERS; c++) {
      authorizations.add("Bearer " + ItSupport.customer("bench-customer-" + c));
    }
    int distinct = 1 << 12;
    List<byte[]> bodies = new ArrayList<>(distinct);
    for (int n = 0; n < distinct; n++) {
      bodies.add(
          JsonSupport.MAPPER.writeValueAsBytes(
              Map.of(
                  "pickupPointId",
                  "pp-bench",
                  "lines",
                  List.of(
                      Map.of(
                          "sku",
                          skus.get((int) (n * 7919L % skus.size())),
                          "quantity",
                          1 + n % 2)))));
    }
    URI orders = URI.create(api.baseUrl() + "/orders");
    AtomicLong seq = new AtomicLong();
    return () -> {
      long n = seq.incrementAndGet();
      return HttpRequest.newBuilder(orders)
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", authorizations.get((int) (n % CUSTOMERS)))
          .header("Content-Type", "application/json")
          .header("Idempotency-Key", idempotencyKey(keyPrefix, n))
          .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get((int) (n % distinct))))
          .build();
    };
  }

  /**
   * Idempotency keys as the API recommends (UUIDv7, which spares a new order the order table's
   * look-up) or a counter, which does not: {@code --keys uuid7|counter}.
   */
  static boolean timeOrderedKeys = true;

  /** The key of the {@code n}th request: a UUIDv7 made now, or {@code counterPrefix + n}. */
  private static String idempotencyKey(String counterPrefix, long n) {
    return timeOrderedKeys
        ? UuidV7.at(System.currentTimeMillis(), ThreadLocalRandom.current())
        : counterPrefix + n;
  }

  private static boolean parseKeys(String keys) {
    return switch (keys) {
      case "uuid7" -> true;
      case "counter" -> false;
      default -> throw new IllegalArgumentException("--keys is uuid7 or counter, not " + keys);
    };
  }

  /** Customers the orders of (c), (d), (h) and (l) come from, in turn. */
  static final int CUSTOMERS = 5_000;

  static final int HOT_ORDERS = 5_000;

  /** (h) sends this long at its rate before the measured seconds. */
  static final int HALF_LOAD_WARM_UP_SECONDS = 10;

  static final int HOT_UNITS = 1_000;

  record HotSku(
      long confirmed, long soldOut, long errors, double seconds, int available, int reserved) {
    double answeredPerSecond() {
      return (confirmed + soldOut) / seconds;
    }

    String line() {
      return String.format(
          "%-46s %8.0f /s   (%d confirmed, %d sold out, %d errors in %.1f s; stock after: %d"
              + " reserved, %d available)",
          "(e) hot SKU, one SKU for every order",
          answeredPerSecond(),
          confirmed,
          soldOut,
          errors,
          seconds,
          reserved,
          available);
    }
  }

  /**
   * A flash sale: {@link #HOT_ORDERS} one-unit orders for one SKU holding {@link #HOT_UNITS}, with
   * {@code clients} in flight. Exactly {@link #HOT_UNITS} must be confirmed and the rest refused as
   * sold out (409); the stock is read back to show nothing was oversold.
   */
  private static HotSku hotSku(NodeProcess node, int clients) throws Exception {
    ApiClient api = node.client();
    String sku = "hot-" + System.nanoTime();
    check(
        api.call(
            "PUT",
            "/catalog/skus",
            ItSupport.OPERATOR,
            new SkuList(List.of(new Sku(sku, "flash sale item", "bench", 2.0)))));
    check(
        api.call(
            "POST",
            "/inventory/wh-bench/" + sku + "/receipts",
            ItSupport.OPERATOR,
            Map.of("receiptId", "flash", "quantity", HOT_UNITS)));
    byte[] body =
        JsonSupport.MAPPER.writeValueAsBytes(
            Map.of(
                "pickupPointId", "pp-bench", "lines", List.of(Map.of("sku", sku, "quantity", 1))));
    String authorization = "Bearer " + ItSupport.customer("flash-customer");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI orders = URI.create(api.baseUrl() + "/orders");
    AtomicLong next = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong soldOut = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops.add(done);
      hotLoop(http, orders, authorization, body, sku, next, confirmed, soldOut, errors, done);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    double seconds = (System.nanoTime() - start) / 1e9;
    ApiClient.Reply stock = api.call("GET", "/inventory/wh-bench/" + sku, ItSupport.OPERATOR, null);
    check(stock);
    return new HotSku(
        confirmed.get(),
        soldOut.get(),
        errors.get(),
        seconds,
        stock.body().get("available").asInt(),
        stock.body().get("reserved").asInt());
  }

  private static void hotLoop(
      HttpClient http,
      URI orders,
      String authorization,
      byte[] body,
      String sku,
      AtomicLong next,
      AtomicLong confirmed,
      AtomicLong soldOut,
      AtomicLong errors,
      CompletableFuture<Void> done) {
    long n = next.incrementAndGet();
    if (n > HOT_ORDERS) {
      done.complete(null);
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(orders)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey(sku + "-", n))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (r, e) -> {
              if (e == null && r.statusCode() == 201) confirmed.incrementAndGet();
              else if (e == null && r.statusCode() == 409 && r.body().contains("sold out"))
                soldOut.incrementAndGet();
              else if (errors.incrementAndGet() <= 3)
                System.out.println(
                    "      error: " + (e != null ? e : r.statusCode() + " " + r.body()));
              hotLoop(
                  http, orders, authorization, body, sku, next, confirmed, soldOut, errors, done);
            });
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

  static final int BATCH_ROWS = 32;

  static CqlSession rawSession(CassandraLauncher.Node cassandra) {
    CqlSession session =
        CqlSession.builder()
            // driver defaults only: application.conf's contact points (a dev Cassandra on 9042?)
            // must not be merged in
            .withConfigLoader(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()))
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.cqlPort()))
            .withLocalDatacenter("datacenter1")
            .build();
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS bench_raw WITH replication = "
            + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    // the shape of the journal's messages table
    session.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw.messages (persistence_id text, partition_nr bigint, "
            + "sequence_nr bigint, timestamp timeuuid, timebucket text, writer_uuid text, ser_id int, "
            + "ser_manifest text, event_manifest text, event blob, tags set<text>, "
            + "PRIMARY KEY ((persistence_id, partition_nr), sequence_nr, timestamp))");
    return session;
  }

  private static PreparedStatement prepareInsert(CqlSession session) {
    return session.prepare(
        "INSERT INTO bench_raw.messages (persistence_id, partition_nr, sequence_nr, timestamp,"
            + " timebucket, writer_uuid, ser_id, ser_manifest, event_manifest, event, tags) VALUES"
            + " (?, 0, ?, ?, '20261126T10', 'bench-writer', 9701, 'order.OrderPlaced', '', ?, ?)");
  }

  /** About an OrderPlaced event with one line. */
  private static ByteBuffer eventPayload() {
    byte[] payload = new byte[96];
    new Random(1).nextBytes(payload);
    return ByteBuffer.wrap(payload);
  }

  /** (a) One event-sized row per insert, each in a partition of its own. */
  private static Rate rawInserts(
      CqlSession session, int clients, int seconds, int warmup, AtomicLong done) throws Exception {
    PreparedStatement insert = prepareInsert(session);
    ByteBuffer payload = eventPayload();
    AtomicLong seq = new AtomicLong();
    return measure(
        "(a) raw event-sized inserts (Java driver)",
        clients,
        seconds,
        warmup,
        () -> {
          long n = seq.incrementAndGet();
          return session
              .executeAsync(
                  insert.bind("Order|o-" + n, 1L, Uuids.timeBased(), payload.duplicate(), Set.of()))
              .toCompletableFuture()
              .thenApply(
                  r -> {
                    done.incrementAndGet();
                    return r;
                  });
        });
  }

  /**
   * (b) The ceiling of group commit: {@link #BATCH_ROWS} event-sized rows into one partition as one
   * unlogged batch (one mutation). The rate counts batches.
   */
  static Rate rawBatches(CqlSession session, int clients, int seconds, int warmup, AtomicLong done)
      throws Exception {
    PreparedStatement insert = prepareInsert(session);
    ByteBuffer payload = eventPayload();
    AtomicLong seq = new AtomicLong();
    return measure(
        "(b) raw batches of " + BATCH_ROWS + " rows, one partition",
        clients,
        seconds,
        warmup,
        () -> {
          long n = seq.incrementAndGet();
          BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
          for (int row = 1; row <= BATCH_ROWS; row++) {
            batch.addStatement(
                insert.bind(
                    "Ledger|b-" + n, (long) row, Uuids.timeBased(), payload.duplicate(), Set.of()));
          }
          return session
              .executeAsync(batch.build())
              .toCompletableFuture()
              .thenApply(
                  r -> {
                    done.incrementAndGet();
                    return r;
                  });
        });
  }

  /**
   * Keeps {@code clients} operations in flight; counts those that complete inside the measured
   * window.
   */
  static Rate measure(
      String name, int clients, int seconds, int warmup, Supplier<CompletionStage<?>> operation)
      throws Exception {
    return measure(name, clients, seconds, warmup, operation, null);
  }

  /** As above; {@code cpu}, if given, is started and stopped with the measured window. */
  static Rate measure(
      String name,
      int clients,
      int seconds,
      int warmup,
      Supplier<CompletionStage<?>> operation,
      CpuMeter cpu)
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
      Thread.sleep(100);
      long now = System.nanoTime();
      if (cpu != null && now >= measureFrom && !cpu.started()) cpu.start();
      if (cpu != null && now >= measureTo && !cpu.measured()) cpu.stop();
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

  /** Batches so far of the order ledgers, the inventory entities and the dispatch regions. */
  private static double[] batchCounts(ApiClient api) {
    return new double[] {
      SustainedLoad.metric(api, "groupbuy_order_ledger_batch_commands_count"),
      SustainedLoad.metric(api, "groupbuy_inventory_batch_commands_count"),
      SustainedLoad.metric(api, "groupbuy_dispatch_region_batch_orders_count"),
      SustainedLoad.metric(api, "groupbuy_session_batch_uploads_count")
    };
  }
}
