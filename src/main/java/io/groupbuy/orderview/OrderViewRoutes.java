package io.groupbuy.orderview;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.platform.Metrics;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The order read models over HTTP: a customer's own orders (paged, newest first), what a pickup
 * point hands out on a date, confirmed demand of a SKU at a warehouse on a day, and the forecast of
 * that demand for the coming days ({@link DemandForecasts}). They follow the journal within seconds
 * (see {@code groupbuy_projection_lag_seconds}); an order's live status is {@code GET
 * /orders/{orderId}}.
 */
public final class OrderViewRoutes extends ApiDirectives {
  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 100;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final OrderViewStore store;
  private final DemandForecasts forecasts;

  public OrderViewRoutes(
      OrderViewStore store, DemandForecasts forecasts, Auth auth, Metrics metrics) {
    super(auth, metrics);
    this.store = store;
    this.forecasts = forecasts;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.GET,
            "/customers/me/orders",
            path ->
                authenticated(
                    principal ->
                        principal.role() != Auth.Role.CUSTOMER
                            ? error(
                                StatusCodes.FORBIDDEN,
                                "forbidden",
                                "a customer's own orders need that customer's token",
                                "Authorization")
                            : parameterOptional(
                                "limit",
                                limit ->
                                    parameterOptional(
                                        "after",
                                        after ->
                                            customerOrders(principal.subject(), limit, after))))),
        endpoint(
            HttpMethods.GET,
            "/pickup-points/{pickupPointId}/orders",
            path ->
                operator(
                    p ->
                        withId(
                            path.get("pickupPointId"),
                            "pickupPointId",
                            id ->
                                withDate(
                                    "date",
                                    date ->
                                        onResult(
                                            store.pickupPointOrders(id, date),
                                            orders ->
                                                json(
                                                    StatusCodes.OK,
                                                    new PickupPointOrders(
                                                        id, date.toString(), orders))))))),
        endpoint(
            HttpMethods.GET,
            "/inventory/{warehouseId}/{sku}/demand",
            path ->
                operator(
                    p ->
                        withId(
                            path.get("warehouseId"),
                            "warehouseId",
                            warehouse ->
                                withId(
                                    path.get("sku"),
                                    "sku",
                                    sku ->
                                        withDate(
                                            "day",
                                            day ->
                                                onResult(
                                                    store.demand(sku, warehouse, day),
                                                    d -> json(StatusCodes.OK, d))))))),
        endpoint(
            HttpMethods.GET,
            "/forecasts/{warehouseId}/{sku}",
            path ->
                operator(
                    p ->
                        withId(
                            path.get("warehouseId"),
                            "warehouseId",
                            warehouse ->
                                withId(
                                    path.get("sku"),
                                    "sku",
                                    sku ->
                                        parameterOptional(
                                            "days", days -> forecast(warehouse, sku, days)))))));
  }

  private Route forecast(String warehouse, String sku, Optional<String> days) {
    int horizon;
    try {
      horizon = days.map(Integer::parseInt).orElse(7);
    } catch (NumberFormatException e) {
      horizon = -1;
    }
    if (horizon < 1 || horizon > DemandForecasts.MAX_HORIZON) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid-days",
          "days must be a whole number from 1 to " + DemandForecasts.MAX_HORIZON,
          "days");
    }
    return onResult(forecasts.forecast(warehouse, sku, horizon), f -> json(StatusCodes.OK, f));
  }

  public record PickupPointOrders(
      String pickupPointId, String date, java.util.List<OrderViewStore.PickupOrder> orders) {}

  private Route customerOrders(String customerId, Optional<String> limit, Optional<String> after) {
    int size;
    try {
      size = limit.map(Integer::parseInt).orElse(DEFAULT_PAGE);
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < 1 || size > MAX_PAGE) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid-limit",
          "limit must be a whole number from 1 to " + MAX_PAGE,
          "limit");
    }
    Optional<CustomerOrders.Cursor> cursor = Optional.empty();
    if (after.isPresent()) {
      cursor = CustomerOrders.Cursor.parse(after.get());
      if (cursor.isEmpty()) {
        return error(
            StatusCodes.BAD_REQUEST,
            "invalid-cursor",
            "after must be the 'next' value of the previous page",
            "after");
      }
    }
    return onResult(
        store.customers().page(customerId, size, cursor), page -> json(StatusCodes.OK, page));
  }

  private Route withId(String value, String field, Function<String, Route> inner) {
    if (!ID.matcher(value).matches()) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid-id",
          field + " must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          field);
    }
    return inner.apply(value);
  }

  private Route withDate(String name, Function<LocalDate, Route> inner) {
    return parameterOptional(
        name,
        value -> {
          if (value.isEmpty()) {
            return error(
                StatusCodes.BAD_REQUEST,
                "missing-field",
                name + " is required, as YYYY-MM-DD",
                name);
          }
          try {
            return inner.apply(LocalDate.parse(value.get()));
          } catch (DateTimeParseException e) {
            return error(
                StatusCodes.BAD_REQUEST, "invalid-date", name + " must be YYYY-MM-DD", name);
          }
        });
  }
}
