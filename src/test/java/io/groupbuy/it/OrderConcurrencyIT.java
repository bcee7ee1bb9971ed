package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.sim.ApiClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 customers race for 50 units of one SKU over real HTTP, against a real node and Cassandra,
 * while a quarter of them retry their placement with the same idempotency key, some during and some
 * after the first attempt.
 */
class OrderConcurrencyIT {
  private static NodeProcess node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node =
        NodeProcess.start(
            "n1", TestCassandra.shared(), ItSupport.uniqueKeyspace("it_conc"), null, Map.of());
    api = node.client();
    ItSupport.loadCatalog(api, List.of("hot-sku"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private final AtomicInteger unavailable = new AtomicInteger();

  /**
   * A 503 (no answer in time) is not a result: a client retries it with the same key, as the API
   * says.
   */
  private CompletableFuture<ApiClient.Reply> untilAnswered(
      String token, Map<String, Object> body, int attempt) {
    // a client retries with the same key on 503 and on a dropped connection, as it would behind a
    // load balancer
    return api.send("POST", "/orders", token, body)
        .handle((r, failure) -> r)
        .thenCompose(
            r -> {
              if (r != null && (r.status() != 503 || attempt >= 20))
                return CompletableFuture.completedFuture(r);
              if (r == null && attempt >= 20)
                throw new IllegalStateException("no answer after " + attempt + " attempts");
              unavailable.incrementAndGet();
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> untilAnswered(token, body, attempt + 1));
            });
  }

  @Test
  void sellsExactlyTheStockAndAnswersRetriesWithTheFirstResult() throws Exception {
    ItSupport.receive(api, "hot-sku", 50);
    AtomicBoolean loadRunning = new AtomicBoolean(true);
    AtomicInteger lowestAvailable = new AtomicInteger(Integer.MAX_VALUE);
    Thread watcher =
        new Thread(
            () -> {
              while (loadRunning.get()) {
                int available = ItSupport.stock(api, "hot-sku").path("available").asInt();
                lowestAvailable.accumulateAndGet(available, Math::min);
              }
            });
    watcher.start();

    Map<String, List<ApiClient.Reply>> repliesByCustomer = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String customer = "c" + i;
      String token = ItSupport.customer(customer);
      Map<String, Object> body = ItSupport.order("key-" + i, "hot-sku", 1);
      int attempts = i % 4 == 0 ? 3 : 1;
      CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
      // first attempt and a concurrent duplicate, then one more retry after the first answer
      for (int a = 0; a < attempts; a++) {
        boolean concurrent = a == 1;
        CompletableFuture<ApiClient.Reply> send =
            concurrent
                ? untilAnswered(token, body, 0)
                : chain.thenCompose(x -> untilAnswered(token, body, 0));
        send =
            send.whenComplete(
                (r, e) -> {
                  if (r != null)
                    repliesByCustomer
                        .computeIfAbsent(customer, k -> new CopyOnWriteArrayList<>())
                        .add(r);
                });
        chain = concurrent ? CompletableFuture.allOf(chain, send) : send;
      }
      all.add(chain);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    loadRunning.set(false);
    System.out.println("[it] 503 answers and dropped connections retried: " + unavailable.get());
    watcher.join();

    int confirmed = 0;
    int rejected = 0;
    Map<String, String> orderIds = new HashMap<>();
    for (var entry : repliesByCustomer.entrySet()) {
      List<ApiClient.Reply> replies = entry.getValue();
      ApiClient.Reply first = replies.get(0);
      assertTrue(first.status() == 201 || first.status() == 409, first.raw());
      JsonNode order = first.status() == 201 ? first.body() : first.body().path("order");
      for (ApiClient.Reply again : replies) {
        assertEquals(first.status(), again.status(), entry.getKey() + ": " + again.raw());
        JsonNode o = again.status() == 201 ? again.body() : again.body().path("order");
        assertEquals(order.path("orderId").asText(), o.path("orderId").asText());
        assertEquals(order.path("status").asText(), o.path("status").asText());
      }
      orderIds.put(entry.getKey(), order.path("orderId").asText());
      if (first.status() == 201) confirmed++;
      else rejected++;
    }
    assertEquals(200, repliesByCustomer.size());
    assertEquals(50 * 3 + 150, repliesByCustomer.values().stream().mapToInt(List::size).sum());
    assertEquals(50, confirmed, "exactly the stock is sold");
    assertEquals(150, rejected);

    JsonNode stock = ItSupport.stock(api, "hot-sku");
    assertEquals(0, stock.path("available").asInt());
    assertEquals(50, stock.path("reserved").asInt());
    assertEquals(50, stock.path("received").asInt());
    assertTrue(lowestAvailable.get() >= 0, "available went negative: " + lowestAvailable.get());

    // the journal agrees with the answers: every confirmed order reads back as confirmed
    int confirmedOnRead = 0;
    for (var e : orderIds.entrySet()) {
      var r = api.call("GET", "/orders/" + e.getValue(), ItSupport.customer(e.getKey()), null);
      assertEquals(200, r.status(), r.raw());
      if (r.body().path("status").asText().equals("CONFIRMED")) confirmedOnRead++;
    }
    assertEquals(50, confirmedOnRead);
  }
}
