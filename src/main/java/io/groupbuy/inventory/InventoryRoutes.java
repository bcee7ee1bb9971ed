package io.groupbuy.inventory;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.platform.Metrics;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /inventory/{warehouseId}/{sku}}: stock and selling price (any signed-in caller); receipts,
 * bounds and prices (operators).
 */
public final class InventoryRoutes extends ApiDirectives {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public record ReceiptRequest(String receiptId, Integer quantity) {}

  public record BoundsRequest(Integer minStock, Integer maxStock, Integer reorderPoint) {}

  /** {@code priceFen} null: back to the list price. */
  public record PriceRequest(String changeId, Long priceFen) {}

  private final ShardedInventory inventory;
  private final GroupbuySettings settings;
  private final Catalog catalog;

  public InventoryRoutes(
      ShardedInventory inventory,
      GroupbuySettings settings,
      Catalog catalog,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.inventory = inventory;
    this.settings = settings;
    this.catalog = catalog;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.GET,
            "/inventory/{warehouseId}/{sku}",
            path ->
                authenticated(
                    p ->
                        known(
                            path.get("warehouseId"),
                            path.get("sku"),
                            sku ->
                                inventory
                                    .entity(path.get("sku"), path.get("warehouseId"))
                                    .ask(ProductInventory.GetStock::new, settings.askTimeout())))),
        endpoint(
            HttpMethods.POST,
            "/inventory/{warehouseId}/{sku}/receipts",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(ReceiptRequest.class),
                            req ->
                                known(
                                    path.get("warehouseId"),
                                    path.get("sku"),
                                    sku -> receive(path.get("warehouseId"), sku, req))))),
        endpoint(
            HttpMethods.PUT,
            "/inventory/{warehouseId}/{sku}/price",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(PriceRequest.class),
                            req ->
                                known(
                                    path.get("warehouseId"),
                                    path.get("sku"),
                                    sku -> price(path.get("warehouseId"), path.get("sku"), req))))),
        endpoint(
            HttpMethods.PUT,
            "/inventory/{warehouseId}/{sku}/bounds",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(BoundsRequest.class),
                            req ->
                                known(
                                    path.get("warehouseId"),
                                    path.get("sku"),
                                    sku ->
                                        bounds(path.get("warehouseId"), path.get("sku"), req))))));
  }

  private CompletionStage<ProductInventory.Stock> receive(
      String warehouse, Sku sku, ReceiptRequest req) {
    if (req.receiptId() == null || !ID.matcher(req.receiptId()).matches()) {
      throw new ApiError.Failure(
          400,
          "missing-field",
          "receiptId is required: 1-100 characters of A-Z a-z 0-9 . _ : - (it makes retries safe)",
          "receiptId");
    }
    if (req.quantity() == null)
      throw new ApiError.Failure(400, "missing-field", "quantity is required", "quantity");
    if (req.quantity() <= 0 || req.quantity() > settings.maxReceiptQuantity()) {
      throw new ApiError.Failure(
          422,
          "invalid-quantity",
          "quantity must be between 1 and "
              + settings.maxReceiptQuantity()
              + ", got "
              + req.quantity(),
          "quantity");
    }
    long listPrice = Math.min(sku.listPriceFen(settings.listMarkup()), settings.maxPriceFen());
    return inventory
        .entity(sku.sku(), warehouse)
        .askWithStatus(
            r -> new ProductInventory.ReceiveStock(req.receiptId(), req.quantity(), listPrice, r),
            settings.askTimeout());
  }

  private CompletionStage<ProductInventory.Stock> price(
      String warehouse, String sku, PriceRequest req) {
    if (req.changeId() == null || !ID.matcher(req.changeId()).matches()) {
      throw new ApiError.Failure(
          400,
          "missing-field",
          "changeId is required: 1-100 characters of A-Z a-z 0-9 . _ : - (it makes retries safe)",
          "changeId");
    }
    long price = req.priceFen() == null ? 0 : req.priceFen();
    if (req.priceFen() != null && (price < 1 || price > settings.maxPriceFen())) {
      throw new ApiError.Failure(
          422,
          "invalid-price",
          "priceFen must be between 1 and "
              + settings.maxPriceFen()
              + " (fen, 0.01 CNY), got "
              + price
              + "; send null to go back to the list price",
          "priceFen");
    }
    return inventory
        .entity(sku, warehouse)
        .askWithStatus(
            r -> new ProductInventory.SetPrice(req.changeId(), price, r), settings.askTimeout());
  }

  private CompletionStage<ProductInventory.Stock> bounds(
      String warehouse, String sku, BoundsRequest req) {
    if (req.minStock() == null || req.maxStock() == null || req.reorderPoint() == null) {
      String missing =
          req.minStock() == null
              ? "minStock"
              : req.maxStock() == null ? "maxStock" : "reorderPoint";
      throw new ApiError.Failure(400, "missing-field", missing + " is required", missing);
    }
    int limit = settings.maxReceiptQuantity();
    for (var f :
        new Object[][] {
          {"minStock", req.minStock()},
          {"maxStock", req.maxStock()},
          {"reorderPoint", req.reorderPoint()}
        }) {
      int v = (Integer) f[1];
      if (v < 0 || v > limit) {
        throw new ApiError.Failure(
            422,
            "invalid-bounds",
            f[0] + " must be between 0 and " + limit + ", got " + v,
            (String) f[0]);
      }
    }
    if (req.minStock() > req.maxStock()) {
      throw new ApiError.Failure(
          422,
          "invalid-bounds",
          "minStock (" + req.minStock() + ") must not exceed maxStock (" + req.maxStock() + ")",
          "minStock");
    }
    if (req.reorderPoint() > req.maxStock()) {
      throw new ApiError.Failure(
          422,
          "invalid-bounds",
          "reorderPoint ("
              + req.reorderPoint()
              + ") must not exceed maxStock ("
              + req.maxStock()
              + ")",
          "reorderPoint");
    }
    return inventory
        .entity(sku, warehouse)
        .askWithStatus(
            r ->
                new ProductInventory.SetBounds(
                    req.minStock(), req.maxStock(), req.reorderPoint(), r),
            settings.askTimeout());
  }

  /** 404 for SKUs outside the catalog and warehouses no pickup point is served from. */
  private Route known(
      String warehouse, String sku, Function<Sku, CompletionStage<ProductInventory.Stock>> action) {
    if (!ID.matcher(warehouse).matches() || !ID.matcher(sku).matches()) {
      return error(StatusCodes.NOT_FOUND, "not-found", "no such warehouse or SKU", null);
    }
    var lookups = catalog.sku(sku).thenCombine(catalog.hasWarehouse(warehouse), Map::entry);
    return onResult(
        lookups,
        found -> {
          if (found.getKey().isEmpty()) {
            return error(
                StatusCodes.NOT_FOUND,
                "unknown-sku",
                "no SKU " + sku + "; see GET /catalog/skus",
                "sku");
          }
          if (!found.getValue()) {
            return error(
                StatusCodes.NOT_FOUND,
                "unknown-warehouse",
                "no warehouse "
                    + warehouse
                    + "; warehouses are named by the pickup points (GET /catalog/pickup-points)",
                "warehouseId");
          }
          return onResult(
              action.apply(found.getKey().get()),
              (Function<ProductInventory.Stock, Route>) s -> json(StatusCodes.OK, s));
        });
  }
}
