package io.groupbuy.catalog;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /catalog}: anyone may list SKUs and pickup points; operators load them (see {@code
 * sim.LoadCatalog}).
 */
public final class CatalogRoutes extends ApiDirectives {
  static final int MAX_BATCH = 1000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final Catalog catalog;

  public CatalogRoutes(Catalog catalog, Auth auth, Metrics metrics) {
    super(auth, metrics);
    this.catalog = catalog;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.GET,
            "/catalog/skus",
            path -> json(StatusCodes.OK, new SkuList(catalog.skuList()))),
        endpoint(
            HttpMethods.PUT,
            "/catalog/skus",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(SkuList.class),
                            req ->
                                onResult(
                                    catalog.putSkus(validSkus(req)),
                                    n -> json(StatusCodes.OK, Map.of("stored", n)))))),
        endpoint(
            HttpMethods.GET,
            "/catalog/pickup-points",
            path -> json(StatusCodes.OK, new PickupPointList(catalog.pickupPointList()))),
        endpoint(
            HttpMethods.PUT,
            "/catalog/pickup-points",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(PickupPointList.class),
                            req ->
                                onResult(
                                    catalog.putPickupPoints(validPoints(req)),
                                    n -> json(StatusCodes.OK, Map.of("stored", n)))))));
  }

  static List<Sku> validSkus(SkuList req) {
    List<Sku> skus = batch(req.skus(), "skus");
    for (int i = 0; i < skus.size(); i++) {
      Sku s = skus.get(i);
      String f = "skus[" + i + "]";
      if (s == null) throw new ApiError.Failure(400, "missing-field", "entry is null", f);
      id(s.sku(), f + ".sku");
      text(s.name(), f + ".name");
      text(s.category(), f + ".category");
      if (!(s.cost() >= 0 && s.cost() < 1_000_000)) {
        throw new ApiError.Failure(
            422, "invalid-cost", "cost must be between 0 and 1000000", f + ".cost");
      }
    }
    return skus;
  }

  static List<PickupPoint> validPoints(PickupPointList req) {
    List<PickupPoint> points = batch(req.pickupPoints(), "pickupPoints");
    for (int i = 0; i < points.size(); i++) {
      PickupPoint p = points.get(i);
      String f = "pickupPoints[" + i + "]";
      if (p == null) throw new ApiError.Failure(400, "missing-field", "entry is null", f);
      id(p.id(), f + ".id");
      id(p.warehouseId(), f + ".warehouseId");
      text(p.name(), f + ".name");
      text(p.city(), f + ".city");
      if (!(p.lat() >= -90 && p.lat() <= 90)) {
        throw new ApiError.Failure(
            422, "invalid-coordinate", "lat must be within [-90, 90], got " + p.lat(), f + ".lat");
      }
      if (!(p.lng() >= -180 && p.lng() <= 180)) {
        throw new ApiError.Failure(
            422,
            "invalid-coordinate",
            "lng must be within [-180, 180], got " + p.lng(),
            f + ".lng");
      }
    }
    return points;
  }

  private static <T> List<T> batch(List<T> list, String field) {
    if (list == null || list.isEmpty()) {
      throw new ApiError.Failure(400, "missing-field", field + " must be a non-empty list", field);
    }
    if (list.size() > MAX_BATCH) {
      throw new ApiError.Failure(
          422, "batch-too-large", "at most " + MAX_BATCH + " entries per request", field);
    }
    return list;
  }

  private static void id(String v, String field) {
    if (v == null || !ID.matcher(v).matches()) {
      throw new ApiError.Failure(
          422, "invalid-id", "ids are 1-100 characters of A-Z a-z 0-9 . _ : -", field);
    }
  }

  private static void text(String v, String field) {
    if (v == null || v.isBlank() || v.length() > 200) {
      throw new ApiError.Failure(422, "invalid-text", "required, at most 200 characters", field);
    }
  }
}
