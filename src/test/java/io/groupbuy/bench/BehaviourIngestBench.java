package io.groupbuy.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.it.TestCassandra;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.recommend.LiveRanker;
import io.groupbuy.recommend.SkuRecommender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Behaviour ingestion and recommendation serving on one node, against Cassandra's own ceiling in
 * the same run.
 *
 * <ol>
 *   <li>(b) raw single-partition batches of {@value OrderThroughputBench#BATCH_ROWS} event-sized
 *       rows through the Java driver: rows/s, the ceiling;
 *   <li>(s) one event for each of the {@code --population} users: their sessions start (a journal
 *       recovery each), timed on its own, so that (u) and (g) both measure running sessions;
 *   <li>(u) POST /behaviour uploads of {@code --events} events for {@code --users-per-upload} users
 *       from {@code --clients} concurrent clients (bodies encoded before the run, ids and times
 *       written in per request): events accepted and persisted per second, Cassandra's own write
 *       count per event, and the CPU of the node, Cassandra and the load client;
 *   <li>(g) the same through {@code --clients} gRPC client streams (10 events in a row per user):
 *       events taken per second against the same ceiling;
 *   <li>(r) GET /users/{id}/recommendations at {@code --rec-rate} per second (open loop, latency
 *       from the scheduled send) over users with sessions but no orders: item-CF over their cart;
 *   <li>(o) {@code --buyers} users place two orders each (their habits' baskets), which reach their
 *       sessions through the order feed; then (r) again over them: the Wide&Deep ranker (trained
 *       here on the bench's shoppers) orders their candidates, each request a session read plus
 *       TIFU-KNN, item-CF and the network over ~80 candidates.
 * </ol>
 *
 * <pre>bench/behaviour-ingest [--clients 16] [--seconds 20] [--warmup 10] [--events 200]
 *     [--users-per-upload 20] [--population 20000] [--rec-rate 200] [--buyers 2000]</pre>
 */
public final class BehaviourIngestBench {
  private BehaviourIngestBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2)
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    int clients = Integer.parseInt(o.getOrDefault("clients", "16"));
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
    int events = Integer.parseInt(o.getOrDefault("events", "200"));
    int usersPerUpload = Integer.parseInt(o.getOrDefault("users-per-upload", "20"));
    double recRate = Double.parseDouble(o.getOrDefault("rec-rate", "200"));
    int population = Integer.parseInt(o.getOrDefault("population", "20000"));
    int buyers = Integer.parseInt(o.getOrDefault("buyers", "2000"));
    if (System.getProperty(NodeProcess.NODE_HEAP) == null) {
      System.setProperty(NodeProcess.NODE_HEAP, "1g");
    }
    System.out.printf(
        "behaviour ingestion benchmark: %d clients, uploads of %d events for %d users, %d s measured"
            + " after %d s warm-up, %d cores, node heap %s%n",
        clients,
        events,
        usersPerUpload,
        seconds,
        warmup,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty(NodeProcess.NODE_HEAP));
    System.out.println("[1/5] starting Cassandra ...");
    CassandraLauncher.Node cassandra = TestCassandra.start("bench-behaviour");
    try (WriteCounter counter = new WriteCounter(cassandra);
        CqlSession raw = OrderThroughputBench.rawSession(cassandra)) {
      System.out.printf(
          "[2/5] (b) raw single-partition batches of %d event-sized rows ...%n",
          OrderThroughputBench.BATCH_ROWS);
      OrderThroughputBench.Rate batches =
          OrderThroughputBench.rawBatches(raw, clients, seconds, warmup, new AtomicLong());
      double rawRows = batches.perSecond() * OrderThroughputBench.BATCH_ROWS;
      System.out.printf("      %s%n      = %.0f rows/s%n", batches.line(), rawRows);
      raw.execute("TRUNCATE bench_raw.messages");

      System.out.println("[3/5] (u) starting a node and uploading behaviour ...");
      List<String> skus = new ArrayList<>();
      List<Sku> list = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        skus.add("bench-" + i);
        list.add(new Sku("bench-" + i, "bench item " + i, "cat-" + i % 12, 2.0));
      }
      // a model over the bench's SKUs: baskets of 3-8 SKUs, neighbours in blocks of ten
      SplittableRandom draw = new SplittableRandom(3);
      List<List<String>> baskets = new ArrayList<>();
      for (int b = 0; b < 20_000; b++) {
        int block = draw.nextInt(20) * 10;
        List<String> basket = new ArrayList<>();
        for (int k = 0, size = 3 + draw.nextInt(6); k < size; k++)
          basket.add(skus.get(block + draw.nextInt(10)));
        baskets.add(basket);
      }
      java.nio.file.Path model =
          java.nio.file.Files.createTempDirectory("bench-model").resolve("model.json");
      SkuRecommender.write(SkuRecommender.train(baskets, 30, 0.5, 0.9, "bench baskets"), model);
      java.nio.file.Path rankerDir = model.resolveSibling("ranker");
      int grpcPort = CassandraLauncher.freePort();
      long trainStart = System.nanoTime();
      try (LiveRanker ranker = trainRanker(skus, population)) {
        ranker.save(rankerDir);
        System.out.printf(
            "      Wide&Deep ranker over the bench's SKUs trained in %.0f s (held-out AUC %.3f)%n",
            (System.nanoTime() - trainStart) / 1e9, ranker.quality().auc());
      }
      try (NodeProcess node =
          NodeProcess.start(
              "behaviour",
              cassandra,
              ItSupport.uniqueKeyspace("bench_behaviour"),
              null,
              Map.of(
                  "groupbuy.recommend.model-file",
                  model.toString(),
                  "groupbuy.recommend.ranker-dir",
                  rankerDir.toString(),
                  NodeProcess.STREAM_PORT,
                  String.valueOf(grpcPort)))) {
        var put = node.client().call("PUT", "/catalog/skus", ItSupport.OPERATOR, new SkuList(list));
        if (!put.ok()) throw new IllegalStateException("catalog: " + put.raw());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        firstTouch(node, http, events, population, skus);
        PreEncodedUploads bodies =
            new PreEncodedUploads(64, events, usersPerUpload, population, skus, 7);
        AtomicLong sequence = new AtomicLong(1_000_000);
        AtomicLong accepted = new AtomicLong();
        CpuMeter uploadCpu = cpuMeter(node, cassandra);
        WriteCounter.Counts before = counter.read();
        OrderThroughputBench.Rate uploads =
            OrderThroughputBench.measure(
                "(u) uploads of " + events + " events",
                clients,
                seconds,
                warmup,
                () ->
                    http.sendAsync(
                            upload(node, bodies.body(sequence.incrementAndGet(), now())),
                            HttpResponse.BodyHandlers.ofString())
                        .thenApply(
                            r -> {
                              if (r.statusCode() != 200)
                                throw new IllegalStateException(r.statusCode() + " " + r.body());
                              accepted.addAndGet(acceptedOf(r.body()));
                              return r;
                            }),
                uploadCpu);
        WriteCounter.Counts cost = counter.read().minus(before);
        double eventsPerSecond = uploads.perSecond() * events;
        System.out.printf(
            "      %s%n      = %.0f events/s persisted (%,d accepted over the whole run, warm-up"
                + " included)%n",
            uploads.line(), eventsPerSecond, accepted.get());
        System.out.printf(
            "      Cassandra's own counters, per event (%,d events, warm-up included):%n%s",
            accepted.get(), cost.perUnit(accepted.get(), "event"));
        System.out.printf(
            "      ratio (u) events/s / (b) raw rows/s = %.2f (goal >= 0.5)%n",
            eventsPerSecond / rawRows);
        System.out.println(
            "      " + uploadCpu.line(uploads.count() * events / 1000, "1,000 events"));

        WriteCounter.Counts beforeStreams = counter.read();
        CpuMeter streamCpu = cpuMeter(node, cassandra);
        double streamed = streams(grpcPort, clients, seconds, warmup, population, skus, streamCpu);
        WriteCounter.Counts streamCost = counter.read().minus(beforeStreams);
        System.out.printf(
            "      Cassandra's own counters over the streams, warm-up included:%n%s",
            streamCost.perUnit(streamedTotal.get(), "event"));
        System.out.printf(
            "      ratio (g) events/s / (b) raw rows/s = %.2f (goal >= 0.5)%n", streamed / rawRows);
        System.out.println("      " + streamCpu.line(streamMeasured.get() / 1000, "1,000 events"));

        System.out.printf(
            "[4/5] (r) recommendations at %.0f/s for %d s (after %d s at the same rate) ...%n",
            recRate, seconds, warmup);
        recommendations(
            node,
            http,
            recRate,
            warmup,
            seconds,
            population,
            "(nearly all with sessions)",
            cpuMeter(node, cassandra));

        System.out.printf(
            "[5/5] (o) %,d users place two orders each; then (r) recommendations over them ...%n",
            buyers);
        placeOrders(node, skus, buyers, clients);
        var sample =
            node.client()
                .call("GET", "/users/u1/recommendations?k=3", ItSupport.OPERATOR, null)
                .body();
        System.out.printf(
            "      u1 is ranked by %s: %s%n",
            sample.path("rankedBy").asText(), sample.path("items"));
        recommendations(
            node,
            http,
            recRate,
            warmup,
            seconds,
            buyers,
            "(each with two orders: ranked)",
            cpuMeter(node, cassandra));
      }
    } finally {
      cassandra.close();
    }
  }

  private static HttpRequest upload(NodeProcess node, byte[] body) {
    return HttpRequest.newBuilder(URI.create(node.url() + "/behaviour"))
        .header("Authorization", "Bearer " + ItSupport.OPERATOR)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static CpuMeter cpuMeter(NodeProcess node, CassandraLauncher.Node cassandra) {
    return new CpuMeter()
        .watch("node", node.pid())
        .watch("Cassandra", cassandra.pid())
        .watch("load client", -1);
  }

  /**
   * (s) Every user of the population gets one event, so that (u) and (g) both measure sessions that
   * are already running (the steady state of a collector's stream); what starting them cost is
   * printed on its own line: a session's first event recovers it from the journal.
   */
  private static void firstTouch(
      NodeProcess node, HttpClient http, int events, int population, List<String> skus)
      throws Exception {
    System.out.printf(
        "      (s) starting the %,d users' sessions (one event each, %d users an upload, two uploads"
            + " at a time) ...%n",
        population, events);
    int uploads = (population + events - 1) / events;
    long t0 = System.nanoTime();
    // two uploads at a time: 16 uploads of 200 new users at once (3,200 recoveries) outlast the
    // node's 5 s ask timeout on 2 cores
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(2);
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int k = 0; k < uploads; k++) {
      StringBuilder b = new StringBuilder("{\"events\":[");
      for (int u = k * events; u < Math.min(population, (k + 1) * events); u++) {
        if (u > k * events) b.append(',');
        b.append("{\"eventId\":\"s")
            .append(u)
            .append("\",\"userId\":\"u")
            .append(u)
            .append("\",\"ts\":")
            .append(now())
            .append(",\"action\":\"view\",\"sku\":\"")
            .append(skus.get(u % skus.size()))
            .append("\"}");
      }
      inFlight.acquire();
      sent.add(
          http.sendAsync(
                  upload(node, b.append("]}").toString().getBytes(StandardCharsets.UTF_8)),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> inFlight.release()));
    }
    for (var s : sent) {
      HttpResponse<String> r = s.get(120, java.util.concurrent.TimeUnit.SECONDS);
      if (r.statusCode() != 200) throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    double took = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "      (s) %,d sessions started in %.1f s: %.0f sessions/s (each a journal recovery and its"
            + " first event)%n",
        population, took, population / took);
  }

  private static long acceptedOf(String body) {
    try {
      return JsonSupport.MAPPER.readTree(body).path("accepted").asLong();
    } catch (Exception e) {
      throw new IllegalStateException("not JSON: " + body);
    }
  }

  private static final AtomicLong streamedTotal = new AtomicLong();
  private static final AtomicLong streamedAccepted = new AtomicLong();
  private static final AtomicLong streamMeasured = new AtomicLong();

  /**
   * (g) {@code clients} gRPC client streams at once, each sending events as fast as the node takes
   * them (10 in a row per user, as in (u)), for {@code warmup} s not counted, then {@code seconds}
   * s counted: events taken (accepted or dropped by rule) per second, from the streams' summaries.
   */
  private static double streams(
      int grpcPort,
      int clients,
      int seconds,
      int warmup,
      int population,
      List<String> skus,
      CpuMeter cpu)
      throws Exception {
    System.out.printf(
        "      (g) %d gRPC client streams, %d s warm-up then %d s counted ...%n",
        clients, warmup, seconds);
    org.apache.pekko.actor.typed.ActorSystem<Void> system =
        org.apache.pekko.actor.typed.ActorSystem.create(
            org.apache.pekko.actor.typed.javadsl.Behaviors.empty(),
            "bench-streams",
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
    try {
      var client =
          io.groupbuy.session.grpc.BehaviourStreamClient.create(
              org.apache.pekko.grpc.GrpcClientSettings.connectToServiceAt(
                      "127.0.0.1", grpcPort, system)
                  .withTls(false),
              system);
      streamFor(client, clients, warmup, population, skus, "w");
      long t0 = System.nanoTime();
      long acceptedBefore = streamedAccepted.get();
      cpu.start();
      long taken = streamFor(client, clients, seconds, population, skus, "m");
      cpu.stop();
      streamMeasured.set(taken);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double perSecond = taken / elapsed;
      long accepted = streamedAccepted.get() - acceptedBefore;
      System.out.printf(
          "      (g) streams                                   %.0f events/s taken (%,d in %.1f s:"
              + " %,d accepted, %,d dropped by the sessions' rules)%n",
          perSecond, taken, elapsed, accepted, taken - accepted);
      client.close().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      return perSecond;
    } finally {
      system.terminate();
    }
  }

  /** Runs the streams for the given time; the events they had taken (accepted or dropped). */
  private static long streamFor(
      io.groupbuy.session.grpc.BehaviourStreamClient client,
      int clients,
      int seconds,
      int population,
      List<String> skus,
      String prefix)
      throws Exception {
    List<CompletableFuture<io.groupbuy.session.grpc.StreamSummary>> runs = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int c = 0; c < clients; c++) {
      int stream = c;
      SplittableRandom r = new SplittableRandom(prefix.hashCode() * 31L + c);
      java.util.Iterator<io.groupbuy.session.grpc.StreamedEvent> events =
          new java.util.Iterator<>() {
            long n;
            long user;

            @Override
            public boolean hasNext() {
              return true;
            }

            @Override
            public io.groupbuy.session.grpc.StreamedEvent next() {
              if (n % 10 == 0) user = r.nextLong(population);
              long i = n++;
              return io.groupbuy.session.grpc.StreamedEvent.newBuilder()
                  .setEventId(prefix + stream + "-" + i)
                  .setUserId("u" + user)
                  .setTsMs(now + i % 1000)
                  .setAction(i % 3 == 0 ? "click" : "view")
                  .setSku(skus.get(r.nextInt(skus.size())))
                  .build();
            }
          };
      runs.add(
          client
              .send()
              .addHeader("authorization", "Bearer " + ItSupport.OPERATOR)
              .invoke(
                  org.apache.pekko.stream.javadsl.Source.fromIterator(() -> events)
                      .takeWithin(java.time.Duration.ofSeconds(seconds)))
              .toCompletableFuture());
    }
    long taken = 0;
    for (var run : runs) {
      var summary = run.get(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
      long dropped = summary.getDroppedMap().values().stream().mapToLong(Long::longValue).sum();
      taken += summary.getAccepted() + dropped;
      streamedTotal.addAndGet(summary.getAccepted() + dropped);
      streamedAccepted.addAndGet(summary.getAccepted());
    }
    return taken;
  }

  /** A shopper's habit: two blocks of ten SKUs they buy from (deterministic per user). */
  private static List<String> habitBasket(List<String> skus, long user, SplittableRandom draw) {
    SplittableRandom habit = new SplittableRandom(user * 31 + 5);
    int first = habit.nextInt(20) * 10;
    int second = habit.nextInt(20) * 10;
    List<String> basket = new ArrayList<>();
    for (int k = 0, size = 3 + draw.nextInt(4); k < size; k++) {
      int block = draw.nextInt(3) == 0 ? second : first;
      String sku = skus.get(block + draw.nextInt(10));
      if (!basket.contains(sku)) basket.add(sku);
    }
    return basket;
  }

  /** The ranker the node serves, trained on shoppers with the same habits as the bench's users. */
  private static LiveRanker trainRanker(List<String> skus, int shoppers) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < skus.size(); i++) index.put(skus.get(i), i);
    Map<Integer, List<int[]>> histories = new java.util.LinkedHashMap<>();
    Map<Integer, int[]> next = new java.util.LinkedHashMap<>();
    SplittableRandom draw = new SplittableRandom(11);
    for (int u = 0; u < Math.min(shoppers, 5000); u++) {
      List<int[]> h = new ArrayList<>();
      for (int b = 0; b < 5; b++) {
        h.add(habitBasket(skus, u, draw).stream().mapToInt(index::get).toArray());
      }
      histories.put(u, h.subList(0, 4));
      next.put(u, h.get(4));
    }
    return LiveRanker.train(
        skus, histories, next, LiveRanker.Params.defaults(), "bench shoppers", line -> {});
  }

  /** Stocks the SKUs and has users u0.. place two orders each, then waits for the order feed. */
  private static void placeOrders(NodeProcess node, List<String> skus, int buyers, int clients)
      throws Exception {
    var api = node.client();
    var points =
        List.of(
            new io.groupbuy.catalog.CatalogData.PickupPoint(
                ItSupport.PICKUP_POINT,
                "bench point",
                "Benchcity",
                29.5,
                106.5,
                ItSupport.WAREHOUSE));
    var put =
        api.call(
            "PUT",
            "/catalog/pickup-points",
            ItSupport.OPERATOR,
            new io.groupbuy.catalog.CatalogData.PickupPointList(points));
    if (!put.ok()) throw new IllegalStateException("pickup points: " + put.raw());
    for (String sku : skus) ItSupport.receive(api, sku, buyers * 10);
    SplittableRandom draw = new SplittableRandom(13);
    List<Map<String, Object>> orders = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int u = 0; u < buyers; u++) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String sku : habitBasket(skus, u, draw)) lines.add(Map.of("sku", sku, "quantity", 1));
        orders.add(
            Map.of(
                "idempotencyKey",
                "bench-" + round + "-" + u,
                "pickupPointId",
                ItSupport.PICKUP_POINT,
                "lines",
                lines));
        tokens.add(ItSupport.customer("u" + u));
      }
    }
    long t0 = System.nanoTime();
    // two uploads at a time: 16 uploads of 200 new users at once (3,200 recoveries) outlast the
    // node's 5 s ask timeout on 2 cores
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(2);
    AtomicLong placed = new AtomicLong();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < orders.size(); i++) {
      inFlight.acquire();
      all.add(
          api.send("POST", "/orders", tokens.get(i), orders.get(i))
              .whenComplete(
                  (r, e) -> {
                    inFlight.release();
                    if (e == null && r.status() == 201) placed.incrementAndGet();
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    System.out.printf(
        "      %,d of %,d orders confirmed in %.0f s; waiting for the order feed ...%n",
        placed.get(), orders.size(), (System.nanoTime() - t0) / 1e9);
    long by = System.currentTimeMillis() + 120_000;
    for (int u : new int[] {0, buyers / 2, buyers - 1}) {
      while (api.call("GET", "/users/u" + u + "/session", ItSupport.OPERATOR, null)
              .body()
              .path("session")
              .path("features")
              .path("ordersEver")
              .asInt()
          < 2) {
        if (System.currentTimeMillis() > by)
          throw new IllegalStateException("the order feed never reached u" + u);
        Thread.sleep(500);
      }
    }
  }

  /** Open loop: latency from the moment each request was due. */
  private static void recommendations(
      NodeProcess node,
      HttpClient http,
      double perSecond,
      int warmup,
      int seconds,
      long users,
      String who,
      CpuMeter cpu)
      throws Exception {
    int warm = (int) (perSecond * warmup);
    int total = warm + (int) (perSecond * seconds);
    SplittableRandom r = new SplittableRandom(7);
    java.util.List<java.util.TreeMap<Double, Double>> nodeBefore = new java.util.ArrayList<>();
    ClientPauses[] pauses = new ClientPauses[1];
    FixedRateGets.Outcome outcome =
        new FixedRateGets(node.url(), "Bearer " + ItSupport.OPERATOR)
            .run(
                total,
                perSecond,
                i -> "/users/u" + r.nextLong(Math.max(1, users)) + "/recommendations",
                i -> {
                  if (i != warm) return;
                  cpu.start();
                  nodeBefore.add(NodeHistogram.read(node.client(), NodeHistogram.RECOMMENDATION));
                  pauses[0] = new ClientPauses();
                });
    cpu.stop();
    pauses[0].close();
    var nodeAfter = NodeHistogram.read(node.client(), NodeHistogram.RECOMMENDATION);
    long[] measured = Arrays.copyOfRange(outcome.latencyMicros(), warm, total);
    long errors = 0;
    for (int i = warm; i < total; i++) if (!outcome.ok()[i]) errors++;
    Arrays.sort(measured);
    System.out.printf(
        "      (r) %.0f/s over %,d users %s: p50 %.1f ms, p99 %.1f ms, p999 %.1f ms, %d"
            + " errors (goal p99 < 20 ms)%n",
        perSecond,
        users,
        who,
        OrderThroughputBench.Rate.pct(measured, 0.50) / 1000.0,
        OrderThroughputBench.Rate.pct(measured, 0.99) / 1000.0,
        OrderThroughputBench.Rate.pct(measured, 0.999) / 1000.0,
        errors);
    if (outcome.firstError() != null) {
      System.out.println("      first error: " + outcome.firstError());
    }
    System.out.println(
        "      in the node (groupbuy_recommendation_seconds, upper bucket bounds): "
            + NodeHistogram.describe(nodeBefore.get(0), nodeAfter));
    System.out.println("      " + pauses[0].line());
    // the requests touch no table: CPU that Cassandra uses here is its own work (flushes,
    // compactions) competing with the node for the 2 cores
    System.out.println("      " + cpu.line(total - warm, "request"));
  }
}
