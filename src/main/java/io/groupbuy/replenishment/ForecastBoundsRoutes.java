package io.groupbuy.replenishment;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Planning for operators:
 *
 * <ul>
 *   <li>{@code POST /inventory/{warehouseId}/{sku}/bounds/from-forecast}: recomputes the SKU's
 *       bounds from its demand forecast and sets them on its inventory, which then requests
 *       replenishment once if its stock is under the new reorder point. Running it again the same
 *       day sets the same bounds (the forecast is made once a day).
 *   <li>{@code GET /planning/{warehouseId}/suggestions}: open replenishment requests and running
 *       discount suggestions across the warehouse's SKUs ({@link Suggestions}).
 * </ul>
 */
public final class ForecastBoundsRoutes extends ApiDirectives {
  /** {@code lossRate}: the share lost overnight, default from configuration. */
  public record Request(Double lossRate) {}

  private final ForecastBoundsService service;
  private final Suggestions suggestions;
  private final java.time.Clock clock;
  private final java.time.ZoneId zone;

  public ForecastBoundsRoutes(
      ForecastBoundsService service,
      Suggestions suggestions,
      java.time.Clock clock,
      java.time.ZoneId zone,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.service = service;
    this.suggestions = suggestions;
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.GET,
            "/planning/{warehouseId}/suggestions",
            path ->
                operator(
                    p ->
                        onResult(
                            suggestions.of(
                                path.get("warehouseId"),
                                java.time.LocalDate.now(clock.withZone(zone))),
                            v -> json(StatusCodes.OK, v)))),
        bounds());
  }

  private Route bounds() {
    return endpoint(
        HttpMethods.POST,
        "/inventory/{warehouseId}/{sku}/bounds/from-forecast",
        path ->
            operator(
                p ->
                    entity(
                        JsonSupport.body(Request.class),
                        req ->
                            onResult(
                                service.recompute(
                                    path.get("warehouseId"), path.get("sku"), req.lossRate()),
                                r -> json(StatusCodes.OK, r)))));
  }
}
