package io.groupbuy.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.groupbuy.http.Auth;
import io.groupbuy.platform.UuidV7;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places realistic orders through the public REST API: each simulated customer belongs to one
 * pickup point and buys 1-4 SKUs (1-3 units each) from the loaded assortment; stock arrives at each
 * warehouse in daily-sized receipts with replenishment bounds set. Retries a timed-out placement
 * with the same idempotency key. Prints progress.
 */
public final class OrderGenerator {
  private final ApiClient api;
  private final String operatorToken;
  private final Auth auth;
  private final Random random = new Random(42);
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong revenueFen = new AtomicLong();
  private final Map<String, String> customerTokens = new ConcurrentHashMap<>();
  private final Map<Integer, Long> basketsBought = new ConcurrentHashMap<>();
  private final AtomicLong eventsSent = new AtomicLong();
  private final AtomicLong eventsAccepted = new AtomicLong();
  private final AtomicLong eventsDropped = new AtomicLong();
  private ShopperHabits habits;
  private final CouponDesk coupons;

  public OrderGenerator(ApiClient api, Auth auth) {
    this.api = api;
    this.auth = auth;
    this.operatorToken = auth.issue("simulator", Auth.Role.OPERATOR, Duration.ofDays(1));
    this.coupons = new CouponDesk(api, operatorToken, "run-" + System.currentTimeMillis());
  }

  /**
   * Loads the catalog if the node has none, stocks it, then places orders until the system stops.
   */
  public static OrderGenerator startInBackground(String baseUrl, Auth auth, Config config) {
    OrderGenerator gen = new OrderGenerator(new ApiClient(baseUrl), auth);
    Thread t =
        new Thread(
            () -> {
              try {
                Path data = Path.of(config.getString("groupbuy.sim.data-dir"));
                gen.run(
                    data,
                    config.getInt("groupbuy.sim.orders-per-second"),
                    config.getInt("groupbuy.sim.customers"),
                    config.getInt("groupbuy.sim.warehouses"),
                    Long.MAX_VALUE);
              } catch (Exception e) {
                System.err.println("order generator stopped: " + e);
              }
            },
            "order-generator");
    t.setDaemon(true);
    t.start();
    return gen;
  }

  public void run(Path dataDir, int ordersPerSecond, int customers, int warehouses, long maxOrders)
      throws InterruptedException {
    ApiClient.Reply skusReply = api.call("GET", "/catalog/skus", null, null);
    if (skusReply.body().path("skus").isEmpty()) {
      System.out.println("[sim] loading the catalog from " + dataDir.toAbsolutePath() + " ...");
      var loaded = LoadCatalog.load(dataDir, api, operatorToken);
      System.out.printf(
          "[sim] catalog: %d SKUs, %d pickup points, %d wholesale cost quotes%n",
          loaded.skus(), loaded.pickupPoints(), loaded.costQuotes());
      skusReply = api.call("GET", "/catalog/skus", null, null);
    }
    // a SKU without a cost has no list price, so it cannot be sold until an operator prices it
    List<String> skus = new ArrayList<>();
    int unpriced = 0;
    for (var s : skusReply.body().path("skus")) {
      if (s.path("cost").asDouble() > 0) skus.add(s.path("sku").asText());
      else unpriced++;
    }
    if (unpriced > 0)
      System.out.printf(
          "[sim] %d SKUs without a cost (so without a list price) not sold%n", unpriced);
    Map<String, List<String>> pointsByWarehouse = new LinkedHashMap<>();
    api.call("GET", "/catalog/pickup-points", null, null)
        .body()
        .path("pickupPoints")
        .forEach(
            p ->
                pointsByWarehouse
                    .computeIfAbsent(p.path("warehouseId").asText(), w -> new ArrayList<>())
                    .add(p.path("id").asText()));
    List<String> activeWarehouses =
        new ArrayList<>(pointsByWarehouse.keySet())
            .subList(0, Math.min(warehouses, pointsByWarehouse.size()));
    habits = ShopperHabits.load(dataDir, skus);
    System.out.println(
        habits == null
            ? "[sim] no Ta-Feng baskets under " + dataDir + ": customers buy SKUs at random"
            : "[sim] customers shop as "
                + habits.shoppers()
                + " Ta-Feng shoppers, their items mapped onto the catalog");
    System.out.printf("[sim] stocking %d SKUs in %s ...%n", skus.size(), activeWarehouses);
    stock(skus, activeWarehouses);

    // each customer shops at one pickup point of one warehouse
    List<String[]> customerHomes = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      String wh = activeWarehouses.get(c % activeWarehouses.size());
      List<String> points = pointsByWarehouse.get(wh);
      customerHomes.add(
          new String[] {"sim-customer-" + c, points.get(random.nextInt(points.size()))});
    }
    boolean couponsOpen = coupons.open();
    if (couponsOpen) {
      System.out.println(
          "[sim] coupon campaigns, one per segment: "
              + CouponDesk.OFFERS.stream()
                  .map(
                      o -> o.campaignId() + " (" + o.segment() + ", " + o.terms().get("name") + ")")
                  .toList());
    }
    System.out.printf(
        "[sim] placing about %d orders/s from %d customers; progress every 10 s%n",
        ordersPerSecond, customers);
    Semaphore inFlight = new Semaphore(Math.max(4, ordersPerSecond * 2));
    long intervalNanos = 1_000_000_000L / Math.max(1, ordersPerSecond);
    long next = System.nanoTime();
    long lastReport = System.currentTimeMillis();
    int reports = 0;
    for (long n = 0; n < maxOrders; n++) {
      int customer = random.nextInt(customerHomes.size());
      String[] home = customerHomes.get(customer);
      Map<String, Object> order = new LinkedHashMap<>();
      order.put("idempotencyKey", UuidV7.random()); // as the API recommends; see openapi.yaml
      order.put("pickupPointId", home[1]);
      List<Map<String, Object>> lines = new ArrayList<>();
      for (String sku : basketOf(customer, skus)) {
        lines.add(Map.of("sku", sku, "quantity", 1 + random.nextInt(3)));
      }
      order.put("lines", lines);
      String coupon = coupons.take(home[0]);
      if (coupon != null) order.put("couponId", coupon);
      inFlight.acquire();
      String token = tokenFor(home[0]);
      browse(home[0], token, lines, skus)
          .thenCompose(b -> place(home[0], token, order, 1))
          .whenComplete((r, e) -> inFlight.release());
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      if (System.currentTimeMillis() - lastReport >= 10_000) {
        lastReport = System.currentTimeMillis();
        System.out.println(progress());
        if (couponsOpen) offerCoupons(customerHomes);
        if (++reports % 3 == 0) sessionsReport(customerHomes);
      }
    }
    inFlight.acquire(Math.max(4, ordersPerSecond * 2));
    System.out.println(progress());
  }

  public String progress() {
    long orders = confirmed.get();
    return String.format(
        "[sim] orders confirmed %d (¥%.2f, ¥%.2f each), rejected (sold out) %d, retried %d, failed %d"
            + " | behaviour events sent %d, accepted %d, dropped %d | %s",
        orders,
        revenueFen.get() / 100.0,
        orders == 0 ? 0 : revenueFen.get() / 100.0 / orders,
        rejected.get(),
        retried.get(),
        failed.get(),
        eventsSent.get(),
        eventsAccepted.get(),
        eventsDropped.get(),
        coupons.progress());
  }

  /** Hands 20 customers a coupon of the campaign for their live segment, as marketing would. */
  private void offerCoupons(List<String[]> customers) {
    for (int i = 0; i < 20; i++) {
      String customer = customers.get(random.nextInt(customers.size()))[0];
      var r = api.call("GET", "/users/" + customer + "/session", operatorToken, null);
      String segment =
          r.status() == 200 ? r.body().path("session").path("segment").asText() : "NEW";
      coupons.offer(customer, segment);
    }
  }

  /** Segments of 20 customers, and what one of them is recommended, as the API says. */
  private void sessionsReport(List<String[]> customers) {
    Map<String, Integer> segments = new java.util.TreeMap<>();
    String sample = null;
    for (int i = 0; i < 20; i++) {
      String customer = customers.get(random.nextInt(customers.size()))[0];
      var r = api.call("GET", "/users/" + customer + "/session", operatorToken, null);
      String segment =
          r.status() == 200 ? r.body().path("session").path("segment").asText() : "no session";
      segments.merge(segment, 1, Integer::sum);
      if (r.status() == 200
          && r.body().path("session").path("features").path("ordersEver").asInt() > 1)
        sample = customer;
    }
    System.out.println("[sim] sessions of 20 customers by segment: " + segments);
    if (sample == null) return;
    var rec = api.call("GET", "/users/" + sample + "/recommendations?k=3", operatorToken, null);
    if (rec.status() != 200) return;
    List<String> items = new ArrayList<>();
    rec.body()
        .path("items")
        .forEach(
            i ->
                items.add(
                    i.path("sku").asText()
                        + " ("
                        + i.path("reason").asText().toLowerCase(java.util.Locale.ROOT)
                        + ")"));
    System.out.println("[sim] recommended to " + sample + ": " + String.join(", ", items));
  }

  /** The customer's next basket: their Ta-Feng shopper's next, else 1-4 SKUs at random. */
  private List<String> basketOf(int customer, List<String> skus) {
    if (habits != null) {
      long n = basketsBought.merge(customer, 1L, Long::sum) - 1;
      List<String> basket = habits.basket(customer, n);
      return basket.size() > 6 ? basket.subList(0, 6) : basket;
    }
    int lineCount = 1 + random.nextInt(4);
    Set<String> chosen = new java.util.LinkedHashSet<>();
    while (chosen.size() < lineCount) {
      chosen.add(
          skus.get(
              (int) Math.min(skus.size() - 1, Math.abs(random.nextGaussian()) * skus.size() / 3)));
    }
    return List.copyOf(chosen);
  }

  /**
   * What the customer's app reports before the order: views of what they buy and of a few other
   * SKUs, a click, the cart; now and then an event sent twice (an app retrying), which the session
   * drops.
   */
  private CompletableFuture<?> browse(
      String customer, String token, List<Map<String, Object>> lines, List<String> skus) {
    long now = System.currentTimeMillis();
    List<Map<String, Object>> events = new ArrayList<>();
    int k = 0;
    List<String> viewed = new ArrayList<>();
    for (Map<String, Object> line : lines) viewed.add((String) line.get("sku"));
    for (int extra = random.nextInt(4); extra > 0; extra--) {
      viewed.add(skus.get(random.nextInt(skus.size())));
    }
    String base = customer + "-" + UuidV7.random();
    for (String sku : viewed)
      events.add(event(base + "-" + k++, customer, now - 60_000 + k * 1000, "view", sku));
    events.add(event(base + "-" + k++, customer, now - 30_000, "click", viewed.get(0)));
    for (Map<String, Object> line : lines) {
      events.add(
          event(
              base + "-" + k++,
              customer,
              now - 20_000 + k * 100,
              "cart",
              (String) line.get("sku")));
    }
    if (random.nextInt(10) == 0) events.add(events.get(0)); // a retried event
    eventsSent.addAndGet(events.size());
    return api.send("POST", "/behaviour", token, Map.of("events", events))
        .thenAccept(
            r -> {
              if (r.status() != 200) return;
              eventsAccepted.addAndGet(r.body().path("accepted").asLong());
              r.body().path("dropped").forEach(n -> eventsDropped.addAndGet(n.asLong()));
            });
  }

  private static Map<String, Object> event(
      String id, String user, long ts, String action, String sku) {
    return Map.of("eventId", id, "userId", user, "ts", ts, "action", action, "sku", sku);
  }

  public long confirmed() {
    return confirmed.get();
  }

  private CompletableFuture<ApiClient.Reply> place(
      String customer, String token, Map<String, Object> order, int attempt) {
    return api.send("POST", "/orders", token, order)
        .thenCompose(
            r -> {
              String coupon = (String) order.get("couponId");
              if (coupon != null && coupons.placed(customer, coupon, r.status(), r.body())) {
                // the app tells the customer, who orders the basket without the coupon
                Map<String, Object> without = new LinkedHashMap<>(order);
                without.remove("couponId");
                without.put("idempotencyKey", UuidV7.random());
                return place(customer, token, without, 1);
              }
              if (r.status() == 201) {
                confirmed.incrementAndGet();
                revenueFen.addAndGet(r.body().path("totalFen").asLong());
              } else if (r.status() == 409) {
                rejected.incrementAndGet();
              } else if ((r.status() == 503 || r.status() >= 500) && attempt < 5) {
                retried.incrementAndGet();
                // same idempotency key: at most one order results
                return place(customer, token, order, attempt + 1);
              } else {
                failed.incrementAndGet();
                if (failed.get() <= 5)
                  System.out.println("[sim] order failed: " + r.status() + " " + r.raw());
              }
              return CompletableFuture.completedFuture(r);
            });
  }

  /**
   * The token this generator's customer places orders with (the fleet simulator cancels with it).
   */
  public String customerToken(String customer) {
    return tokenFor(customer);
  }

  private String tokenFor(String customer) {
    return customerTokens.computeIfAbsent(
        customer, c -> auth.issue(c, Auth.Role.CUSTOMER, Duration.ofDays(1)));
  }

  private void stock(List<String> skus, List<String> warehouses) {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    Semaphore limit = new Semaphore(32);
    for (String wh : warehouses) {
      for (String sku : skus) {
        int daily = 50 + random.nextInt(150);
        limit.acquireUninterruptibly();
        calls.add(
            api.send(
                    "POST",
                    "/inventory/" + wh + "/" + sku + "/receipts",
                    operatorToken,
                    Map.of("receiptId", "sim-initial-" + wh + "-" + sku, "quantity", daily * 2))
                .thenCompose(
                    r ->
                        api.send(
                            "PUT",
                            "/inventory/" + wh + "/" + sku + "/bounds",
                            operatorToken,
                            Map.of(
                                "minStock",
                                daily / 4,
                                "maxStock",
                                daily * 3,
                                "reorderPoint",
                                daily / 2)))
                .whenComplete((r, e) -> limit.release()));
      }
    }
    calls.forEach(CompletableFuture::join);
  }

  /**
   * Standalone: {@code OrderGenerator --api URL --data DIR --rate N --orders N} with the node's
   * auth secret.
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> opts =
        new HashMap<>(
            Map.of(
                "--api",
                "http://127.0.0.1:8080",
                "--data",
                "../shared/data",
                "--rate",
                "20",
                "--orders",
                "1000",
                "--customers",
                "200",
                "--warehouses",
                "2"));
    for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i], args[i + 1]);
    Config config = ConfigFactory.load();
    Auth auth =
        new Auth(
            config.getString("groupbuy.auth.secret"), config.getString("groupbuy.auth.issuer"));
    OrderGenerator gen = new OrderGenerator(new ApiClient(opts.get("--api")), auth);
    gen.run(
        Path.of(opts.get("--data")),
        Integer.parseInt(opts.get("--rate")),
        Integer.parseInt(opts.get("--customers")),
        Integer.parseInt(opts.get("--warehouses")),
        Long.parseLong(opts.get("--orders")));
  }
}
