package io.groupbuy.order;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.dispatch.DispatchRegion;
import io.groupbuy.dispatch.ShardedDispatch;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.Auth.Principal;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.Summary;
import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.platform.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /orders}: place, read and cancel orders. Customers act on their own orders; operators on
 * any.
 */
public final class OrderRoutes extends ApiDirectives {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /**
   * Order ids are {@link #orderIdFor} results; anything else is unknown without waking an entity.
   */
  private static final Pattern ORDER_ID =
      Pattern.compile("o-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** Coupon ids are {@code campaignId:n}, as campaigns issue them. */
  private static final Pattern COUPON_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}:[0-9]{1,9}");

  /** Body of {@code POST /orders}; {@code couponId} optional, one of the customer's coupons. */
  public record PlaceOrderRequest(
      String idempotencyKey,
      String pickupPointId,
      List<LineRequest> lines,
      Boolean urgent,
      String couponId) {
    public PlaceOrderRequest(
        String idempotencyKey, String pickupPointId, List<LineRequest> lines, Boolean urgent) {
      this(idempotencyKey, pickupPointId, lines, urgent, null);
    }
  }

  public record LineRequest(String sku, Integer quantity) {}

  public record CancelRequest(String reason) {}

  private final Orders orders;
  private final GroupbuySettings settings;
  private final Catalog catalog;
  private final ShardedDispatch dispatch;
  private final Clock clock;

  public OrderRoutes(
      ActorSystem<?> system,
      GroupbuySettings settings,
      Catalog catalog,
      ShardedDispatch dispatch,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.dispatch = dispatch;
    this.orders = Orders.fromConfig(system);
    this.settings = settings;
    this.catalog = catalog;
    this.clock = Clock.system(settings.timeZone());
  }

  /**
   * Order ids are derived from the customer and the idempotency key, so a retry reaches the same
   * entity.
   */
  public static String orderIdFor(String customerId, String idempotencyKey) {
    return "o-"
        + UUID.nameUUIDFromBytes(
            (customerId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.POST,
            "/orders",
            path ->
                authenticated(
                    principal ->
                        optionalHeaderValueByName(
                            "Idempotency-Key",
                            headerKey ->
                                entity(
                                    JsonSupport.body(PlaceOrderRequest.class),
                                    req -> place(principal, req, headerKey.orElse(null)))))),
        endpoint(
            HttpMethods.GET,
            "/orders/{orderId}",
            path ->
                customerOrOperator(
                    principal ->
                        withOrderId(
                            path.get("orderId"),
                            () ->
                                onResult(
                                    orders
                                        .<Summary>ask(
                                            path.get("orderId"),
                                            r -> new Order.Get(requester(principal), r),
                                            settings.askTimeout())
                                        .thenCompose(this::withDelivery),
                                    s -> json(StatusCodes.OK, s))))),
        endpoint(
            HttpMethods.POST,
            "/orders/{orderId}/cancel",
            path ->
                customerOrOperator(
                    principal ->
                        withOrderId(
                            path.get("orderId"),
                            () ->
                                optionalEntity(
                                    reason -> cancel(principal, path.get("orderId"), reason))))));
  }

  /**
   * The order with, once it is on a route, its delivery: vehicle, current ETA at the pickup point
   * (updated as the vehicle moves or is rerouted) and the window's end. Without an answer from
   * dispatch the order is shown without it.
   */
  private CompletionStage<Map<String, Object>> withDelivery(Summary s) {
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JsonSupport.MAPPER.convertValue(s, Map.class);
    if (s.status() != Order.Status.WAVED && s.status() != Order.Status.OUT_FOR_DELIVERY) {
      return CompletableFuture.completedFuture(body);
    }
    return dispatch
        .region(s.warehouseId())
        .<DispatchRegion.StopEta>askWithStatus(
            r -> new DispatchRegion.GetStopEta(s.pickupPointId(), r), settings.askTimeout())
        .handle(
            (eta, failure) -> {
              if (eta != null) {
                Map<String, Object> delivery = new LinkedHashMap<>();
                delivery.put("vehicleId", eta.vehicleId());
                delivery.put("etaEpochMs", eta.etaMs());
                delivery.put(
                    "eta",
                    Instant.ofEpochMilli(eta.etaMs())
                        .atZone(settings.timeZone())
                        .toOffsetDateTime()
                        .toString());
                delivery.put("windowEndEpochMs", eta.windowEndMs());
                delivery.put("late", eta.etaMs() > eta.windowEndMs());
                delivery.put("vehicleStatus", eta.status());
                body.put("delivery", delivery);
              }
              return body;
            });
  }

  private Route customerOrOperator(Function<Principal, Route> inner) {
    return authenticated(
        p ->
            p.role() == Auth.Role.DRIVER
                ? error(
                    StatusCodes.FORBIDDEN,
                    "forbidden",
                    "orders are read with a customer or operator token",
                    "Authorization")
                : inner.apply(p));
  }

  private Route optionalEntity(Function<String, Route> inner) {
    return extractRequestEntity(
        e ->
            e.isKnownEmpty()
                ? inner.apply("")
                : entity(
                    JsonSupport.body(CancelRequest.class),
                    req -> inner.apply(req.reason() == null ? "" : req.reason())));
  }

  private Route cancel(Principal principal, String orderId, String reason) {
    if (reason.length() > 500) {
      return error(
          StatusCodes.UNPROCESSABLE_ENTITY,
          "invalid",
          "reason is longer than 500 characters",
          "reason");
    }
    return onResult(
        orders.<Summary>ask(
            orderId, r -> new Order.Cancel(requester(principal), reason, r), settings.askTimeout()),
        s -> {
          metrics.ordersCancelled.inc();
          return json(StatusCodes.OK, s);
        });
  }

  private Route withOrderId(String orderId, Supplier<Route> inner) {
    return ORDER_ID.matcher(orderId).matches()
        ? inner.get()
        : error(StatusCodes.NOT_FOUND, "not-found", "no order " + orderId, "orderId");
  }

  private static String requester(Principal p) {
    return p.isOperator() ? "" : p.subject();
  }

  private Route place(Principal principal, PlaceOrderRequest req, String headerKey) {
    if (principal.role() != Auth.Role.CUSTOMER) {
      return error(
          StatusCodes.FORBIDDEN,
          "forbidden",
          "orders are placed with a customer token",
          "Authorization");
    }
    long start = System.nanoTime();
    CompletionStage<Summary> result =
        validate(principal, req, headerKey)
            .thenCompose(
                details -> {
                  String orderId = orderIdFor(principal.subject(), details.idempotencyKey());
                  if (settings.benchOrdersPersistNothing())
                    return CompletableFuture.completedFuture(Order.unpersisted(orderId, details));
                  return orders.<Summary>ask(
                      orderId, r -> new Order.Place(details, r), settings.askTimeout());
                });
    return onResult(
        result,
        s -> {
          metrics.placementSeconds.observe((System.nanoTime() - start) / 1e9);
          if (s.status() == Order.Status.REJECTED) {
            metrics.ordersRejected.inc();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", "order-rejected");
            body.put("message", s.reason());
            body.put("field", Order.rejectedForCoupon(s) ? "couponId" : "lines");
            body.put("order", s);
            return json(StatusCodes.CONFLICT, body);
          }
          metrics.ordersPlaced.inc();
          return json(StatusCodes.CREATED, s);
        });
  }

  private CompletionStage<Order.Details> validate(
      Principal principal, PlaceOrderRequest req, String headerKey) {
    String key = req.idempotencyKey() != null ? req.idempotencyKey() : headerKey;
    if (req.pickupPointId() == null || req.pickupPointId().isBlank()) {
      throw new ApiError.Failure(
          400, "missing-field", "pickupPointId is required", "pickupPointId");
    }
    List<LineRequest> lines = req.lines();
    if (lines == null || lines.isEmpty()) {
      throw new ApiError.Failure(400, "missing-field", "an order needs at least one line", "lines");
    }
    if (lines.size() > settings.maxOrderLines()) {
      throw new ApiError.Failure(
          422,
          "too-many-lines",
          "an order has at most " + settings.maxOrderLines() + " lines",
          "lines");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      LineRequest l = lines.get(i);
      String field = "lines[" + i + "]";
      if (l == null || l.sku() == null || l.sku().isBlank()) {
        throw new ApiError.Failure(400, "missing-field", "sku is required", field + ".sku");
      }
      if (l.quantity() == null) {
        throw new ApiError.Failure(
            400, "missing-field", "quantity is required", field + ".quantity");
      }
      if (l.quantity() <= 0) {
        throw new ApiError.Failure(
            422,
            "invalid-quantity",
            "quantity must be at least 1, got " + l.quantity(),
            field + ".quantity");
      }
      if (l.quantity() > settings.maxLineQuantity()) {
        throw new ApiError.Failure(
            422,
            "invalid-quantity",
            "quantity must be at most " + settings.maxLineQuantity() + ", got " + l.quantity(),
            field + ".quantity");
      }
      if (!seen.add(l.sku())) {
        throw new ApiError.Failure(
            422,
            "duplicate-sku",
            "sku " + l.sku() + " appears twice; merge the lines",
            field + ".sku");
      }
    }
    // Required: without it a client cannot retry a timed-out placement without risking a second
    // order.
    if (key == null) {
      throw new ApiError.Failure(
          400,
          "missing-field",
          "idempotencyKey is required (in the body or the "
              + "Idempotency-Key header): retries with the same key return the first result",
          "idempotencyKey");
    }
    if (!KEY.matcher(key).matches()) {
      throw new ApiError.Failure(
          400,
          "invalid",
          "idempotencyKey must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          "idempotencyKey");
    }
    if (KeyTime.tooFarAhead(key, System.currentTimeMillis())) {
      throw new ApiError.Failure(
          400,
          "invalid",
          "idempotencyKey is a UUIDv7 dated more than "
              + KeyTime.MAX_AHEAD.toMinutes()
              + " minutes ahead of the server's clock; check the client's clock, or send a random"
              + " key",
          "idempotencyKey");
    }
    if (req.couponId() != null && !COUPON_ID.matcher(req.couponId()).matches()) {
      throw new ApiError.Failure(
          400,
          "invalid",
          "couponId must be a coupon id as issued, campaignId:number (see GET /campaigns/{id})",
          "couponId");
    }
    final String idempotencyKey = key;
    final boolean urgent = Boolean.TRUE.equals(req.urgent());
    return catalog
        .pickupPoint(req.pickupPointId())
        .thenCompose(
            point -> {
              PickupPoint pp =
                  point.orElseThrow(
                      () ->
                          new ApiError.Failure(
                              422,
                              "unknown-pickup-point",
                              "no pickup point "
                                  + req.pickupPointId()
                                  + "; see GET /catalog/pickup-points",
                              "pickupPointId"));
              CompletionStage<Void> checks = CompletableFuture.completedFuture(null);
              for (int i = 0; i < lines.size(); i++) {
                String sku = lines.get(i).sku();
                String field = "lines[" + i + "].sku";
                checks =
                    checks.thenCompose(
                        v ->
                            catalog
                                .sku(sku)
                                .thenAccept(
                                    found -> {
                                      if (found.isEmpty()) {
                                        throw new ApiError.Failure(
                                            422,
                                            "unknown-sku",
                                            "no SKU " + sku + "; see GET /catalog/skus",
                                            field);
                                      }
                                    }));
              }
              return checks.thenApply(
                  v -> {
                    ZonedDateTime now = ZonedDateTime.now(clock);
                    ZonedDateTime cutoff =
                        now.with(settings.cutoffTime()).withSecond(0).withNano(0);
                    if (!now.isBefore(cutoff)) cutoff = cutoff.plusDays(1);
                    return new Order.Details(
                        principal.subject(),
                        pp.id(),
                        pp.warehouseId(),
                        lines.stream().map(l -> new Line(l.sku(), l.quantity())).toList(),
                        now.toInstant().toEpochMilli(),
                        cutoff.toInstant().toEpochMilli(),
                        idempotencyKey,
                        urgent,
                        req.couponId());
                  });
            });
  }
}
