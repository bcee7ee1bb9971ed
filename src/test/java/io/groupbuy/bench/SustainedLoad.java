package io.groupbuy.bench;

import io.groupbuy.it.ItSupport;
import io.groupbuy.it.NodeProcess;
import io.groupbuy.sim.ApiClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The order benchmark's load at a fixed rate (latency without coordinated omission) and its long
 * run, which also watches the hand-over to dispatch: the region's plan must answer within 1 s
 * during the load, no message may be dropped, and no hand-over may still be retried 5 s after the
 * load ends.
 */
final class SustainedLoad {
  private SustainedLoad() {}

  static final String REGION = "wh-bench";

  record FixedRate(
      String name, double target, double seconds, long ok, long errors, long[] latenciesMicros) {
    /**
     * Where the slowest 1% of orders fell, by the second they were due: spread evenly, the tail is
     * the node's steady cost; bunched in a few seconds, it is stalls.
     */
    String tailBySecond() {
      long[] sorted = latenciesMicros.clone();
      Arrays.sort(sorted);
      long p99 = sorted[Math.min(sorted.length - 1, (int) (0.99 * sorted.length))];
      int[] perSecond = new int[(int) Math.ceil(seconds)];
      int slow = 0;
      for (int i = 0; i < latenciesMicros.length; i++) {
        if (latenciesMicros[i] <= p99) continue;
        slow++;
        perSecond[Math.min(perSecond.length - 1, (int) (i / target))]++;
      }
      StringBuilder b =
          new StringBuilder(
              String.format(
                  "the %d orders slower than p99 (%.0f ms), by the second they were due:",
                  slow, p99 / 1000.0));
      for (int second = 0; second < perSecond.length; second++) {
        if (perSecond[second] > 0)
          b.append(' ').append(second).append("s:").append(perSecond[second]);
      }
      return b.toString();
    }

    String line() {
      long[] l = latenciesMicros.clone();
      Arrays.sort(l);
      return String.format(
          "%-46s %8.0f /s   (target %.0f/s; %d errors; latency from the scheduled send: p50 %.1f ms,"
              + " p99 %.1f ms, p999 %.1f ms)",
          name,
          ok / seconds,
          target,
          errors,
          OrderThroughputBench.Rate.pct(l, 0.50) / 1000.0,
          OrderThroughputBench.Rate.pct(l, 0.99) / 1000.0,
          OrderThroughputBench.Rate.pct(l, 0.999) / 1000.0);
    }
  }

  /**
   * Sends orders at {@code perSecond} whatever the answers do (open loop). Each latency runs from
   * the moment the order was due, so a stalled node shows in the tail instead of slowing the
   * client.
   */
  /** The warm-up and the measured part of one fixed-rate run. */
  record FixedRun(FixedRate warmUp, FixedRate measured) {}

  /**
   * The measured seconds follow {@code warmUpSeconds} at the same rate from the same client, so the
   * client's own start (connections, compilation) and what the load before left behind fall in the
   * warm-up, which is reported on its own.
   */
  static FixedRun fixedRate(
      NodeProcess node, List<String> skus, double perSecond, int warmUpSeconds, int seconds)
      throws Exception {
    Supplier<HttpRequest> requests =
        OrderThroughputBench.orderRequests(node.client(), skus, "fixed-");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int warmUp = (int) (perSecond * warmUpSeconds);
    int total = warmUp + (int) (perSecond * seconds);
    long[] latencies = new long[total];
    boolean[] created = new boolean[total];
    CompletableFuture<?>[] answers = new CompletableFuture<?>[total];
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    double gapNanos = 1e9 / perSecond;
    for (int i = 0; i < total; i++) {
      long due = start + (long) (i * gapNanos);
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      int index = i;
      answers[i] =
          http.sendAsync(requests.get(), HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (r, e) -> {
                    latencies[index] = (System.nanoTime() - due) / 1000;
                    created[index] = e == null && r.statusCode() == 201;
                    if (created[index]) ok.incrementAndGet();
                    else errors.incrementAndGet();
                  });
      if (i > 0 && i % (int) (perSecond * 5) == 0) {
        System.out.printf(
            "      ... %ds of %ds (%d s warm-up), %d answered, %d errors%n",
            (System.nanoTime() - start) / 1_000_000_000L,
            warmUpSeconds + seconds,
            warmUpSeconds,
            ok.get(),
            errors.get());
      }
    }
    CompletableFuture.allOf(answers).exceptionally(e -> null).join();
    return new FixedRun(
        part("(h) warm-up at the same rate, not counted", perSecond, created, latencies, 0, warmUp),
        part("(h) orders at a fixed rate", perSecond, created, latencies, warmUp, total));
  }

  private static FixedRate part(
      String name, double perSecond, boolean[] created, long[] latencies, int from, int to) {
    long ok = 0;
    for (int i = from; i < to; i++) if (created[i]) ok++;
    return new FixedRate(
        name,
        perSecond,
        (to - from) / perSecond,
        ok,
        (to - from) - ok,
        Arrays.copyOfRange(latencies, from, to));
  }

  record LongRun(
      int seconds,
      long[] perWindow,
      int windowSeconds,
      long errors,
      long planPolls,
      long planSlow,
      double planMaxMs,
      long planErrors,
      double deadLetters,
      double failuresDuringLoad,
      double failuresAfter5s) {
    double rate() {
      return Arrays.stream(perWindow).sum() / (double) seconds;
    }

    double windowRate(int i) {
      return perWindow[i] / (double) windowSeconds;
    }
  }

  /**
   * {@code clients} orders in flight for {@code seconds}, counted per window of {@code
   * windowSeconds}; meanwhile the region's plan is asked for once a second.
   */
  static LongRun longRun(
      NodeProcess node, List<String> skus, int clients, int seconds, int windowSeconds)
      throws Exception {
    ApiClient api = node.client();
    Supplier<HttpRequest> requests = OrderThroughputBench.orderRequests(api, skus, "long-");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // suppressed dead letters are by design (acks nobody waits for, callbacks of finished streams)
    String suppressed = "kind=\"SuppressedDeadLetter\"";
    double deadBefore = metric(api, "groupbuy_dead_letters_total", suppressed);
    double failuresBefore = metric(api, "groupbuy_order_dispatch_handover_failures_total");
    int windows = (seconds + windowSeconds - 1) / windowSeconds;
    AtomicLongArray perWindow = new AtomicLongArray(windows);
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<CompletableFuture<Void>> loops =
        java.util.stream.IntStream.range(0, clients)
            .mapToObj(
                c -> {
                  CompletableFuture<Void> done = new CompletableFuture<>();
                  loop(http, requests, start, end, windowSeconds, perWindow, errors, done);
                  return done;
                })
            .toList();
    long polls = 0;
    long slow = 0;
    long planErrors = 0;
    double maxMs = 0;
    long nextPrint = start + 10_000_000_000L;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      ApiClient.Reply plan =
          api.call("GET", "/regions/" + REGION + "/plan", ItSupport.OPERATOR, null);
      double ms = (System.nanoTime() - t0) / 1e6;
      polls++;
      if (!plan.ok()) planErrors++;
      if (ms > 1000) slow++;
      long c0 = System.nanoTime();
      api.call("GET", "/openapi.yaml", null, null);
      double controlMs = (System.nanoTime() - c0) / 1e6;
      if (ms > 300 || controlMs > 300) {
        System.out.printf(
            "      ... the region plan took %.0f ms (a static page %.0f ms), asked %.1f s into the run%n",
            ms, controlMs, (t0 - start) / 1e9);
      }
      maxMs = Math.max(maxMs, ms);
      if (System.nanoTime() > nextPrint) {
        nextPrint += 10_000_000_000L;
        long done = 0;
        for (int i = 0; i < windows; i++) done += perWindow.get(i);
        System.out.printf(
            "      ... %ds of %ds, %d orders, %d errors; region plan answered in at most %.0f ms%n",
            (System.nanoTime() - start) / 1_000_000_000L, seconds, done, errors.get(), maxMs);
      }
      LockSupport.parkNanos(Math.max(0, 1_000_000_000L - (System.nanoTime() - t0)));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
    double failuresAtEnd = metric(api, "groupbuy_order_dispatch_handover_failures_total");
    Thread.sleep(5_000);
    double failuresAt5s = metric(api, "groupbuy_order_dispatch_handover_failures_total");
    Thread.sleep(10_000);
    double failuresAt15s = metric(api, "groupbuy_order_dispatch_handover_failures_total");
    long[] counts = new long[windows];
    for (int i = 0; i < windows; i++) counts[i] = perWindow.get(i);
    return new LongRun(
        seconds,
        counts,
        windowSeconds,
        errors.get(),
        polls,
        slow,
        maxMs,
        planErrors,
        metric(api, "groupbuy_dead_letters_total", suppressed) - deadBefore,
        failuresAtEnd - failuresBefore,
        failuresAt15s - failuresAt5s);
  }

  private static void loop(
      HttpClient http,
      Supplier<HttpRequest> requests,
      long start,
      long end,
      int windowSeconds,
      AtomicLongArray perWindow,
      AtomicLong errors,
      CompletableFuture<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete(null);
      return;
    }
    http.sendAsync(requests.get(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              long now = System.nanoTime();
              if (e == null && r.statusCode() == 201 && now < end) {
                perWindow.incrementAndGet((int) ((now - start) / 1_000_000_000L / windowSeconds));
              } else if (e != null || r.statusCode() != 201) {
                errors.incrementAndGet();
              }
              loop(http, requests, start, end, windowSeconds, perWindow, errors, done);
            });
  }

  /** The sum of a Prometheus metric's samples (all label values) in the node's /metrics. */
  static double metric(ApiClient api, String name) {
    return metric(api, name, null);
  }

  /** The same, leaving out samples whose labels contain {@code except}. */
  static double metric(ApiClient api, String name, String except) {
    ApiClient.Reply reply = api.call("GET", "/metrics", null, null);
    double sum = 0;
    for (String line : reply.raw().split("\n")) {
      if (except != null && line.contains(except)) continue;
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
