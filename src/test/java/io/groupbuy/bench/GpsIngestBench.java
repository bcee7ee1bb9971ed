package io.groupbuy.bench;

import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.it.TestCassandra;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.sim.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPS fixes per second accepted over the drivers' WebSocket by one node, against a bare pekko-http
 * WebSocket echo server in the same run on the same machine, and the fix-to-vehicle latency.
 *
 * <p>M simulated drivers (one JDK WebSocket client each, all in this JVM) send GPS frames as fast
 * as each socket takes them, first to the echo server ({@link EchoServer}, a child JVM with a
 * node's heap and CPU settings), then to a node (child JVM, real Cassandra) as registered drivers
 * of M vehicles. The node's rate is the growth of {@code groupbuy_gps_fixes_accepted_total} over
 * the measured window (fixes that passed validation and were handed to their Vehicle entity); the
 * echo server's is frames echoed. The latency is the node's histogram {@code
 * groupbuy_gps_fix_to_vehicle_seconds} (edge receipt to the entity handling the fix) over the same
 * window, reported as the bucket bound that holds the 50th/99th percentile.
 *
 * <p>{@code bench/gps-ingest [--drivers M] [--seconds S] [--warmup S]}
 */
public final class GpsIngestBench {
  private GpsIngestBench() {}

  public static void main(String[] args) throws Exception {
    int drivers = 100;
    int seconds = 20;
    int warmup = 10;
    double pacedRate = 10;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--paced-rate" -> pacedRate = Double.parseDouble(args[i + 1]);
        case "--drivers" -> drivers = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; use --drivers M --seconds S --warmup S --paced-rate FIXES_PER_SECOND_PER_DRIVER");
      }
    }
    System.out.printf(
        "GPS ingestion benchmark: %d drivers, %d s measured after %d s warm-up, %d cores%n",
        drivers, seconds, warmup, Runtime.getRuntime().availableProcessors());
    System.out.println("[1/5] starting the echo server ...");
    Process echo = startEcho();
    NodeProcess node = null;
    CassandraLauncher.Node cassandra = null;
    try {
      int port = echoPort;
      List<String> urls = new ArrayList<>();
      for (int d = 0; d < drivers; d++) urls.add("ws://127.0.0.1:" + port + "/echo");
      Counter echoCount = () -> Long.parseLong(get("http://127.0.0.1:" + port + "/count").trim());
      System.out.println("[2/5] baseline: GPS frames to the echo server ...");
      Result baseline = drive(urls, null, echoCount, null, seconds, warmup, 0);
      System.out.printf("      echo server: %,.0f frames/s%n", baseline.perSecond);

      System.out.println(
          "[3/5] starting Cassandra and a groupbuy node, registering " + drivers + " vehicles ...");
      cassandra = TestCassandra.start("bench-gps");
      node =
          NodeProcess.start(
              "gps", cassandra, ItSupport.uniqueKeyspace("bench_gps"), null, Map.of());
      ApiClient api = node.client();
      api.call(
          "PUT",
          "/regions/wh-gps",
          ItSupport.OPERATOR,
          Map.of("depotLat", 29.56, "depotLng", 106.55));
      List<String> tokens = new ArrayList<>();
      List<String> nodeUrls = new ArrayList<>();
      for (int d = 0; d < drivers; d++) {
        var r =
            api.call(
                "POST",
                "/regions/wh-gps/vehicles",
                ItSupport.OPERATOR,
                Map.of("vehicleId", "gps-" + d, "driverId", "gps-driver-" + d, "capacity", 100));
        if (r.status() != 201) throw new IllegalStateException("registration failed: " + r.raw());
        tokens.add(r.body().path("driverToken").asText());
        nodeUrls.add(node.url().replaceFirst("^http", "ws") + "/drivers/socket?vehicleId=gps-" + d);
      }
      String metricsUrl = node.url() + "/metrics";
      Counter accepted = () -> (long) metric(get(metricsUrl), "groupbuy_gps_fixes_accepted_total");
      System.out.println("[4/5] GPS frames to the node's drivers' socket ...");
      Result ws = drive(nodeUrls, tokens, accepted, metricsUrl, seconds, warmup, 0);
      System.out.printf("      node: %,.0f fixes/s accepted%n", ws.perSecond);
      // latency is meaningful below saturation: the same drivers at a steady rate (real apps send
      // about 1 fix/s)
      System.out.printf("[5/5] latency with every driver sending %.0f fixes/s ...%n", pacedRate);
      Result paced = drive(nodeUrls, tokens, accepted, metricsUrl, seconds, warmup, pacedRate);
      System.out.println();
      System.out.printf(
          "%-52s %,10.0f /s%n",
          "raw pekko-http WebSocket echo server (frames)", baseline.perSecond);
      System.out.printf(
          "%-52s %,10.0f /s   (saturated: fix-to-vehicle p50 <= %s, p99 <= %s)%n",
          "groupbuy drivers' socket (fixes accepted)", ws.perSecond, ws.p50, ws.p99);
      System.out.printf(
          "%-52s %,10.0f /s   fix-to-vehicle p50 <= %s, p99 <= %s%n",
          String.format("  same, paced at %.0f fixes/s per driver", pacedRate),
          paced.perSecond,
          paced.p50,
          paced.p99);
      System.out.printf(
          "%-52s %10.2f   (goal >= 0.5)%n", "ratio", ws.perSecond / baseline.perSecond);
      String text = get(metricsUrl);
      Matcher m =
          Pattern.compile(
                  "(?m)^groupbuy_gps_fixes_dropped_total\\{reason=\"([^\"]+)\"\\} ([0-9.eE+-]+)$")
              .matcher(text);
      StringBuilder reasons = new StringBuilder();
      while (m.find())
        reasons
            .append(' ')
            .append(m.group(1))
            .append('=')
            .append((long) Double.parseDouble(m.group(2)));
      System.out.printf(
          "fixes dropped at the edge during the whole run (warm-ups included):%s%n",
          reasons.length() == 0 ? " none" : reasons);
    } finally {
      echo.destroyForcibly();
      if (node != null) node.close();
      if (cassandra != null) cassandra.close();
    }
  }

  interface Counter {
    long read() throws Exception;
  }

  record Result(double perSecond, String p50, String p99) {}

  private static int echoPort;

  static Process startEcho() throws Exception {
    echoPort = CassandraLauncher.freePort();
    Path log = Files.createDirectories(Path.of("target", "bench")).resolve("echo-server.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m",
                "-Xmx384m",
                "-XX:ActiveProcessorCount=2",
                "-cp",
                System.getProperty("java.class.path"),
                EchoServer.class.getName(),
                String.valueOf(echoPort))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        get("http://127.0.0.1:" + echoPort + "/count");
        return p;
      } catch (Exception notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("echo server did not start; see " + log);
  }

  /** Every driver sends GPS frames back to back for warm-up plus the measured window. */
  static Result drive(
      List<String> urls,
      List<String> tokens,
      Counter counter,
      String metricsUrl,
      int seconds,
      int warmup,
      double perDriverRate)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<WebSocket> sockets = new ArrayList<>();
    for (int d = 0; d < urls.size(); d++) {
      WebSocket.Builder b = http.newWebSocketBuilder();
      if (tokens != null) b.header("Authorization", "Bearer " + tokens.get(d));
      sockets.add(
          b.buildAsync(
                  URI.create(urls.get(d)),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      webSocket.request(1); // replies (echoes, route pushes) are read and dropped
                      return null;
                    }
                  })
              .join());
    }
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> senders = new ArrayList<>();
    for (int d = 0; d < sockets.size(); d++) {
      WebSocket socket = sockets.get(d);
      int driver = d;
      Thread t =
          new Thread(
              () -> {
                long intervalNanos = perDriverRate > 0 ? (long) (1e9 / perDriverRate) : 0;
                long next =
                    System.nanoTime()
                        + (intervalNanos > 0 ? (long) (Math.random() * intervalNanos) : 0);
                long last = 0;
                double lat = 29.56 + driver * 1e-4;
                while (running.get()) {
                  if (intervalNanos > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    next += intervalNanos;
                  }
                  long at = Math.max(System.currentTimeMillis(), last + 1);
                  last = at;
                  lat += 1e-6;
                  String frame =
                      "{\"type\":\"gps\",\"lat\":"
                          + lat
                          + ",\"lng\":106.55,\"speedKmh\":25.0,\"at\":"
                          + at
                          + "}";
                  try {
                    socket.sendText(frame, true).join();
                  } catch (RuntimeException closed) {
                    return;
                  }
                }
              },
              "driver-" + d);
      t.setDaemon(true);
      senders.add(t);
      t.start();
    }
    Thread.sleep(warmup * 1000L);
    long before = counter.read();
    Map<Double, Double> bucketsBefore = metricsUrl == null ? Map.of() : buckets(get(metricsUrl));
    long start = System.nanoTime();
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1000);
      if (s % 5 == 0)
        System.out.printf("      %d/%d s, %,d so far%n", s, seconds, counter.read() - before);
    }
    long after = counter.read();
    double elapsed = (System.nanoTime() - start) / 1e9;
    Map<Double, Double> bucketsAfter = metricsUrl == null ? Map.of() : buckets(get(metricsUrl));
    running.set(false);
    for (Thread t : senders) t.join(5000);
    sockets.forEach(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
    return new Result(
        (after - before) / elapsed,
        percentile(bucketsBefore, bucketsAfter, 0.50),
        percentile(bucketsBefore, bucketsAfter, 0.99));
  }

  static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    double sum = 0;
    while (m.find()) sum += Double.parseDouble(m.group(2));
    return sum;
  }

  static Map<Double, Double> buckets(String text) {
    Map<Double, Double> out = new TreeMap<>();
    Matcher m =
        Pattern.compile(
                "(?m)^groupbuy_gps_fix_to_vehicle_seconds_bucket\\{le=\"([^\"]+)\"\\} ([0-9.eE+-]+)$")
            .matcher(text);
    while (m.find()) {
      double le =
          m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      out.put(le, Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /**
   * The smallest bucket bound holding the percentile of the fixes observed between the two scrapes.
   */
  static String percentile(Map<Double, Double> before, Map<Double, Double> after, double p) {
    if (after.isEmpty()) return "n/a";
    double total =
        after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
            - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      double cumulative = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (cumulative >= p * total) {
        return e.getKey().isInfinite() ? "> 2.5 s" : String.format("%.2f ms", e.getKey() * 1000);
      }
    }
    return "n/a";
  }
}
