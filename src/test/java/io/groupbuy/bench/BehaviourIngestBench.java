package io.groupbuy.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.it.TestCassandra;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.recommend.SkuRecommender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Behaviour ingestion and recommendation serving on one node, against Cassandra's own ceiling in
 * the same run.
 *
 * <ol>
 *   <li>(b) raw single-partition batches of {@value OrderThroughputBench#BATCH_ROWS} event-sized
 *       rows through the Java driver: rows/s, the ceiling;
 *   <li>(u) POST /behaviour uploads of {@code --events} events for {@code --users-per-upload} users
 *       from {@code --clients} concurrent clients: events accepted and persisted per second, and
 *       Cassandra's own write count per event;
 *   <li>(r) GET /users/{id}/recommendations at {@code --rec-rate} per second (open loop, latency
 *       from the scheduled send) over users with sessions.
 * </ol>
 *
 * <pre>bench/behaviour-ingest [--clients 16] [--seconds 20] [--warmup 10] [--events 200]
 *     [--users-per-upload 20] [--population 20000] [--rec-rate 200]</pre>
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
    System.out.println("[1/4] starting Cassandra ...");
    CassandraLauncher.Node cassandra = TestCassandra.start("bench-behaviour");
    try (WriteCounter counter = new WriteCounter(cassandra);
        CqlSession raw = OrderThroughputBench.rawSession(cassandra)) {
      System.out.printf(
          "[2/4] (b) raw single-partition batches of %d event-sized rows ...%n",
          OrderThroughputBench.BATCH_ROWS);
      OrderThroughputBench.Rate batches =
          OrderThroughputBench.rawBatches(raw, clients, seconds, warmup, new AtomicLong());
      double rawRows = batches.perSecond() * OrderThroughputBench.BATCH_ROWS;
      System.out.printf("      %s%n      = %.0f rows/s%n", batches.line(), rawRows);
      raw.execute("TRUNCATE bench_raw.messages");

      System.out.println("[3/4] (u) starting a node and uploading behaviour ...");
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
      try (NodeProcess node =
          NodeProcess.start(
              "behaviour",
              cassandra,
              ItSupport.uniqueKeyspace("bench_behaviour"),
              null,
              Map.of(
                  "groupbuy.session.order-feed.enabled",
                  "off",
                  "groupbuy.recommend.model-file",
                  model.toString()))) {
        var put = node.client().call("PUT", "/catalog/skus", ItSupport.OPERATOR, new SkuList(list));
        if (!put.ok()) throw new IllegalStateException("catalog: " + put.raw());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong sequence = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        WriteCounter.Counts before = counter.read();
        OrderThroughputBench.Rate uploads =
            OrderThroughputBench.measure(
                "(u) uploads of " + events + " events",
                clients,
                seconds,
                warmup,
                () -> {
                  long n = sequence.incrementAndGet();
                  return http.sendAsync(
                          upload(node, n, events, usersPerUpload, population, skus),
                          HttpResponse.BodyHandlers.ofString())
                      .thenApply(
                          r -> {
                            if (r.statusCode() != 200)
                              throw new IllegalStateException(r.statusCode() + " " + r.body());
                            accepted.addAndGet(acceptedOf(r.body()));
                            return r;
                          });
                },
                null);
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

        System.out.printf(
            "[4/4] (r) recommendations at %.0f/s for %d s (after %d s at the same rate) ...%n",
            recRate, seconds, warmup);
        recommendations(node, http, recRate, warmup, seconds, population);
      }
    } finally {
      cassandra.close();
    }
  }

  /** Events of {@code usersPerUpload} users drawn from the population, as a collector sends. */
  private static HttpRequest upload(
      NodeProcess node, long n, int events, int usersPerUpload, int population, List<String> skus) {
    SplittableRandom r = new SplittableRandom(n);
    long[] users = new long[usersPerUpload];
    for (int u = 0; u < users.length; u++) users[u] = r.nextLong(population);
    long now = System.currentTimeMillis();
    String[] actions = {"view", "view", "view", "click", "click", "cart"};
    List<Map<String, Object>> list = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      Map<String, Object> e = new HashMap<>();
      e.put("eventId", "e" + n + "-" + i);
      e.put("userId", "u" + users[i % usersPerUpload]);
      e.put("ts", now - 1000 + i);
      e.put("action", actions[r.nextInt(actions.length)]);
      e.put("sku", skus.get(r.nextInt(skus.size())));
      list.add(e);
    }
    try {
      return HttpRequest.newBuilder(URI.create(node.url() + "/behaviour"))
          .header("Authorization", "Bearer " + ItSupport.OPERATOR)
          .header("Content-Type", "application/json")
          .POST(
              HttpRequest.BodyPublishers.ofByteArray(
                  JsonSupport.MAPPER.writeValueAsBytes(Map.of("events", list))))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long acceptedOf(String body) {
    try {
      return JsonSupport.MAPPER.readTree(body).path("accepted").asLong();
    } catch (Exception e) {
      throw new IllegalStateException("not JSON: " + body);
    }
  }

  /** Open loop: latency from the moment each request was due. */
  private static void recommendations(
      NodeProcess node, HttpClient http, double perSecond, int warmup, int seconds, long users)
      throws Exception {
    int warm = (int) (perSecond * warmup);
    int total = warm + (int) (perSecond * seconds);
    long[] latencies = new long[total];
    boolean[] ok = new boolean[total];
    CompletableFuture<?>[] answers = new CompletableFuture<?>[total];
    SplittableRandom r = new SplittableRandom(7);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + (long) (i * 1e9 / perSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      int index = i;
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      node.url()
                          + "/users/u"
                          + (1 + r.nextLong(Math.max(1, users)))
                          + "/recommendations"))
              .header("Authorization", "Bearer " + ItSupport.OPERATOR)
              .GET()
              .build();
      answers[i] =
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (resp, e) -> {
                    latencies[index] = (System.nanoTime() - due) / 1000;
                    ok[index] = e == null && resp.statusCode() == 200;
                  });
    }
    CompletableFuture.allOf(answers).exceptionally(e -> null).join();
    long[] measured = Arrays.copyOfRange(latencies, warm, total);
    long errors = 0;
    for (int i = warm; i < total; i++) if (!ok[i]) errors++;
    Arrays.sort(measured);
    System.out.printf(
        "      (r) %.0f/s over %,d users (nearly all with sessions): p50 %.1f ms, p99 %.1f ms, p999 %.1f ms, %d"
            + " errors (goal p99 < 20 ms)%n",
        perSecond,
        users,
        OrderThroughputBench.Rate.pct(measured, 0.50) / 1000.0,
        OrderThroughputBench.Rate.pct(measured, 0.99) / 1000.0,
        OrderThroughputBench.Rate.pct(measured, 0.999) / 1000.0,
        errors);
  }
}
