package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.sim.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Orders placed continuously while a test breaks the cluster, as clients behind a load balancer
 * would: a failed attempt (no connection, 5xx, timeout) is retried with the same idempotency key on
 * the next node. Every acknowledged outcome is kept, and afterwards must read back unchanged, with
 * the journal audit clean.
 */
final class OrderLoad implements AutoCloseable {
  record Outcome(String customer, String orderId, String sku, int quantity, String status) {}

  private final Supplier<List<ApiClient>> nodes;
  private final List<String> skus;
  private final Map<String, Outcome> acknowledged = new ConcurrentHashMap<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger unavailableWithRetryHint = new AtomicInteger();
  private final AtomicInteger failedForGood = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Semaphore inFlight = new Semaphore(8);
  private final List<CompletableFuture<?>> all = new ArrayList<>();
  private final Thread driver;
  private final String prefix;

  /**
   * Starts placing about {@code perSecond} orders a second over the nodes {@code nodes} returns at
   * each attempt.
   */
  OrderLoad(String prefix, Supplier<List<ApiClient>> nodes, List<String> skus, int perSecond) {
    this.prefix = prefix;
    this.nodes = nodes;
    this.skus = skus;
    this.driver =
        new Thread(
            () -> {
              int i = 0;
              while (running.get()) {
                place(i++);
                NodeProcess.sleep(1000L / perSecond);
              }
            },
            "order-load-" + prefix);
    driver.start();
  }

  private void place(int i) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    String customer = prefix + "-c" + i;
    String sku = skus.get(i % skus.size());
    int qty = 1 + (i % 2);
    Map<String, Object> body = ItSupport.order(prefix + "-k" + i, sku, qty);
    sent.incrementAndGet();
    CompletableFuture<?> f =
        attempt(i, ItSupport.customer(customer), body, 0)
            .thenAccept(
                r -> {
                  if (r == null) {
                    failedForGood.incrementAndGet();
                    return;
                  }
                  JsonNode order = r.status() == 201 ? r.body() : r.body().path("order");
                  acknowledged.put(
                      customer,
                      new Outcome(
                          customer,
                          order.path("orderId").asText(),
                          sku,
                          qty,
                          order.path("status").asText()));
                })
            .whenComplete((v, e) -> inFlight.release());
    synchronized (all) {
      all.add(f);
    }
  }

  private CompletableFuture<ApiClient.Reply> attempt(
      int node, String token, Map<String, Object> body, int attempt) {
    List<ApiClient> clients = nodes.get();
    // every node down for a moment (a restart, or the test tearing down): wait and try again
    CompletableFuture<ApiClient.Reply> sent =
        clients.isEmpty()
            ? CompletableFuture.failedFuture(new IllegalStateException("no node is up"))
            : clients.get(Math.floorMod(node, clients.size())).send("POST", "/orders", token, body);
    return sent.handle(
            (r, e) -> {
              if (e == null && r.status() == 503) {
                unavailable.incrementAndGet();
                if (r.body() != null
                    && r.body().path("code").isTextual()
                    && r.retryAfter() != null) {
                  unavailableWithRetryHint.incrementAndGet();
                }
              }
              return e == null && (r.status() == 201 || r.status() == 409) ? r : null;
            })
        .thenCompose(
            r -> {
              if (r != null) return CompletableFuture.completedFuture(r);
              if (attempt >= 120) return CompletableFuture.completedFuture(null);
              retries.incrementAndGet();
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> attempt(node + 1, token, body, attempt + 1));
            });
  }

  /** Stops placing new orders and waits for every placed one to be answered. */
  @Override
  public void close() {
    running.set(false);
    try {
      driver.join();
      List<CompletableFuture<?>> copy;
      synchronized (all) {
        copy = new ArrayList<>(all);
      }
      CompletableFuture.allOf(copy.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  int sent() {
    return sent.get();
  }

  int unavailable() {
    return unavailable.get();
  }

  int unavailableWithRetryHint() {
    return unavailableWithRetryHint.get();
  }

  Map<String, Outcome> acknowledged() {
    return acknowledged;
  }

  String summary() {
    return sent.get()
        + " sent, "
        + acknowledged.size()
        + " acknowledged, "
        + retries.get()
        + " retries, "
        + unavailable.get()
        + " answered 503, "
        + failedForGood.get()
        + " never acknowledged";
  }

  /**
   * Every placed order was acknowledged, and every acknowledged order reads back with its
   * acknowledged status.
   */
  void verify(ApiClient api) {
    assertEquals(0, failedForGood.get(), "orders never acknowledged: " + summary());
    assertEquals(sent.get(), acknowledged.size(), summary());
    int retried = 0;
    for (Outcome o : acknowledged.values()) {
      var r = api.call("GET", "/orders/" + o.orderId(), ItSupport.OPERATOR, null);
      // A shard moving to a node that just joined may drop a request during its hand-off; the
      // API answers 503 with a retry hint then, and a client retries, as this does (bounded).
      for (int attempt = 1; r.status() == 503 && attempt <= 10; attempt++) {
        retried++;
        NodeProcess.sleep(1000);
        r = api.call("GET", "/orders/" + o.orderId(), ItSupport.OPERATOR, null);
      }
      assertEquals(200, r.status(), r.raw());
      assertEquals(o.status(), r.body().path("status").asText(), o.toString());
      assertTrue(o.status().equals("CONFIRMED") || o.status().equals("REJECTED"), o.toString());
    }
    if (retried > 0)
      System.out.println("[it] verify: " + retried + " reads answered 503 and retried");
  }

  /** Runs the journal audit through a node and asserts it is clean; returns the report. */
  static JsonNode auditClean(ApiClient api) {
    var r = api.call("GET", "/ops/audit", ItSupport.OPERATOR, null);
    assertEquals(200, r.status(), r.raw());
    System.out.println(
        "[it] audit: " + r.body().path("stock") + " findings " + r.body().path("findings"));
    assertTrue(r.body().path("findings").isEmpty(), "audit findings: " + r.body().path("findings"));
    return r.body();
  }
}
