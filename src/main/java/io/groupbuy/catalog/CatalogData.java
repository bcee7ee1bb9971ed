package io.groupbuy.catalog;

import java.util.List;

/** The sellable assortment and the pickup points (团长自提点) that orders are delivered to. */
public final class CatalogData {
  private CatalogData() {}

  /**
   * A SKU; {@code cost} is the latest wholesale purchase price per unit (CNY per kg for produce).
   */
  public record Sku(String sku, String name, String category, double cost) {
    /** The list selling price in fen: the cost times {@code markup}; 0 for an unknown cost. */
    public long listPriceFen(double markup) {
      return Math.max(0, Math.round(cost * markup * 100));
    }
  }

  /** A pickup point in a residential community, served by one warehouse. */
  public record PickupPoint(
      String id, String name, String city, double lat, double lng, String warehouseId) {}

  public record SkuList(List<Sku> skus) {}

  public record PickupPointList(List<PickupPoint> pickupPoints) {}
}
