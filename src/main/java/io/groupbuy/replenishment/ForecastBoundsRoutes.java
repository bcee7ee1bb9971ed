package io.groupbuy.replenishment;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /inventory/{warehouseId}/{sku}/bounds/from-forecast} (operators): recomputes the
 * SKU's bounds from its demand forecast and sets them on its inventory, which then requests
 * replenishment once if its stock is under the new reorder point. Running it again the same day
 * sets the same bounds (the forecast is made once a day).
 */
public final class ForecastBoundsRoutes extends ApiDirectives {
  /** {@code lossRate}: the share lost overnight, default from configuration. */
  public record Request(Double lossRate) {}

  private final ForecastBoundsService service;

  public ForecastBoundsRoutes(ForecastBoundsService service, Auth auth, Metrics metrics) {
    super(auth, metrics);
    this.service = service;
  }

  @Override
  public Route routes() {
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
